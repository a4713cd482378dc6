package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.schedule.ScheduleLine;
import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.ProtocolRegistry;
import dev.txlab.scenarios.script.Overrides;
import dev.txlab.scenarios.script.ScriptException;
import dev.txlab.scenarios.script.ScriptMap;
import dev.txlab.scenarios.script.ScriptNode;
import dev.txlab.scenarios.script.ScriptParser;
import dev.txlab.scenarios.workload.WorkloadDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads a scenario script into a {@link Scenario}, refusing anything it cannot run with the file,
 * line and field named: unknown fields, wrong types, bad durations, impossible placements (more
 * replicas than nodes), fault lines that do not parse or name nodes the cluster does not have,
 * expectations that read unknown metrics.
 *
 * <p>The schema (every field optional except {@code name}):
 *
 * <pre>
 * name, description, narrative, seed, duration, converge,
 * nodes, shards, replicas, placement: {shard-N: [nodes]}, reads, fsync, lease-drift-bound,
 * network: {latency, loss, duplicate, reorder},
 * clocks: {offset-max, drift-max, epsilon, offsets: {servers|clients|NODE: ±offset}},
 * workload: {name, clients, rate, timeout; register: keys-per-shard; list-append/rw-register:
 *            active-keys, writes-per-key, txn-length; bank: accounts, initial-balance},
 * faults: [schedule lines], expect: [expectations]
 * </pre>
 */
public final class ScenarioReader {
  private ScenarioReader() {}

  /** Parses, applies {@code --set} overrides, and validates. */
  public static Scenario read(ScenarioLibrary.Source source, List<String> overrides)
      throws ScriptException {
    return read(source, overrides, List.of());
  }

  /**
   * Parses, applies {@code --set} overrides, appends {@code --fault} schedule lines to the script's
   * own, and validates all of it; a bad line is named as {@code --fault LINE}.
   */
  public static Scenario read(
      ScenarioLibrary.Source source, List<String> overrides, List<String> extraFaults)
      throws ScriptException {
    ScriptNode root = ScriptParser.parse(source.origin(), source.text());
    root = Overrides.apply(root, overrides);
    Scenario s = read(source.name(), root);
    if (extraFaults.isEmpty()) {
      return s;
    }
    return withFaults(s, extraFaults);
  }

  /** {@code s} with {@code --fault} lines appended, each checked; a bad one is named. */
  private static Scenario withFaults(Scenario s, List<String> extraFaults) throws ScriptException {
    List<String> faults = new ArrayList<>(s.faults());
    ClusterView view =
        ClusterView.ofShape(
            faultableNames(s.nodes(), ProtocolRegistry.get(s.protocol())), shardNames(s.shards()));
    for (String text : extraFaults) {
      ScheduleLine line;
      try {
        line = ScheduleLine.parse(text);
      } catch (FaultSyntaxException e) {
        throw new ScriptException("--fault " + text, 0, 0, "", e.getMessage());
      }
      Optional<String> problem = line.problemWith(view);
      if (problem.isEmpty()) {
        problem = phaseProblem(line, ProtocolRegistry.get(s.protocol()));
      }
      if (problem.isEmpty()) {
        problem = afterTheEnd(line, s.duration(), s.converge());
      }
      if (problem.isPresent()) {
        throw new ScriptException("--fault " + text, 0, 0, "", problem.get());
      }
      faults.add(line.text());
    }
    return new Scenario(
        s.name(),
        s.description(),
        s.narrative(),
        s.seed(),
        s.duration(),
        s.converge(),
        s.nodes(),
        s.shards(),
        s.replicas(),
        s.protocol(),
        s.knobs(),
        s.consistency(),
        s.network(),
        s.clocks(),
        s.workload(),
        List.copyOf(faults),
        s.expectations(),
        s.placement());
  }

  /**
   * The scenario as {@code txlab compare} runs it on {@code protocol}: the script with its
   * overrides and extra faults, on that protocol, with the knobs of other protocols left out (each
   * one named in {@code skipped}), without expectations (a comparison judges nothing against them),
   * and checked against {@code models} unless the script names its own.
   */
  public static Scenario readForComparison(
      ScenarioLibrary.Source source,
      List<String> overrides,
      List<String> extraFaults,
      Protocol protocol,
      List<String> models,
      List<String> skipped)
      throws ScriptException {
    ScriptNode root = ScriptParser.parse(source.origin(), source.text());
    root = Overrides.apply(root, overrides);
    if (root.kind() == ScriptNode.Kind.MAP) {
      java.util.Map<String, List<String>> owners = new java.util.LinkedHashMap<>();
      for (Protocol other : ProtocolRegistry.all()) {
        for (Knob k : other.knobs()) {
          owners.computeIfAbsent(k.name(), x -> new ArrayList<>()).add(other.name());
        }
      }
      for (java.util.Map.Entry<String, List<String>> k : owners.entrySet()) {
        ScriptNode value = root.entries().get(k.getKey());
        if (value != null && protocol.knob(k.getKey()).isEmpty()) {
          skipped.add(
              "knob "
                  + k.getKey()
                  + "="
                  + (value.text() == null ? value.toPlain() : value.text())
                  + " (a knob of "
                  + String.join(" and ", k.getValue())
                  + ")");
          root = Overrides.remove(root, k.getKey());
        }
      }
      boolean ownModels = root.entries().containsKey("consistency");
      root = Overrides.remove(root, "expect");
      List<String> assignments = new ArrayList<>();
      assignments.add("protocol=" + protocol.name());
      if (!ownModels && !models.isEmpty()) {
        assignments.add("consistency=[" + String.join(", ", models) + "]");
      }
      root = Overrides.apply(root, assignments);
    }
    Scenario s = read(source.name(), root);
    return extraFaults.isEmpty() ? s : withFaults(s, extraFaults);
  }

  static Scenario read(String defaultName, ScriptNode root) throws ScriptException {
    ScriptMap m = new ScriptMap(root);
    String name = m.string("name", defaultName);
    String description = m.string("description", "");
    String narrative = m.string("narrative", "");
    long seed = m.seed("seed", 1);
    Duration duration = positive(m, "duration", Duration.ofSeconds(20));
    Duration converge = positive(m, "converge", Duration.ofSeconds(5));
    int nodes = m.integer("nodes", 5, 1, 64);
    int shards = m.integer("shards", 3, 1, 64);
    int replicas = m.integer("replicas", 3, 1, 15);
    if (replicas > nodes) {
      ScriptNode at = m.has("replicas") ? m.raw("replicas") : m.raw("nodes");
      throw (at != null ? at : root)
          .error(
              "impossible placement: "
                  + replicas
                  + " replicas need at least "
                  + replicas
                  + " nodes, the cluster has "
                  + nodes);
    }
    List<List<String>> placement = readPlacement(m.map("placement"), nodes, shards, replicas);
    Scenario.WorkloadSpec workload = readWorkload(m.map("workload"));
    // The protocol and its knobs, as the protocol declares them (the registry): nothing here
    // lists a protocol or a knob by name.
    TreeMap<String, String> knobs = new TreeMap<>();
    Protocol.Serves serves =
        workload.transactional() ? Protocol.Serves.TRANSACTIONS : Protocol.Serves.SINGLE_KEY;
    String protocol =
        m.string(
            "protocol",
            workload.driverSpec().timestamps()
                ? protocolsWithOracle().get(0)
                : defaultProtocol(serves));
    Optional<Protocol> found = ProtocolRegistry.find(protocol);
    if (found.isEmpty()) {
      throw m.raw("protocol").error(ProtocolRegistry.unknown(protocol));
    }
    Protocol p = found.get();
    if (workload.driverSpec().timestamps() && !p.servesTimestamps()) {
      throw (m.has("protocol") ? m.raw("protocol") : root)
          .error(
              "protocol "
                  + p.name()
                  + " has no timestamp oracle for the tso workload; protocols with one: "
                  + String.join(", ", protocolsWithOracle()));
    }
    if (p.serves() != serves && !workload.driverSpec().timestamps()) {
      throw (m.has("protocol") ? m.raw("protocol") : root)
          .error(
              "protocol "
                  + p.name()
                  + " serves "
                  + (p.serves() == Protocol.Serves.TRANSACTIONS
                      ? "transactions"
                      : "single-key operations")
                  + ", not the "
                  + workload.name()
                  + " workload; protocols for it: "
                  + String.join(", ", protocolsServing(serves)));
    }
    Optional<String> shardsProblem = p.shardsProblem(shards);
    if (shardsProblem.isPresent()) {
      throw (m.has("shards") ? m.raw("shards") : root).error(shardsProblem.get());
    }
    if (!p.workloads().isEmpty() && !p.workloads().contains(workload.name())) {
      throw (m.has("protocol") ? m.raw("protocol") : root)
          .error(
              "protocol "
                  + p.name()
                  + " runs the "
                  + String.join(", ", p.workloads())
                  + " workload, not "
                  + workload.name());
    }
    for (Protocol other : ProtocolRegistry.all()) {
      for (Knob k : other.knobs()) {
        if (m.has(k.name()) && p.knob(k.name()).isEmpty()) {
          throw m.raw(k.name())
              .error(
                  "'"
                      + k.name()
                      + "' is a knob of "
                      + other.name()
                      + ", not of protocol "
                      + p.name()
                      + " (its knobs: "
                      + p.knobNames()
                      + ")");
        }
      }
    }
    for (Knob k : p.knobs()) {
      String value;
      if (k.kind() == Knob.Kind.DURATION) {
        value = ScenarioYaml.text(m.duration(k.name(), durationOf(k.defaultValue())));
      } else {
        value = m.string(k.name(), k.defaultValue());
      }
      Optional<String> problem = k.problem(value);
      if (problem.isPresent()) {
        throw m.raw(k.name()).error(problem.get());
      }
      knobs.put(k.name(), value);
    }
    List<String> consistency = List.of();
    if (workload.transactional()) {
      List<String> models = new ArrayList<>();
      for (ScriptNode n : m.list("consistency")) {
        String model = ScriptMap.texts(List.of(n)).get(0);
        if (!dev.txlab.checker.txn.TxnSpec.knownModels().contains(model)) {
          throw n.error(
              "unknown consistency model '"
                  + model
                  + "' (known: "
                  + String.join(", ", dev.txlab.checker.txn.TxnSpec.knownModels())
                  + ")");
        }
        models.add(model);
      }
      // Unless the scenario says otherwise, a run is checked against what its protocol promises.
      consistency = models.isEmpty() ? List.copyOf(p.promises()) : List.copyOf(models);
    }

    Scenario.NetworkSpec network = readNetwork(m.map("network"), nodeNames(nodes));
    Scenario.ClockSpec clocks = readClocks(m.map("clocks"), nodeNames(nodes));

    List<String> faults = new ArrayList<>();
    ClusterView view = ClusterView.ofShape(faultableNames(nodes, p), shardNames(shards));
    for (ScriptNode n : m.list("faults")) {
      String text = ScriptMap.texts(List.of(n)).get(0);
      ScheduleLine line;
      try {
        line = ScheduleLine.parse(text);
      } catch (FaultSyntaxException e) {
        throw n.error(e.getMessage());
      }
      Optional<String> problem = line.problemWith(view);
      if (problem.isEmpty()) {
        problem = phaseProblem(line, p);
      }
      if (problem.isEmpty()) {
        problem = afterTheEnd(line, duration, converge);
      }
      if (problem.isPresent()) {
        throw n.error("'" + text + "': " + problem.get());
      }
      faults.add(line.text());
    }

    List<Expectation> expectations = new ArrayList<>();
    for (ScriptNode n : m.list("expect")) {
      String text = ScriptMap.texts(List.of(n)).get(0);
      Expectation e;
      try {
        e = Expectation.parse(text);
      } catch (IllegalArgumentException ex) {
        throw n.error(ex.getMessage());
      }
      if (e.metric() != null && !SimRun.knownMetric(e.metric(), p, workload.transactional())) {
        throw n.error(
            "unknown metric '"
                + e.metric()
                + "' for protocol "
                + p.name()
                + " (known: "
                + String.join(", ", SimRun.metrics(p, workload.transactional()))
                + ")");
      }
      if (e.check() != null && !SimRun.checks(workload, consistency, p).contains(e.check())) {
        throw n.error(
            "unknown check '"
                + e.check()
                + "' (known: "
                + String.join(", ", SimRun.checks(workload, consistency, p))
                + ")");
      }
      expectations.add(e);
    }
    m.finish();
    return new Scenario(
        name,
        description,
        narrative,
        seed,
        duration,
        converge,
        nodes,
        shards,
        replicas,
        protocol,
        knobs,
        consistency,
        network,
        clocks,
        workload,
        List.copyOf(faults),
        List.copyOf(expectations),
        placement);
  }

  /**
   * Why a schedule line would never act: a one-off fault that starts when the faults are over (the
   * run heals everything at {@code duration} and then only converges), which would otherwise be
   * dropped without a word.
   */
  static Optional<String> afterTheEnd(ScheduleLine line, Duration duration, Duration converge) {
    if (line instanceof dev.txlab.chaos.schedule.ScheduleEntry e
        && !e.repeats()
        && e.startNanos() >= duration.toNanos()) {
      return Optional.of(
          "it starts after the faults end: the run has "
              + ScenarioYaml.text(duration)
              + " with faults (duration), then "
              + ScenarioYaml.text(converge)
              + " to converge, healed");
    }
    return Optional.empty();
  }

  /**
   * A knob's default duration, as a protocol declares it ({@code 0ms}, {@code 250ms}, {@code 2s}).
   */
  private static Duration durationOf(String text) {
    return text.endsWith("ms")
        ? Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)))
        : Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
  }

  /**
   * The protocol a scenario that names none runs: the registry's default for its kind of workload.
   */
  private static String defaultProtocol(Protocol.Serves serves) {
    return ProtocolRegistry.defaultFor(serves).name();
  }

  /** The names of the protocols that run a timestamp oracle (the tso workload's). */
  private static List<String> protocolsWithOracle() {
    List<String> out = new ArrayList<>();
    for (Protocol p : ProtocolRegistry.all()) {
      if (p.servesTimestamps()) {
        out.add(p.name());
      }
    }
    return out;
  }

  /** The names of the protocols that serve {@code serves}. */
  private static List<String> protocolsServing(Protocol.Serves serves) {
    List<String> out = new ArrayList<>();
    for (Protocol p : ProtocolRegistry.all()) {
      if (p.serves() == serves) {
        out.add(p.name());
      }
    }
    return out;
  }

  /**
   * {@code placement: {shard-0: [n1, n2, n3], shard-1: …}}: every shard, each on {@code replicas}
   * distinct nodes of the cluster.
   */
  private static List<List<String>> readPlacement(ScriptMap m, int nodes, int shards, int replicas)
      throws ScriptException {
    if (m == null) {
      return List.of();
    }
    List<String> names = nodeNames(nodes);
    List<List<String>> out = new ArrayList<>();
    for (String shard : shardNames(shards)) {
      m.raw(shard); // known, so a typo gets a suggestion
    }
    for (String shard : shardNames(shards)) {
      if (!m.has(shard)) {
        throw m.node().error("placement must place every shard; " + shard + " is missing");
      }
      List<ScriptNode> on = m.list(shard);
      List<String> placed = ScriptMap.texts(on);
      if (placed.size() != replicas) {
        throw m.raw(shard)
            .error(
                "impossible placement: "
                    + shard
                    + " needs "
                    + replicas
                    + " nodes (replicas), found "
                    + placed.size());
      }
      for (int i = 0; i < placed.size(); i++) {
        if (!names.contains(placed.get(i))) {
          throw on.get(i)
              .error(
                  "unknown node '"
                      + placed.get(i)
                      + "' (the cluster has "
                      + String.join(", ", names)
                      + ")");
        }
        if (placed.indexOf(placed.get(i)) != i) {
          throw on.get(i)
              .error("impossible placement: " + shard + " is placed twice on " + placed.get(i));
        }
      }
      out.add(List.copyOf(placed));
    }
    m.finish();
    return out;
  }

  private static Duration positive(ScriptMap m, String key, Duration dflt) throws ScriptException {
    Duration d = m.duration(key, dflt);
    if (d.isZero() || d.isNegative()) {
      throw m.raw(key).error("must be longer than zero");
    }
    if (d.compareTo(Duration.ofHours(24)) > 0) {
      throw m.raw(key).error("at most 24h of simulated time");
    }
    return d;
  }

  private static Scenario.NetworkSpec readNetwork(ScriptMap m, List<String> nodeNames)
      throws ScriptException {
    if (m == null) {
      return new Scenario.NetworkSpec("0.5ms..1.5ms", 0, 0, 0);
    }
    String latency = m.string("latency", "0.5ms..1.5ms");
    try {
      LatencyText.parse(latency);
    } catch (IllegalArgumentException e) {
      throw m.raw("latency").error(e.getMessage());
    }
    java.util.Map<String, List<String>> regions = new java.util.LinkedHashMap<>();
    java.util.Map<String, String> between = new java.util.LinkedHashMap<>();
    ScriptMap r = m.map("regions");
    if (r != null) {
      java.util.Map<String, String> placedIn = new java.util.HashMap<>();
      for (String region : r.node().entries().keySet()) {
        ScriptNode list = r.raw(region);
        if (!region.matches("[a-z][a-z0-9]*")) {
          throw list.error(
              "a region's name is lower-case letters and digits (for the latency pairs A-B), not '"
                  + region
                  + "'");
        }
        if (list.kind() != ScriptNode.Kind.LIST || list.items().isEmpty()) {
          throw list.error("expected the region's nodes as a list, e.g. [n1, n2]");
        }
        List<String> names = ScriptMap.texts(list.items());
        for (int i = 0; i < names.size(); i++) {
          String n = names.get(i);
          ScriptNode at = list.items().get(i);
          if (!nodeNames.contains(n)) {
            throw at.error("no node '" + n + "' (nodes: " + String.join(", ", nodeNames) + ")");
          }
          String earlier = placedIn.put(n, region);
          if (earlier != null) {
            throw at.error(n + " is already in region " + earlier);
          }
        }
        regions.put(region, names);
      }
      List<String> missing = new ArrayList<>(nodeNames);
      missing.removeAll(placedIn.keySet());
      if (!missing.isEmpty()) {
        throw r.node()
            .error("every node needs a region; not placed: " + String.join(", ", missing));
      }
      r.finish();
      ScriptMap l = m.map("region-latency");
      List<String> names = new ArrayList<>(regions.keySet());
      for (int i = 0; i < names.size(); i++) {
        for (int j = i + 1; j < names.size(); j++) {
          String key = names.get(i) + "-" + names.get(j);
          String reversed = names.get(j) + "-" + names.get(i);
          String text =
              l == null
                  ? null
                  : l.has(key)
                      ? l.string(key, null)
                      : l.has(reversed) ? l.string(reversed, null) : null;
          if (text == null) {
            throw (l == null ? m.node() : l.node())
                .error(
                    "region-latency needs the one-way latency between "
                        + key
                        + ", e.g. "
                        + key
                        + ": 40ms±4ms");
          }
          try {
            LatencyText.parse(text);
          } catch (IllegalArgumentException e) {
            throw l.raw(l.has(key) ? key : reversed).error(e.getMessage());
          }
          between.put(key, text);
        }
      }
      if (l != null) {
        l.finish();
      }
    } else if (m.has("region-latency")) {
      throw m.raw("region-latency").error("region-latency needs regions");
    }
    Scenario.NetworkSpec spec =
        new Scenario.NetworkSpec(
            latency,
            m.fraction("loss", 0),
            m.fraction("duplicate", 0),
            m.fraction("reorder", 0),
            regions,
            between);
    m.finish();
    return spec;
  }

  private static Scenario.ClockSpec readClocks(ScriptMap m, List<String> nodeNames)
      throws ScriptException {
    if (m == null) {
      return new Scenario.ClockSpec(Duration.ofNanos(500_000), 100, "sawtooth");
    }
    Duration offset = m.duration("offset-max", Duration.ofNanos(500_000));
    String drift = m.string("drift-max", "100ppm");
    long ppm;
    try {
      ppm = Long.parseLong(drift.replaceFirst("\\s*ppm$", ""));
      if (ppm < 0 || ppm > 1_000_000) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw m.raw("drift-max").error("expected a drift bound like 100ppm, found '" + drift + "'");
    }
    String epsilon = m.string("epsilon", "sawtooth");
    try {
      LatencyText.epsilon(epsilon);
    } catch (IllegalArgumentException e) {
      throw m.raw("epsilon").error(e.getMessage());
    }
    java.util.Map<String, Long> offsets = new java.util.LinkedHashMap<>();
    ScriptMap placed = m.map("offsets");
    if (placed != null) {
      List<String> keys = new ArrayList<>(List.of("servers", "clients"));
      keys.addAll(nodeNames);
      for (String key : keys) {
        placed.raw(key); // every possible key is known, so a typo gets a suggestion
      }
      for (String key : keys) {
        if (!placed.has(key)) {
          continue;
        }
        String text = placed.string(key, "0ms");
        try {
          offsets.put(key, dev.txlab.chaos.fault.Durations.parseOptionallySigned(text));
        } catch (FaultSyntaxException e) {
          throw placed
              .raw(key)
              .error("expected a clock offset such as +4ms or -2ms, found '" + text + "'");
        }
      }
      placed.finish();
    }
    m.finish();
    return new Scenario.ClockSpec(offset, ppm, epsilon, offsets);
  }

  private static Scenario.WorkloadSpec readWorkload(ScriptMap m) throws ScriptException {
    if (m == null) {
      return new Scenario.WorkloadSpec("register", 10, 200, 2, Duration.ofSeconds(1), 5, 32, 4);
    }
    String name = m.oneOf("name", "register", WorkloadDriver.NAMES);
    boolean txn = !name.equals("register") && !name.equals("tso");
    boolean bank = name.equals("bank");
    // causal-reverse: txn-length is the reader's reads (x, keys nobody writes, y).
    boolean causal = name.equals("causal-reverse");
    Scenario.WorkloadSpec spec =
        new Scenario.WorkloadSpec(
            name,
            m.integer("clients", 10, 0, 1000),
            m.integer("rate", 200, 1, 1_000_000),
            txn || name.equals("tso") ? 2 : m.integer("keys-per-shard", 2, 1, 1000),
            m.duration("timeout", Duration.ofSeconds(txn ? 2 : 1)),
            txn && !bank && !causal ? m.integer("active-keys", 5, 1, 10_000) : 5,
            txn && !bank ? m.integer("writes-per-key", causal ? 16 : 32, 1, 100_000) : 32,
            txn && !bank ? m.integer("txn-length", causal ? 24 : 4, causal ? 2 : 1, 64) : 4,
            bank ? m.integer("accounts", 8, 2, 1000) : 8,
            bank ? m.integer("initial-balance", 10, 0, 1_000_000_000) : 10);
    if (spec.timeout().toMillis() < 10) {
      throw m.raw("timeout").error("must be at least 10ms");
    }
    m.finish();
    return spec;
  }

  /** A step naming a phase the protocol does not have ({@code phase 7} of three). */
  private static Optional<String> phaseProblem(ScheduleLine line, Protocol p) {
    if (!(line instanceof dev.txlab.chaos.schedule.ScheduleEntry e)
        || !(e.fault() instanceof dev.txlab.chaos.fault.Fault.Phase step)) {
      return Optional.empty();
    }
    if (p.phases() == 0) {
      return Optional.of("protocol " + p.name() + " has no migration phases");
    }
    if (step.phase() > p.phases()) {
      return Optional.of(
          "protocol " + p.name() + " has phases 1–" + p.phases() + ", not " + step.phase());
    }
    return Optional.empty();
  }

  /** The server nodes and the protocol's own nodes that faults may name ({@code kill cdc}). */
  private static List<String> faultableNames(int nodes, Protocol p) {
    List<String> names = new ArrayList<>(nodeNames(nodes));
    names.addAll(p.auxiliaryNodes());
    return names;
  }

  static List<String> nodeNames(int nodes) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      out.add("n" + i);
    }
    return out;
  }

  static List<String> shardNames(int shards) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      out.add(dev.txlab.node.api.ShardId.of(i).component());
    }
    return out;
  }
}
