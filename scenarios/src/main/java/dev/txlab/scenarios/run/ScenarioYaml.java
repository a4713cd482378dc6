package dev.txlab.scenarios.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a scenario back as YAML — every field with the value the run used, overrides and the seed
 * included — so {@code scenario.yaml} in a run directory is a script that replays it.
 */
public final class ScenarioYaml {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE));

  private ScenarioYaml() {}

  public static String asRun(Scenario s, long seed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("description", s.description());
    if (!s.narrative().isEmpty()) {
      m.put("narrative", s.narrative());
    }
    m.put("seed", seed);
    m.put("duration", text(s.duration()));
    m.put("converge", text(s.converge()));
    m.put("nodes", s.nodes());
    m.put("shards", s.shards());
    m.put("replicas", s.replicas());
    if (!s.placement().isEmpty()) {
      Map<String, Object> placement = new LinkedHashMap<>();
      for (int i = 0; i < s.placement().size(); i++) {
        placement.put(dev.txlab.node.api.ShardId.of(i).component(), s.placement().get(i));
      }
      m.put("placement", placement);
    }
    m.put("protocol", s.protocol());
    m.putAll(s.knobs());
    if (s.transactional()) {
      m.put("consistency", s.consistency());
    }
    Map<String, Object> net = new LinkedHashMap<>();
    net.put("latency", s.network().latency());
    net.put("loss", percent(s.network().loss()));
    net.put("duplicate", percent(s.network().duplicate()));
    net.put("reorder", percent(s.network().reorder()));
    if (!s.network().regions().isEmpty()) {
      net.put("regions", new LinkedHashMap<>(s.network().regions()));
      net.put("region-latency", new LinkedHashMap<>(s.network().regionLatency()));
    }
    m.put("network", net);
    Map<String, Object> clocks = new LinkedHashMap<>();
    clocks.put("offset-max", text(s.clocks().offsetMax()));
    clocks.put("drift-max", s.clocks().driftPpmMax() + "ppm");
    clocks.put("epsilon", s.clocks().epsilon());
    if (!s.clocks().offsets().isEmpty()) {
      Map<String, Object> offsets = new LinkedHashMap<>();
      s.clocks()
          .offsets()
          .forEach((k, v) -> offsets.put(k, dev.txlab.chaos.fault.Durations.signedText(v)));
      clocks.put("offsets", offsets);
    }
    m.put("clocks", clocks);
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("name", s.workload().name());
    w.put("clients", s.workload().clients());
    w.put("rate", s.workload().rate());
    if (s.workload().bank()) {
      w.put("accounts", s.workload().accounts());
      w.put("initial-balance", s.workload().initialBalance());
    } else if (s.transactional()) {
      if (!s.workload().name().equals("causal-reverse")) {
        w.put("active-keys", s.workload().activeKeys());
      }
      w.put("writes-per-key", s.workload().writesPerKey());
      w.put("txn-length", s.workload().txnLengthMax());
    } else {
      w.put("keys-per-shard", s.workload().keysPerShard());
    }
    w.put("timeout", text(s.workload().timeout()));
    m.put("workload", w);
    m.put("faults", s.faults());
    List<String> expect = new ArrayList<>();
    for (Expectation e : s.expectations()) {
      expect.add(e.text());
    }
    m.put("expect", expect);
    try {
      return YAML.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a scenario always serialises", e);
    }
  }

  /**
   * The script as a live run ran it: what the simulator alone models ({@code network:}, {@code
   * clocks:}) is kept but commented out, saying the live host did not apply it, and the faults as
   * applied — with their times from the workload's start — close the file as comments. It stays a
   * script that runs again ({@code faults:} and {@code seed:} give the same plan).
   */
  public static String asLiveRun(Scenario s, long seed, List<String> applied) {
    StringBuilder out = new StringBuilder();
    boolean commenting = false;
    for (String line : asRun(s, seed).split("\n", -1)) {
      boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0));
      if (topLevel) {
        commenting = line.startsWith("network:") || line.startsWith("clocks:");
        if (commenting) {
          out.append("# simulated only — the live host did not apply this:\n");
        }
      }
      if (line.isEmpty()) {
        continue;
      }
      out.append(commenting ? "# " : "").append(line).append('\n');
    }
    out.append("# faults as applied on the live cluster (seconds from the workload's start):\n");
    if (applied.isEmpty()) {
      out.append("#   none\n");
    }
    for (String f : applied) {
      out.append("#   ").append(f).append('\n');
    }
    return out.toString();
  }

  static String text(Duration d) {
    long nanos = d.toNanos();
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }

  static String percent(double fraction) {
    double p = fraction * 100;
    return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
  }
}
