package dev.txlab.coordinator.cluster;

import dev.txlab.coordinator.client.TxnClient;
import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.single.SingleCoordinator;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftSafetyMonitor;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A simulated transactional cluster: server nodes {@code n1…nN} hosting {@code shards} Raft groups
 * of {@link TxnShardReplica}s, the single coordinator {@code c0/coord} when {@code coordinator:
 * single}, and transaction clients {@code c1/client, c2/client, …}. Raft's safety properties and
 * transaction atomicity ({@link AtomicityMonitor}) are checked after every event; protocol metrics
 * are gathered by {@link #metrics()}.
 *
 * <pre>{@code
 * SimTxnCluster cluster = new SimTxnCluster(SimTxnCluster.Config.defaults(seed).withKnob("commit-wait", "off"));
 * cluster.addClient(() -> workload, observer, thinkNanos);
 * cluster.killCoordinatorAfterNextPrepare(10 * SECOND);      // nemesis: "kill coordinator after prepare"
 * cluster.control().cut(...);                                  // any SimControl fault
 * cluster.sim().runFor(30 * SECOND);
 * cluster.healEverything();
 * cluster.sim().runFor(5 * SECOND);
 * cluster.metrics().summary();
 * }</pre>
 */
public final class SimTxnCluster {
  /** The single coordinator's node and address. */
  public static final Address SINGLE_COORDINATOR = Address.of(NodeId.of("c0"), "coord");

  public record Config(
      int nodes,
      int shards,
      int replicas,
      TxnKnobs knobs,
      int versionsRetainedPerKey,
      long blockedThresholdNanos,
      SimConfig sim,
      List<List<NodeId>> placement) {
    public Config(
        int nodes,
        int shards,
        int replicas,
        TxnKnobs knobs,
        int versionsRetainedPerKey,
        long blockedThresholdNanos,
        SimConfig sim) {
      this(
          nodes,
          shards,
          replicas,
          knobs,
          versionsRetainedPerKey,
          blockedThresholdNanos,
          sim,
          List.of());
    }

    public Config {
      placement = List.copyOf(placement);
      if (nodes < 1 || shards < 1 || replicas < 1 || replicas > nodes)
        throw new IllegalArgumentException("need nodes >= replicas >= 1, shards >= 1");
      if (knobs == null || sim == null)
        throw new IllegalArgumentException("knobs and sim settings required");
    }

    /** 5 nodes, 3 shards × 3 replicas, Spanner-style knobs, 1 s blocked threshold. */
    public static Config defaults(long seed) {
      return new Config(5, 3, 3, TxnKnobs.spanner(), 256, 1_000_000_000L, SimConfig.defaults(seed));
    }

    /**
     * Shard {@code s}'s replicas on the nodes of {@code placement.get(s)} (empty: the default
     * rotation).
     */
    public Config withPlacement(List<List<NodeId>> p) {
      return new Config(
          nodes, shards, replicas, knobs, versionsRetainedPerKey, blockedThresholdNanos, sim, p);
    }

    public Config withShape(int nodes, int shards, int replicas) {
      return new Config(
          nodes,
          shards,
          replicas,
          knobs,
          versionsRetainedPerKey,
          blockedThresholdNanos,
          sim,
          List.of());
    }

    public Config withKnobs(TxnKnobs k) {
      return new Config(
          nodes,
          shards,
          replicas,
          k,
          versionsRetainedPerKey,
          blockedThresholdNanos,
          sim,
          placement);
    }

    /** A knob by its scenario name (see {@link TxnKnobs#withKnob}). */
    public Config withKnob(String name, String value) {
      return withKnobs(knobs.withKnob(name, value));
    }

    public Config withSim(SimConfig s) {
      return new Config(
          nodes,
          shards,
          replicas,
          knobs,
          versionsRetainedPerKey,
          blockedThresholdNanos,
          s,
          placement);
    }
  }

  /** Listens to coordinator milestones (the nemesis hook). */
  public interface CoordinatorListener {
    /** All votes are yes; the coordinator at {@code coordinator} is about to log COMMIT. */
    default void prepared(Address coordinator, TxnId txn) {}

    /** The decision is durable at the coordinator. */
    default void decided(Address coordinator, TxnId txn, TxnDecision decision) {}
  }

  private final Config config;
  private final Simulator sim;
  private final ShardMap shardMap;
  private final List<NodeId> serverNodes = new ArrayList<>();
  private final List<Address> clients = new ArrayList<>();
  private final RaftSafetyMonitor raftMonitor = new RaftSafetyMonitor(true);
  private final AtomicityMonitor atomicity = new AtomicityMonitor();
  private final TxnMetrics metrics;
  private final TxnWaitStories stories;
  private final List<CoordinatorListener> listeners = new ArrayList<>();
  private final List<TxnProbe> extraProbes = new ArrayList<>();
  private final TxnProbe probe;

  public SimTxnCluster(Config config) {
    this.config = config;
    this.sim = new Simulator(config.sim());
    for (int i = 1; i <= config.nodes(); i++) serverNodes.add(NodeId.of("n" + i));
    this.shardMap =
        new ShardMap(serverNodes, config.shards(), config.replicas(), config.placement());
    this.metrics = new TxnMetrics(sim::nowNanos, config.blockedThresholdNanos());
    this.stories = new TxnWaitStories(sim::nowNanos, config.blockedThresholdNanos());
    this.probe = new FanOut();
    sim.addObserver(
        (address, process) -> {
          if (process instanceof TxnShardReplica r)
            raftMonitor.observe(r.config().shard().component(), r.raft());
        });
    sim.addObserver(atomicity);
    for (NodeId n : serverNodes) sim.addNode(n);
    Address single = config.knobs().replicatedCoordinator() ? null : SINGLE_COORDINATOR;
    if (single != null) {
      sim.addNode(single.node());
      sim.addProcess(single, env -> new SingleCoordinator(env, shardMap, config.knobs(), probe));
    }
    for (ShardId shard : shardMap.allShards()) {
      List<Address> members = shardMap.replicasOf(shard);
      TxnShardReplica.Config rc =
          new TxnShardReplica.Config(
              shard,
              RaftConfig.defaults(members),
              shardMap,
              config.knobs(),
              single,
              config.versionsRetainedPerKey(),
              20_000_000L,
              300_000_000L);
      for (Address a : members) sim.addProcess(a, env -> new TxnShardReplica(env, rc, probe));
    }
  }

  /** Forwards probe events to the metrics, the coordinator listeners and any added probes. */
  private final class FanOut implements TxnProbe {
    @Override
    public void lockGranted(ShardId shard, TxnId txn) {
      metrics.lockGranted(shard, txn);
      stories.lockGranted(shard, txn);
      for (TxnProbe p : extraProbes) p.lockGranted(shard, txn);
    }

    @Override
    public void locksHeld(ShardId shard, TxnId txn, List<MicroOp> ops) {
      stories.locksHeld(shard, txn, ops);
      for (TxnProbe p : extraProbes) p.locksHeld(shard, txn, ops);
    }

    @Override
    public void locksReleased(ShardId shard, TxnId txn) {
      metrics.locksReleased(shard, txn);
      stories.locksReleased(shard, txn);
      for (TxnProbe p : extraProbes) p.locksReleased(shard, txn);
    }

    @Override
    public void participantPrepared(ShardId shard, TxnId txn, long prepareTs) {
      metrics.participantPrepared(shard, txn, prepareTs);
      stories.participantPrepared(shard, txn, prepareTs);
      for (TxnProbe p : extraProbes) p.participantPrepared(shard, txn, prepareTs);
    }

    @Override
    public void participantDecided(ShardId shard, TxnId txn, TxnDecision decision, long commitTs) {
      metrics.participantDecided(shard, txn, decision, commitTs);
      stories.participantDecided(shard, txn, decision, commitTs);
      for (TxnProbe p : extraProbes) p.participantDecided(shard, txn, decision, commitTs);
    }

    @Override
    public void coordinatorPrepared(Address coordinator, TxnId txn) {
      metrics.coordinatorPrepared(coordinator, txn);
      stories.coordinatorPrepared(coordinator, txn);
      for (TxnProbe p : extraProbes) p.coordinatorPrepared(coordinator, txn);
      for (CoordinatorListener l : List.copyOf(listeners)) l.prepared(coordinator, txn);
    }

    @Override
    public void coordinatorDecided(
        Address coordinator, TxnId txn, TxnDecision decision, long commitTs) {
      metrics.coordinatorDecided(coordinator, txn, decision, commitTs);
      stories.coordinatorDecided(coordinator, txn, decision, commitTs);
      for (TxnProbe p : extraProbes) p.coordinatorDecided(coordinator, txn, decision, commitTs);
      for (CoordinatorListener l : List.copyOf(listeners)) l.decided(coordinator, txn, decision);
    }

    @Override
    public void commitWaited(Address coordinator, TxnId txn, long waitNanos) {
      metrics.commitWaited(coordinator, txn, waitNanos);
      for (TxnProbe p : extraProbes) p.commitWaited(coordinator, txn, waitNanos);
    }

    @Override
    public void clientCommitted(TxnId txn) {
      metrics.clientCommitted(txn);
      for (TxnProbe p : extraProbes) p.clientCommitted(txn);
    }

    @Override
    public void clientAborted(TxnId txn, String cause) {
      metrics.clientAborted(txn, cause);
      for (TxnProbe p : extraProbes) p.clientAborted(txn, cause);
    }

    @Override
    public void clientRetried(TxnId txn) {
      metrics.clientRetried(txn);
      for (TxnProbe p : extraProbes) p.clientRetried(txn);
    }

    @Override
    public void clientUnknown(TxnId txn, String cause) {
      metrics.clientUnknown(txn, cause);
      for (TxnProbe p : extraProbes) p.clientUnknown(txn, cause);
    }
  }

  // ================================================================ clients

  /** Default client settings for this cluster's knobs. */
  public TxnClient.Config clientConfig(long thinkTimeNanosMean) {
    return TxnClient.Config.defaults(
        shardMap,
        config.knobs(),
        config.knobs().replicatedCoordinator() ? null : SINGLE_COORDINATOR,
        thinkTimeNanosMean);
  }

  /**
   * Adds a transaction client on its own node {@code cK} ({@code cK/client}). {@code workload}
   * supplies a fresh workload each time the client process is (re)built.
   */
  public Address addClient(
      Supplier<TxnWorkload> workload, TxnObserver observer, long thinkTimeNanosMean) {
    return addClient(clientConfig(thinkTimeNanosMean), workload, observer);
  }

  public Address addClient(
      TxnClient.Config clientConfig, Supplier<TxnWorkload> workload, TxnObserver observer) {
    Address a = Address.of(NodeId.of("c" + (clients.size() + 1)), "client");
    clients.add(a);
    sim.addNode(a.node());
    sim.addProcess(a, env -> new TxnClient(env, clientConfig, workload.get(), observer, probe));
    return a;
  }

  // ================================================================ nemesis hooks

  public void addCoordinatorListener(CoordinatorListener l) {
    listeners.add(l);
  }

  /** Adds a probe that hears every protocol event (after the metrics). */
  public void addProbe(TxnProbe p) {
    extraProbes.add(p);
  }

  /**
   * "kill coordinator after prepare": the next time a coordinator has all its votes, crash its node
   * (before its decision is durable) and restart it {@code downNanos} later. Returns at once; the
   * crash happens during the run. The hook fires once.
   */
  public void killCoordinatorAfterNextPrepare(long downNanos) {
    boolean[] fired = {false};
    addCoordinatorListener(
        new CoordinatorListener() {
          @Override
          public void prepared(Address coordinator, TxnId txn) {
            if (fired[0]) return;
            fired[0] = true;
            NodeId node = coordinator.node();
            long now = sim.nowNanos();
            sim.schedule(
                now,
                "kill coordinator " + node + " after prepare of " + txn,
                () -> sim.crash(node));
            sim.schedule(now + downNanos, "restart " + node, () -> sim.restart(node));
          }
        });
  }

  // ================================================================ access

  public Config config() {
    return config;
  }

  public Simulator sim() {
    return sim;
  }

  public SimControl control() {
    return sim;
  }

  public ShardMap shardMap() {
    return shardMap;
  }

  public List<NodeId> serverNodes() {
    return List.copyOf(serverNodes);
  }

  public Set<NodeId> serverNodeSet() {
    return new TreeSet<>(serverNodes);
  }

  public List<Address> clients() {
    return List.copyOf(clients);
  }

  /** The transactions that waited longest in doubt, told for the report. */
  public TxnWaitStories waitStories() {
    return stories;
  }

  public TxnMetrics metrics() {
    return metrics;
  }

  public AtomicityMonitor atomicity() {
    return atomicity;
  }

  public RaftSafetyMonitor raftMonitor() {
    return raftMonitor;
  }

  /** The knobs as a report prints them. */
  public TreeMap<String, String> knobs() {
    return config.knobs().knobs();
  }

  /** The live replica at {@code address}, or null if its node is down. */
  public TxnShardReplica replica(Address address) {
    Process p = sim.process(address);
    return p instanceof TxnShardReplica r ? r : null;
  }

  public Address leaderOf(ShardId shard) {
    Address best = null;
    long term = -1;
    for (Address a : shardMap.replicasOf(shard)) {
      TxnShardReplica r = replica(a);
      if (r != null && r.raft().isLeader() && r.raft().currentTerm() > term) {
        best = a;
        term = r.raft().currentTerm();
      }
    }
    return best;
  }

  public SingleCoordinator singleCoordinator() {
    Process p = sim.process(SINGLE_COORDINATOR);
    return p instanceof SingleCoordinator c ? c : null;
  }

  /** Ends every fault: links, link settings, clocks, paused and crashed nodes. */
  public void healEverything() {
    sim.healAll();
    sim.resetLinks();
    sim.setDefaultLink(config.sim().defaultLink());
    for (NodeId n : sim.nodes()) {
      sim.resume(n);
      sim.restart(n);
      sim.clearClockFault(n);
    }
  }
}
