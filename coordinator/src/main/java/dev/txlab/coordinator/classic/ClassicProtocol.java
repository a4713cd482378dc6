package dev.txlab.coordinator.classic;

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
 * Classic two-phase commit (Gray, 1978; Bernstein, Hadzilacos &amp; Goodman, ch. 7): one
 * coordinator process, not replicated, in front of Raft-replicated participants that lock with
 * wound-wait and read with locks. When the coordinator dies after its participants prepared, they
 * block, holding their locks, until it returns — the lesson of {@code 2pc-coordinator-crash}.
 */
public final class ClassicProtocol implements Protocol {
  @Override
  public String name() {
    return "classic";
  }

  @Override
  public List<String> aliases() {
    return List.of("2pc");
  }

  @Override
  public String summary() {
    return "2PC with a single unreplicated coordinator over Raft-replicated participants; blocks when the coordinator dies";
  }

  @Override
  public Serves serves() {
    return Serves.TRANSACTIONS;
  }

  @Override
  public List<Knob> knobs() {
    return TxnKnobs.classic2pc().declared();
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
    return LiveCoordinator.FIRST_NODE;
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
