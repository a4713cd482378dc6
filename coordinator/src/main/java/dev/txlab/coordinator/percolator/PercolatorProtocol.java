package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.node.sim.SimConfig;
import java.util.List;
import java.util.Map;

/**
 * TiDB's design (the {@code percolator} plug-in): Google's Percolator two-phase commit over
 * Raft-replicated shards (TiKV), every timestamp from a central oracle that is itself a Raft group
 * (PD's TSO). Snapshot isolation — reads at a snapshot, first committer wins on write-write
 * conflicts — and not serializable: two transactions that read each other's keys and write
 * different ones both commit (write skew, G2-item).
 */
public final class PercolatorProtocol implements Protocol {
  static final List<Knob> KNOBS =
      List.of(
          Knob.duration(
              "tso-window",
              "3s",
              "how far ahead of the clock the oracle's leader persists its high-water mark"),
          Knob.choice(
              "tso-persist",
              "on",
              List.of("on", "off"),
              "a new oracle leader starts above the persisted mark (off: from its own clock)"),
          Knob.choice(
              "tso-batch",
              "64",
              List.of("1", "8", "16", "64", "256"),
              "at most this many timestamps a gateway asks the oracle for in one request"),
          Knob.duration(
              "lock-ttl",
              "3s",
              "a lock older than this may be rolled back by a transaction that meets it"));

  @Override
  public String name() {
    return "percolator";
  }

  @Override
  public List<String> aliases() {
    return List.of("tidb");
  }

  @Override
  public String summary() {
    return "TiDB-style: Percolator two-phase commit (locks, a primary commit point, readers that"
        + " roll locks forward or back), timestamps from a Raft-replicated oracle; snapshot"
        + " isolation, not serializable (write skew)";
  }

  @Override
  public Serves serves() {
    return Serves.TRANSACTIONS;
  }

  @Override
  public boolean servesTimestamps() {
    return true;
  }

  @Override
  public List<Knob> knobs() {
    return KNOBS;
  }

  @Override
  public List<String> promises() {
    return List.of("snapshot-isolation");
  }

  @Override
  public Map<String, String> disclaims() {
    return Map.of(
        "serializable",
        "only write-write conflicts are checked: two transactions that read each other's keys and"
            + " write different ones both commit — write skew, G2-item (percolator-write-skew)");
  }

  @Override
  public List<String> metrics() {
    return PercolatorMetrics.NAMES;
  }

  @Override
  public List<Monitor> monitors() {
    return List.of(
        new Monitor(
            "raft-safety",
            "one leader per term, log matching, leader completeness, state-machine safety"
                + " (the shards' groups and the oracle's)"),
        new Monitor(
            "percolator-shard",
            "one lock per key; no write below a newer committed one; a committed transaction is"
                + " never rolled back"),
        new Monitor(
            "tso-order",
            "an oracle leader's timestamps only grow, and stay below its persisted mark"));
  }

  @Override
  public SimProtocolCluster onSimulator(
      Topology topology, Map<String, String> settings, SimConfig sim) {
    return new PercolatorSimCluster(topology, settings(settings), sim);
  }

  @Override
  public boolean runsLive() {
    return true;
  }

  /**
   * The gateways' counters (each node's own; the run reports the largest). Not {@code commits}: a
   * live run counts those from its history, across all gateways; not {@code locks_left}, which only
   * the simulator can count.
   */
  @Override
  public List<String> liveNodeMetrics() {
    return PercolatorMetrics.NAMES.stream()
        .filter(n -> !n.equals("commits") && !n.equals("locks_left"))
        .toList();
  }

  @Override
  public dev.txlab.node.live.LiveNode.Components onLiveHost(
      Map<String, String> settings, dev.txlab.coordinator.protocol.LiveOptions options) {
    return new PercolatorLiveComponents(settings(settings), options.lanes());
  }

  /** A duration knob's value ({@code 250ms}, {@code 3s}) in milliseconds. */
  static long millis(Map<String, String> settings, String knob) {
    String v = settings.get(knob);
    return v.endsWith("ms")
        ? Long.parseLong(v.substring(0, v.length() - 2))
        : Long.parseLong(v.substring(0, v.length() - 1)) * 1000L;
  }
}
