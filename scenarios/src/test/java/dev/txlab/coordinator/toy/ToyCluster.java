package dev.txlab.coordinator.toy;

import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The toy store on the simulator: one {@link ToyShard} per shard, on its first replica's node. */
final class ToyCluster implements SimProtocolCluster {
  private final Simulator sim;
  private final SimConfig config;
  private final List<NodeId> nodes = new ArrayList<>();
  private final ShardMap shardMap;
  private final long[] applied = new long[1];
  private int clients;

  ToyCluster(Topology t, Map<String, String> settings, SimConfig config) {
    this.config = config;
    this.sim = new Simulator(config);
    for (int i = 1; i <= t.nodes(); i++) {
      nodes.add(NodeId.of("n" + i));
      sim.addNode(nodes.get(i - 1));
    }
    this.shardMap = new ShardMap(nodes, t.shards(), t.replicas(), t.placement());
    long delayNanos = nanos(settings.get("apply-delay"));
    long bugAtNanos = nanos(settings.get("bug-at"));
    for (ShardId s : shardMap.allShards()) {
      sim.addProcess(
          home(s),
          env -> new ToyShard(env, s.index(), delayNanos, bugAtNanos, n -> applied[0] += n));
    }
  }

  private static long nanos(String duration) {
    return Long.parseLong(duration.replaceAll("[^0-9]", ""))
        * (duration.endsWith("ms") ? 1_000_000L : 1_000_000_000L);
  }

  private Address home(ShardId s) {
    return Address.of(shardMap.replicasOf(s).get(0).node(), "toy-" + s.component());
  }

  @Override
  public Simulator sim() {
    return sim;
  }

  @Override
  public SimControl control() {
    return sim;
  }

  @Override
  public SimConfig simConfig() {
    return config;
  }

  @Override
  public List<NodeId> serverNodes() {
    return nodes;
  }

  @Override
  public List<NodeId> faultableNodes() {
    return nodes;
  }

  @Override
  public ShardMap shardMap() {
    return shardMap;
  }

  @Override
  public Optional<NodeId> leaderOf(String shard) {
    for (ShardId s : shardMap.allShards()) {
      if (s.component().equals(shard)) {
        return Optional.of(home(s).node());
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<NodeId> coordinatorNode() {
    return Optional.empty();
  }

  @Override
  public Address addTxnClient(
      Supplier<TxnWorkload> workload, TxnObserver observer, long thinkNanosMean) {
    Address a = Address.of(NodeId.of("c" + (++clients)), "client");
    sim.addNode(a.node());
    sim.addProcess(
        a,
        env -> new ToyClient(env, shardMap, this::home, workload.get(), observer, thinkNanosMean));
    return a;
  }

  @Override
  public Map<String, Double> metrics() {
    return Map.of("toy_parts_applied", (double) applied[0]);
  }

  @Override
  public List<String> raftViolations() {
    return List.of();
  }
}
