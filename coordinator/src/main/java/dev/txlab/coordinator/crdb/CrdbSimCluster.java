package dev.txlab.coordinator.crdb;

import dev.txlab.coordinator.protocol.ShardedSimCluster;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftSafetyMonitor;
import dev.txlab.node.sim.SimConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The {@code crdb} protocol on the simulator: server nodes {@code n1…nN}, each hosting its ranges'
 * replicas ({@code nX/shard-K}, Raft groups of {@link CrdbReplica}s) and a gateway ({@code
 * nX/gateway}); clients {@code cK/client} on their own nodes, client K starting at gateway K.
 * Raft's safety properties are checked after every event.
 */
public final class CrdbSimCluster extends ShardedSimCluster {
  private final List<Address> gateways = new ArrayList<>();
  private final List<Address> clients = new ArrayList<>();
  private final RaftSafetyMonitor raftMonitor = new RaftSafetyMonitor(true);
  private final CrdbMetrics metrics = new CrdbMetrics();
  private final CrdbGateway.Config gatewayConfig;

  /** A client's patience: longer than a gateway's, so a gateway's verdict arrives first. */
  static final long CLIENT_TIMEOUT_NANOS = 3_000_000_000L;

  public CrdbSimCluster(Topology t, Map<String, String> settings, SimConfig sim) {
    super(t, sim);
    long maxOffset = CrdbProtocol.maxOffsetNanos(settings);
    List<Address> gatewayAddresses = new ArrayList<>();
    for (NodeId n : serverNodes) gatewayAddresses.add(Address.of(n, "gateway"));
    this.gatewayConfig =
        CrdbGateway.Config.defaults(
            shardMap,
            gatewayAddresses,
            maxOffset,
            CrdbGateway.ReadRefresh.of(settings.get("read-refresh")),
            settings.get("observed-timestamps").equals("on"),
            settings.get("clock-guard").equals("on"));
    this.sim.addObserver(
        (address, process) -> {
          if (process instanceof CrdbReplica r)
            raftMonitor.observe(r.config().range().component(), r.raft());
        });
    for (NodeId n : serverNodes) {
      this.sim.addNode(n);
      Address g = Address.of(n, "gateway");
      gateways.add(g);
      this.sim.addProcess(g, env -> new CrdbGateway(env, gatewayConfig, metrics));
    }
    for (ShardId range : shardMap.allShards()) {
      List<Address> members = shardMap.replicasOf(range);
      CrdbReplica.Config rc =
          new CrdbReplica.Config(
              range,
              RaftConfig.defaults(members),
              256,
              maxOffset,
              gatewayConfig.persistAheadNanos());
      for (Address a : members) this.sim.addProcess(a, env -> new CrdbReplica(env, rc));
    }
  }

  @Override
  public Address addTxnClient(
      Supplier<TxnWorkload> workload, TxnObserver observer, long thinkNanosMean) {
    Address a = Address.of(NodeId.of("c" + (clients.size() + 1)), "client");
    CrdbClient.Config cc =
        new CrdbClient.Config(gateways, clients.size(), thinkNanosMean, CLIENT_TIMEOUT_NANOS);
    clients.add(a);
    sim.addNode(a.node());
    sim.addProcess(a, env -> new CrdbClient(env, cc, workload.get(), observer));
    return a;
  }

  @Override
  public Optional<NodeId> leaderOf(String shard) {
    return SimProtocolCluster.raftLeader(
        sim, shardMap, shard, p -> p instanceof CrdbReplica r ? r.raft() : null);
  }

  @Override
  public Optional<NodeId> coordinatorNode() {
    return Optional.empty();
  }

  @Override
  public Map<String, Double> metrics() {
    return metrics.summary();
  }

  @Override
  public Map<String, long[]> distributions() {
    TreeMap<String, long[]> d = new TreeMap<>();
    d.put("commit", metrics.commitDistribution());
    return d;
  }

  @Override
  public List<String> raftViolations() {
    return raftMonitor.violations();
  }
}
