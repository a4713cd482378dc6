package dev.txlab.coordinator.spanner;

import dev.txlab.coordinator.cluster.TwoPhaseCommit;
import dev.txlab.coordinator.cluster.TxnSimProtocolCluster;
import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.node.sim.SimConfig;
import java.util.List;
import java.util.Map;

/**
 * Spanner's read-write transactions (Corbett et al., OSDI 2012, §4): two-phase commit over
 * Raft-replicated participant groups, the coordinator being the leader of one participant's group
 * (so a new leader finishes what a dead one started), wound-wait locking, commit timestamps from
 * TrueTime and commit wait before anyone learns the outcome; read-only transactions read a snapshot
 * without locks.
 */
public final class SpannerProtocol implements Protocol {
  @Override
  public String name() {
    return "spanner";
  }

  @Override
  public String summary() {
    return "2PC over Raft groups with a replicated coordinator, wound-wait locks, TrueTime commit wait, snapshot reads";
  }

  @Override
  public boolean isDefault() {
    return true;
  }

  @Override
  public Serves serves() {
    return Serves.TRANSACTIONS;
  }

  @Override
  public List<Knob> knobs() {
    return TxnKnobs.spanner().declared();
  }

  @Override
  public List<String> promises() {
    return List.of("strict-serializable");
  }

  @Override
  public List<String> metrics() {
    return TwoPhaseCommit.METRICS;
  }

  @Override
  public List<Monitor> monitors() {
    return TwoPhaseCommit.MONITORS;
  }

  @Override
  public SimProtocolCluster onSimulator(
      Topology topology, Map<String, String> settings, SimConfig sim) {
    return new TxnSimProtocolCluster(topology, settings(settings), sim);
  }

  @Override
  public List<String> liveNodeMetrics() {
    return TwoPhaseCommit.LIVE_NODE_METRICS;
  }

  @Override
  public boolean runsLive() {
    return true;
  }

  @Override
  public LiveCoordinator liveCoordinator() {
    return LiveCoordinator.FIRST_SHARD_LEADER;
  }

  @Override
  public dev.txlab.node.live.LiveNode.Components onLiveHost(
      Map<String, String> settings, dev.txlab.coordinator.protocol.LiveOptions options) {
    return new dev.txlab.coordinator.live.TxnComponents(
        name(),
        dev.txlab.coordinator.txn.TxnKnobs.of(settings(settings)),
        options.lanes(),
        options.tickNanos());
  }
}
