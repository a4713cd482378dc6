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
  public static Map<String, Boolean> expectations(SimRun.Outcome o) {
    Map<String, Boolean> checkValid = new LinkedHashMap<>();
    List<String> anomalies = new ArrayList<>();
    for (Map.Entry<String, SimRun.Check> c : o.checks().entrySet()) {
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
  public static boolean expectationsMet(SimRun.Outcome o) {
    return !expectations(o).containsValue(false);
  }

  public static Map<String, Object> toMap(SimRun.Outcome o, String replay, String out) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", o.scenario().name());
    m.put("seed", o.seed());
    m.put("host", "sim");
    m.put("protocol", o.scenario().protocol());
    if (o.scenario().transactional()) {
      m.put("workload", o.scenario().workload().name());
      m.put("consistency", o.scenario().consistency());
    }
    m.put("valid", o.validity().json());
    Map<String, Object> checks = new LinkedHashMap<>();
    for (Map.Entry<String, SimRun.Check> c : o.checks().entrySet()) {
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
    m.put("knobs", o.scenario().knobs());
    m.put("raft_violations", o.raftViolations());
    m.put("faults", o.plan().isEmpty() ? List.of() : List.of(o.plan().split("\n")));
    m.put("trace_sha256", o.traceDigest());
    m.put("replay", replay);
    m.put("out", out);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("events", o.stats().events());
    stats.put("messages", o.stats().messagesSent());
    stats.put("messages_delivered", o.stats().messagesDelivered());
    stats.put("drops", o.stats().drops());
    stats.put("messages_by_type", o.stats().messagesByType());
    stats.put("sim_seconds", round(o.simSeconds()));
    stats.put("wall_seconds", round(o.wallSeconds()));
    stats.put("simulate_wall_seconds", round(o.simulateWallSeconds()));
    stats.put("check_wall_seconds", round(o.checkWallSeconds()));
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
