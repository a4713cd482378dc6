package dev.txlab.scenarios.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's result object — what {@code results.json} holds and {@code --json} prints: the
 * scenario, seed, verdict, each check, the expectations and whether each held, metrics, the trace
 * digest, the exact command that replays the run, and statistics.
 */
public final class RunResults {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunResults() {}

  /** Evaluates each expectation against the outcome: text → held. */
  public static Map<String, Boolean> expectations(RunOutcome o) {
    Map<String, Boolean> checkValid = new LinkedHashMap<>();
    List<String> anomalies = new ArrayList<>();
    for (Map.Entry<String, Check> c : o.checks().entrySet()) {
      Object j = c.getValue().validity().json();
      checkValid.put(c.getKey(), j instanceof Boolean ? (Boolean) j : null);
      anomalies.addAll(c.getValue().anomalyTypes());
    }
    Object overall = o.validity().json();
    Boolean valid = overall instanceof Boolean ? (Boolean) overall : null;
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (Expectation e : o.scenario().expectations()) {
      out.put(e.text(), e.holds(valid, checkValid, anomalies, o.metrics()));
    }
    return out;
  }

  /** True when every expectation held (vacuously true with none). */
  public static boolean expectationsMet(RunOutcome o) {
    return !expectations(o).containsValue(false);
  }

  /**
   * The result object. The host's provenance decides the host-specific part: a simulated run has
   * its trace digest, Raft monitors' findings and the simulator's counts; a live run has its wall
   * clock start, the nodes' process ids, its cluster directory and notes on what it could not
   * reproduce. Neither carries a field of the other.
   *
   * @param replay the command that replays (simulated) or repeats (live) the run
   */
  public static Map<String, Object> toMap(RunOutcome o, String replay, String out) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", o.scenario().name());
    if (o.seed().isPresent()) {
      m.put("seed", o.seed().getAsLong());
    }
    m.put("host", o.provenance().host());
    m.put("protocol", o.scenario().protocol());
    dev.txlab.coordinator.protocol.ProtocolRegistry.find(o.scenario().protocol())
        .ifPresent(p -> m.put("promises", p.promises()));
    m.put("workload", o.scenario().workload().name());
    if (o.scenario().transactional()) {
      m.put("consistency", o.scenario().consistency());
    }
    m.put("valid", o.validity().json());
    Map<String, Object> checks = new LinkedHashMap<>();
    for (Map.Entry<String, Check> c : o.checks().entrySet()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("valid", c.getValue().validity().json());
      cm.put("anomaly_types", c.getValue().anomalyTypes());
      cm.put("summary", c.getValue().summary());
      checks.put(c.getKey(), cm);
    }
    m.put("checks", checks);
    List<Map<String, Object>> exp = new ArrayList<>();
    for (Map.Entry<String, Boolean> e : expectations(o).entrySet()) {
      Map<String, Object> em = new LinkedHashMap<>();
      em.put("expect", e.getKey());
      em.put("held", e.getValue());
      exp.add(em);
    }
    m.put("expectations", exp);
    m.put("expectations_met", expectationsMet(o));
    Map<String, Object> metrics = new LinkedHashMap<>();
    o.metrics().forEach((k, v) -> metrics.put(k, v == Math.rint(v) ? (Object) v.longValue() : v));
    m.put("metrics", metrics);
    if (!o.findings().isEmpty()) {
      m.put("findings", o.findings());
    }
    m.put("knobs", o.scenario().knobs());
    m.put("faults", o.plan().isEmpty() ? List.of() : List.of(o.plan().split("\n")));
    Map<String, Object> stats = new LinkedHashMap<>();
    if (o.provenance() instanceof RunOutcome.Simulated sim) {
      m.put("raft_violations", sim.raftViolations());
      m.put("trace_sha256", sim.traceDigest());
      m.put("replay", replay);
      stats.put("events", sim.stats().events());
      stats.put("messages", sim.stats().messagesSent());
      stats.put("messages_delivered", sim.stats().messagesDelivered());
      stats.put("drops", sim.stats().drops());
      stats.put("messages_by_type", sim.stats().messagesByType());
      stats.put("sim_seconds", round(o.timings().runSeconds()));
      stats.put("wall_seconds", round(o.timings().wallSeconds()));
      stats.put("simulate_wall_seconds", round(o.timings().executeWallSeconds()));
    } else if (o.provenance() instanceof RunOutcome.Live live) {
      m.put("command", replay);
      m.put("start", java.time.Instant.ofEpochMilli(live.startEpochMillis()).toString());
      m.put("pids", new java.util.TreeMap<>(live.pids()));
      m.put("cluster_dir", live.clusterDir());
      m.put("notes", live.notes());
      stats.put("run_seconds", round(o.timings().runSeconds()));
      stats.put("wall_seconds", round(o.timings().wallSeconds()));
    }
    m.put("out", out);
    stats.put("check_wall_seconds", round(o.timings().checkWallSeconds()));
    stats.put("history_events", o.history().size());
    m.put("stats", stats);
    return m;
  }

  public static String json(Map<String, Object> map, boolean pretty) {
    try {
      StringWriter sw = new StringWriter();
      if (pretty) {
        JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(sw, map);
      } else {
        JSON.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(sw, map);
      }
      return sw.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
