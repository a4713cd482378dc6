package dev.txlab.coordinator.crdb;

import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.node.sim.SimConfig;
import java.util.List;
import java.util.Map;

/**
 * CockroachDB's transaction model (the {@code crdb} plug-in): hybrid logical clocks instead of
 * TrueTime, transaction records and write intents on Raft-replicated ranges, uncertainty restarts
 * and read refreshes instead of commit wait. Serializable, and linearizable per key — but not
 * strictly serializable: two transactions on disjoint keys, through gateways whose clocks differ by
 * less than the maximum offset, can be ordered against real time (the "causal reverse").
 */
public final class CrdbProtocol implements Protocol {
  static final List<Knob> KNOBS =
      List.of(
          Knob.duration(
              "max-offset",
              "500ms",
              "the bound on clock offsets between nodes: the width of a read's uncertainty interval"),
          Knob.choice(
              "read-refresh",
              "on",
              List.of("on", "off", "unchecked"),
              "a transaction whose timestamp moves (an uncertain value, a pushed write) re-checks its"
                  + " reads there instead of restarting; unchecked: moves without re-checking, an"
                  + " unsafe mutant for the checker to catch"),
          Knob.choice(
              "observed-timestamps",
              "on",
              List.of("on", "off"),
              "narrow each range's uncertainty to the clock reading of its first answer"),
          Knob.choice(
              "clock-guard",
              "on",
              List.of("on", "off"),
              "a gateway whose clock is beyond the maximum offset from most peers refuses to serve"));

  @Override
  public String name() {
    return "crdb";
  }

  @Override
  public List<String> aliases() {
    return List.of("cockroachdb");
  }

  @Override
  public String summary() {
    return "CockroachDB-style: HLC timestamps, intents and transaction records, uncertainty"
        + " restarts and read refreshes; no commit wait";
  }

  @Override
  public List<dev.txlab.coordinator.protocol.Weakening> weakenings() {
    return List.of(
        dev.txlab.coordinator.protocol.Weakening.knob(
            "read-refresh",
            List.of("unchecked"),
            "serializable",
            "a transaction's read timestamp moves without re-checking its reads, so it commits"
                + " reads that a write in between made stale"),
        dev.txlab.coordinator.protocol.Weakening.knob(
            "clock-guard",
            List.of("off"),
            "strict-serializable",
            "a gateway whose clock is beyond max-offset keeps serving, handing out timestamps"
                + " that other nodes' uncertainty intervals do not cover"),
        dev.txlab.coordinator.protocol.Weakening.faults(
            List.of("clock-skew", "clock-drift", "clock-strobe", "truetime-violation"),
            "strict-serializable",
            "CockroachDB has no commit wait: clocks apart by less than max-offset can already"
                + " order two transactions on disjoint keys against real time (the causal"
                + " reverse); beyond max-offset, uncertainty no longer catches it"));
  }

  @Override
  public Serves serves() {
    return Serves.TRANSACTIONS;
  }

  @Override
  public List<Knob> knobs() {
    return KNOBS;
  }

  @Override
  public List<String> promises() {
    return List.of("serializable");
  }

  @Override
  public java.util.Map<String, String> disclaims() {
    return java.util.Map.of(
        "strict-serializable",
        "transactions on disjoint keys, through gateways whose clocks differ within the maximum"
            + " offset, can be ordered against real time — the causal reverse"
            + " (crdb-causal-reverse); a single key stays linearizable, as the uncertainty interval"
            + " sees to it");
  }

  @Override
  public List<String> metrics() {
    return CrdbMetrics.NAMES;
  }

  @Override
  public List<Monitor> monitors() {
    return List.of(
        new Monitor(
            "raft-safety",
            "one leader per term, log matching, leader completeness, state-machine safety"),
        new Monitor(
            "mvcc-order",
            "a key's versions are written in increasing timestamp order, never below an intent"));
  }

  @Override
  public SimProtocolCluster onSimulator(
      Topology topology, Map<String, String> settings, SimConfig sim) {
    return new CrdbSimCluster(topology, settings(settings), sim);
  }

  @Override
  public boolean runsLive() {
    return true;
  }

  /**
   * The gateways' retry counters (each node's own; the run reports the largest). Not {@code
   * commits}: a live run counts those from its history, across all gateways.
   */
  @Override
  public List<String> liveNodeMetrics() {
    return CrdbMetrics.NAMES.stream().filter(n -> !n.equals("commits")).toList();
  }

  @Override
  public dev.txlab.node.live.LiveNode.Components onLiveHost(
      Map<String, String> settings, dev.txlab.coordinator.protocol.LiveOptions options) {
    return new CrdbLiveComponents(settings(settings), options.lanes());
  }

  /** {@code max-offset} in nanoseconds. */
  static long maxOffsetNanos(Map<String, String> settings) {
    String v = settings.get("max-offset");
    return v.endsWith("ms")
        ? Long.parseLong(v.substring(0, v.length() - 2)) * 1_000_000L
        : Long.parseLong(v.substring(0, v.length() - 1)) * 1_000_000_000L;
  }
}
