package dev.txlab.coordinator.raftkv;

import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.cluster.SimCluster;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvClient;
import dev.txlab.node.kv.KvWorkload;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Raft key-value store on the simulator ({@link SimCluster}), as the run pipeline sees it. */
public final class KvSimProtocolCluster implements SimProtocolCluster {
  private final SimCluster cluster;

  public KvSimProtocolCluster(Topology t, Map<String, String> settings, SimConfig sim) {
    SimCluster.Config c =
        SimCluster.Config.defaults(sim.seed())
            .withShape(t.nodes(), t.shards(), t.replicas())
            .withPlacement(t.placement())
            .withSim(sim);
    for (Map.Entry<String, String> k : settings.entrySet()) {
      c = c.withKnob(k.getKey(), k.getValue());
    }
    this.cluster = new SimCluster(c);
  }

  /** The cluster itself, for tests that look inside. */
  public SimCluster cluster() {
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
    return cluster.serverNodes();
  }

  @Override
  public ShardMap shardMap() {
    return cluster.shardMap();
  }

  @Override
  public Optional<NodeId> leaderOf(String shard) {
    for (ShardId s : cluster.shardMap().allShards()) {
      if (s.component().equals(shard)) {
        Address leader = cluster.leaderOf(s);
        return leader == null ? Optional.empty() : Optional.of(leader.node());
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<NodeId> coordinatorNode() {
    return Optional.empty();
  }

  @Override
  public Address addKvClient(
      KvWorkload workload, ClientObserver observer, long thinkNanosMean, long timeoutNanos) {
    KvClient.Config base = cluster.clientConfig(thinkNanosMean);
    KvClient.Config config =
        new KvClient.Config(
            base.shardMap(),
            thinkNanosMean,
            Math.min(base.retryTimeoutNanos(), timeoutNanos),
            timeoutNanos,
            base.readsFromAnyReplica());
    return cluster.addClient(config, workload, observer);
  }

  @Override
  public Map<String, Double> metrics() {
    return Map.of();
  }

  @Override
  public List<String> raftViolations() {
    return cluster.monitor().violations();
  }
}
