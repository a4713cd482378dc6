package dev.txlab.coordinator.cluster;

import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.protocol.CoordinatorPhase;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The two-phase-commit protocols ({@code spanner}, {@code classic}) on the simulator: a {@link
 * SimTxnCluster} with the protocol's knobs, as the run pipeline sees it. Raft's safety properties
 * and transaction atomicity are monitored after every event.
 */
public final class TxnSimProtocolCluster implements SimProtocolCluster {
  private final SimTxnCluster cluster;

  public TxnSimProtocolCluster(Topology t, Map<String, String> settings, SimConfig sim) {
    this.cluster =
        new SimTxnCluster(
            SimTxnCluster.Config.defaults(sim.seed())
                .withShape(t.nodes(), t.shards(), t.replicas())
                .withPlacement(t.placement())
                .withKnobs(TxnKnobs.of(settings))
                .withSim(sim));
  }

  /** The cluster itself, for tests that look inside. */
  public SimTxnCluster cluster() {
    return cluster;
  }

  @Override
  public Simulator sim() {
    return cluster.sim();
  }

  @Override
  public SimControl control() {
    return cluster.control();
  }

  @Override
  public SimConfig simConfig() {
    return cluster.config().sim();
  }

  @Override
  public List<NodeId> serverNodes() {
    return cluster.serverNodes();
  }

  @Override
  public List<NodeId> faultableNodes() {
    List<NodeId> nodes = new ArrayList<>(cluster.serverNodes());
    coordinatorNode().ifPresent(nodes::add);
    return nodes;
  }

  @Override
  public ShardMap shardMap() {
    return cluster.shardMap();
  }

  @Override
  public Optional<NodeId> leaderOf(String shard) {
    return SimProtocolCluster.raftLeader(
        cluster.sim(),
        cluster.shardMap(),
        shard,
        p -> p instanceof TxnShardReplica r ? r.raft() : null);
  }

  @Override
  public Optional<NodeId> coordinatorNode() {
    return cluster.config().knobs().replicatedCoordinator()
        ? Optional.empty()
        : Optional.of(SimTxnCluster.SINGLE_COORDINATOR.node());
  }

  @Override
  public Address addTxnClient(
      Supplier<TxnWorkload> workload, TxnObserver observer, long thinkNanosMean) {
    return cluster.addClient(workload, observer, thinkNanosMean);
  }

  @Override
  public void onCoordinatorPhase(BiConsumer<CoordinatorPhase, Address> hook) {
    cluster.addCoordinatorListener(
        new SimTxnCluster.CoordinatorListener() {
          @Override
          public void prepared(Address coordinator, TxnId txn) {
            hook.accept(CoordinatorPhase.PREPARE, coordinator);
          }

          @Override
          public void decided(Address coordinator, TxnId txn, TxnDecision decision) {
            hook.accept(CoordinatorPhase.DECIDE, coordinator);
          }
        });
  }

  @Override
  public Map<String, Double> metrics() {
    Map<String, Double> m = new TreeMap<>();
    for (Map.Entry<String, Object> e : cluster.metrics().summary().entrySet()) {
      if (e.getValue() instanceof Number n) {
        m.put(e.getKey(), n.doubleValue());
      }
    }
    // Atomicity is an always-on invariant: a violation fails the run with its seed. Count the
    // checks.
    m.put("atomicity_checks", (double) cluster.atomicity().checks());
    return m;
  }

  @Override
  public Map<String, long[]> distributions() {
    return cluster.metrics().distributions();
  }

  @Override
  public List<dev.txlab.coordinator.protocol.WaitStory> waitStories() {
    return cluster.waitStories().stories();
  }

  @Override
  public List<String> raftViolations() {
    return cluster.raftMonitor().violations();
  }
}
