package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.protocol.CoordinatorPhase;
import dev.txlab.coordinator.protocol.ShardedSimCluster;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvWorkload;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftReplica;
import dev.txlab.node.raft.RaftSafetyMonitor;
import dev.txlab.node.sim.SimConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The {@code percolator} protocol on the simulator: server nodes {@code n1…nN}, each hosting its
 * shards' replicas ({@code nX/shard-K}, Raft groups of {@link PercolatorReplica}s) and a gateway
 * ({@code nX/gateway}); the timestamp oracle's replicas ({@code nX/tso}, one Raft group of {@link
 * TsoReplica}s) on the first {@code replicas} nodes; clients {@code cK/client} on their own nodes,
 * client K starting at gateway K. The fault target {@code coordinator} names the oracle's leader
 * (PD's leader, the one central service); {@code kill coordinator after prepare|decide} kills the
 * gateway that reached that phase of a commit. Raft's safety properties are checked after every
 * event, for the shards' groups and the oracle's.
 */
public final class PercolatorSimCluster extends ShardedSimCluster {
  private final List<Address> gateways = new ArrayList<>();
  private final List<Address> oracle = new ArrayList<>();
  private final List<Address> clients = new ArrayList<>();
  private final RaftSafetyMonitor raftMonitor = new RaftSafetyMonitor(true);
  private final PercolatorMetrics metrics = new PercolatorMetrics();

  /** A client's patience for a transaction: longer than a gateway's, whose verdict comes first. */
  static final long CLIENT_TIMEOUT_NANOS = 3_000_000_000L;

  public PercolatorSimCluster(Topology t, Map<String, String> settings, SimConfig sim) {
    super(t, sim);
    long windowMs = PercolatorProtocol.millis(settings, "tso-window");
    long ttlMs = PercolatorProtocol.millis(settings, "lock-ttl");
    if (windowMs < 1) throw new IllegalArgumentException("tso-window must be at least 1ms");
    if (ttlMs < 1) throw new IllegalArgumentException("lock-ttl must be at least 1ms");
    for (int i = 0; i < t.replicas(); i++) oracle.add(Address.of(serverNodes.get(i), "tso"));
    PercolatorGateway.Config gc =
        PercolatorGateway.Config.defaults(
            shardMap, oracle, Integer.parseInt(settings.get("tso-batch")), ttlMs);
    this.sim.addObserver(
        (address, process) -> {
          if (process instanceof PercolatorReplica r)
            raftMonitor.observe(r.config().shard().component(), r.raft());
          else if (process instanceof TsoReplica r) raftMonitor.observe("tso", r.raft());
        });
    for (NodeId n : serverNodes) {
      this.sim.addNode(n);
      Address g = Address.of(n, "gateway");
      gateways.add(g);
      this.sim.addProcess(g, env -> new PercolatorGateway(env, gc, metrics));
    }
    TsoReplica.Config tc =
        new TsoReplica.Config(
            RaftConfig.defaults(oracle), settings.get("tso-persist").equals("on"), windowMs);
    for (Address a : oracle) this.sim.addProcess(a, env -> new TsoReplica(env, tc));
    for (ShardId shard : shardMap.allShards()) {
      List<Address> members = shardMap.replicasOf(shard);
      PercolatorReplica.Config rc =
          new PercolatorReplica.Config(shard, RaftConfig.defaults(members));
      for (Address a : members) this.sim.addProcess(a, env -> new PercolatorReplica(env, rc));
    }
  }

  @Override
  public Address addTxnClient(
      Supplier<TxnWorkload> workload, TxnObserver observer, long thinkNanosMean) {
    Address a = nextClient();
    PercolatorClient.Config cc =
        new PercolatorClient.Config(gateways, clients.size(), thinkNanosMean, CLIENT_TIMEOUT_NANOS);
    clients.add(a);
    sim.addNode(a.node());
    sim.addProcess(a, env -> new PercolatorClient(env, cc, workload.get(), observer));
    return a;
  }

  /** The {@code tso} workload's clients: each asks a gateway for one timestamp at a time. */
  @Override
  public Address addKvClient(
      KvWorkload workload, ClientObserver observer, long thinkNanosMean, long timeoutNanos) {
    Address a = nextClient();
    TimestampClient.Config cc =
        new TimestampClient.Config(gateways, clients.size(), thinkNanosMean, timeoutNanos);
    clients.add(a);
    sim.addNode(a.node());
    sim.addProcess(a, env -> new TimestampClient(env, cc, workload, observer));
    return a;
  }

  private Address nextClient() {
    return Address.of(NodeId.of("c" + (clients.size() + 1)), "client");
  }

  @Override
  public void onCoordinatorPhase(BiConsumer<CoordinatorPhase, Address> hook) {
    metrics.onPhase(hook);
  }

  @Override
  public Optional<NodeId> leaderOf(String shard) {
    return SimProtocolCluster.raftLeader(
        sim, shardMap, shard, p -> p instanceof PercolatorReplica r ? r.raft() : null);
  }

  /** The oracle's leader (in the highest term, if a deposed one does not know yet). */
  @Override
  public Optional<NodeId> coordinatorNode() {
    long bestTerm = -1;
    NodeId best = null;
    for (Address a : oracle) {
      Process p = sim.process(a);
      RaftReplica r = p instanceof TsoReplica t ? t.raft() : null;
      if (r != null && r.isLeader() && r.currentTerm() > bestTerm) {
        bestTerm = r.currentTerm();
        best = a.node();
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public Map<String, Double> metrics() {
    Map<String, Double> m = metrics.summary();
    m.put("locks_left", (double) locksLeft());
    return m;
  }

  /**
   * Locks still held at the end, counted on each shard's most advanced live replica: after the
   * faults heal and the workload stops, readers and the lock scanner should have settled them all.
   */
  private long locksLeft() {
    long n = 0;
    for (ShardId s : shardMap.allShards()) {
      PercolatorShard best = null;
      for (Address a : shardMap.replicasOf(s)) {
        if (sim.process(a) instanceof PercolatorReplica r
            && (best == null || r.machine().appliedIndex() > best.appliedIndex()))
          best = r.machine();
      }
      if (best != null) n += best.lockCount();
    }
    return n;
  }

  @Override
  public Map<String, long[]> distributions() {
    return new TreeMap<>(metrics.distributions());
  }

  @Override
  public List<String> raftViolations() {
    return raftMonitor.violations();
  }
}
