package dev.txlab.coordinator.raftkv;

import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.node.sim.SimConfig;
import java.util.List;
import java.util.Map;

/**
 * The sharded key-value store itself, without transactions: each shard a Raft group (Ongaro &amp;
 * Ousterhout, 2014) applying single-key reads, writes and compare-and-sets in log order, reads
 * served by ReadIndex (§6.4 of the thesis) on the leader or, through it, on any replica ({@code
 * reads: readindex-any}), leader leases, or — unsafely — by any self-styled leader or any replica
 * from its own state. Linearizable per key with the safe read modes.
 */
public final class RaftKvProtocol implements Protocol {
  @Override
  public String name() {
    return "raft-kv";
  }

  @Override
  public String summary() {
    return "single-key operations on Raft-replicated shards; reads by ReadIndex, leases, or (unsafely) locally";
  }

  @Override
  public boolean isDefault() {
    return true;
  }

  @Override
  public Serves serves() {
    return Serves.SINGLE_KEY;
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        Knob.choice(
            "reads",
            "readindex",
            List.of("readindex", "lease", "local", "follower", "readindex-any"),
            "reads by ReadIndex (safe), leader leases (safe within lease-drift-bound), any self-styled leader or any replica (unsafe), or any replica through the leader's ReadIndex (safe)"),
        Knob.choice(
            "fsync",
            "always",
            List.of("always", "never"),
            "write the log to disk before acknowledging, or not (acknowledged writes can be lost in a crash)"),
        Knob.fraction(
            "lease-drift-bound",
            "0.05",
            "how much faster a follower's clock may run than the leader's while a lease holds (negative is unsafe by design)"));
  }

  @Override
  public List<dev.txlab.coordinator.protocol.Weakening> weakenings() {
    return List.of(
        dev.txlab.coordinator.protocol.Weakening.knob(
            "reads",
            List.of("local", "follower"),
            "linearizable",
            "a replica answers reads from its own state, which can be behind the last write (a"
                + " deposed leader's or a lagging follower's)"),
        dev.txlab.coordinator.protocol.Weakening.knob(
            "fsync",
            List.of("never"),
            "linearizable",
            "an acknowledged write that was never on disk is lost when its node crashes"),
        dev.txlab.coordinator.protocol.Weakening.knob(
            "lease-drift-bound",
            List.of("<0"),
            "linearizable",
            "a leader trusts its lease longer than a follower's clock allows, so a new leader can"
                + " accept writes the old one still reads past"),
        dev.txlab.coordinator.protocol.Weakening.faults(
                List.of("clock-drift", "clock-skew", "clock-strobe"),
                "linearizable",
                "with leases, a clock running faster than lease-drift-bound lets two leaders serve"
                    + " reads at once")
            .onlyWith("reads", List.of("lease")));
  }

  @Override
  public List<String> promises() {
    return List.of("linearizable");
  }

  @Override
  public List<String> metrics() {
    return List.of();
  }

  @Override
  public List<Monitor> monitors() {
    return List.of(
        new Monitor(
            "raft-safety",
            "one leader per term, log matching, leader completeness, state-machine safety"));
  }

  @Override
  public SimProtocolCluster onSimulator(
      Topology topology, Map<String, String> settings, SimConfig sim) {
    return new KvSimProtocolCluster(topology, settings(settings), sim);
  }

  @Override
  public boolean runsLive() {
    return true;
  }

  /**
   * Plain single-key shard replicas; the knobs the single-key node takes as its own flags ({@code
   * --reads}, {@code --fsync}) reach them through its configuration (a live run notes any other).
   */
  @Override
  public dev.txlab.node.live.LiveNode.Components onLiveHost(
      Map<String, String> settings, dev.txlab.coordinator.protocol.LiveOptions options) {
    return dev.txlab.node.live.LiveNode.Components.kv();
  }
}
