package dev.txlab.node.cluster;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvClient;
import dev.txlab.node.kv.KvWorkload;
import dev.txlab.node.kv.ReadMode;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.kv.ShardReplica;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftSafetyMonitor;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * A simulated sharded KV cluster: {@code nodes} physical nodes {@code n1…nN} hosting {@code shards}
 * Raft groups of {@code replicas} members (placement by {@link ShardMap}), plus client processes on
 * their own nodes ({@code c1, c2, …}). Raft's cross-replica safety properties are checked after
 * every event ({@link RaftSafetyMonitor}); with {@code fsync: never} violations are recorded
 * instead of failing the run, since that knob removes what Raft's safety rests on.
 *
 * <p>Typical use (the scenarios module drives it the same way):
 *
 * <pre>{@code
 * SimCluster cluster = new SimCluster(SimCluster.Config.defaults(seed).withKnob("reads", "lease"));
 * cluster.addClient(workload, observer, thinkNanos);
 * cluster.control().cut(Partitions.halves(cluster.serverNodeSet()));   // faults
 * cluster.sim().runFor(10 * SECOND);
 * cluster.healEverything();
 * cluster.sim().runFor(5 * SECOND);
 * String digest = cluster.sim().trace().digestHex();
 * }</pre>
 */
public final class SimCluster {
  /**
   * A cluster's shape and knobs.
   *
   * @param reads {@code reads: readindex|lease|local|follower|readindex-any}
   * @param fsync {@code fsync: always|never}
   * @param leaseDriftBound the clock drift a lease tolerates ({@code lease-drift-bound}); negative
   *     is unsafe by design
   */
  public record Config(
      int nodes,
      int shards,
      int replicas,
      ReadMode reads,
      boolean fsync,
      double leaseDriftBound,
      long snapshotThresholdEntries,
      int versionsRetainedPerKey,
      SimConfig sim,
      List<List<NodeId>> placement) {
    public Config(
        int nodes,
        int shards,
        int replicas,
        ReadMode reads,
        boolean fsync,
        double leaseDriftBound,
        long snapshotThresholdEntries,
        int versionsRetainedPerKey,
        SimConfig sim) {
      this(
          nodes,
          shards,
          replicas,
          reads,
          fsync,
          leaseDriftBound,
          snapshotThresholdEntries,
          versionsRetainedPerKey,
          sim,
          List.of());
    }

    public Config {
      placement = List.copyOf(placement);
      if (nodes < 1 || shards < 1 || replicas < 1 || replicas > nodes) {
        throw new IllegalArgumentException("need nodes >= replicas >= 1 and shards >= 1");
      }
      if (reads == null || sim == null)
        throw new IllegalArgumentException("reads and sim settings required");
    }

    /** 5 nodes, 3 shards × 3 replicas, ReadIndex reads, fsync on, 5% lease drift bound. */
    public static Config defaults(long seed) {
      return new Config(
          5, 3, 3, ReadMode.READINDEX, true, 0.05, 1_000, 16, SimConfig.defaults(seed));
    }

    /**
     * Shard {@code s}'s replicas on the nodes of {@code placement.get(s)} (empty: the default
     * rotation).
     */
    public Config withPlacement(List<List<NodeId>> p) {
      return new Config(
          nodes,
          shards,
          replicas,
          reads,
          fsync,
          leaseDriftBound,
          snapshotThresholdEntries,
          versionsRetainedPerKey,
          sim,
          p);
    }

    public Config withShape(int nodes, int shards, int replicas) {
      return new Config(
          nodes,
          shards,
          replicas,
          reads,
          fsync,
          leaseDriftBound,
          snapshotThresholdEntries,
          versionsRetainedPerKey,
          sim,
          List.of());
    }

    public Config withSim(SimConfig s) {
      return new Config(
          nodes,
          shards,
          replicas,
          reads,
          fsync,
          leaseDriftBound,
          snapshotThresholdEntries,
          versionsRetainedPerKey,
          s,
          placement);
    }

    public Config withSnapshotThresholdEntries(long n) {
      return new Config(
          nodes,
          shards,
          replicas,
          reads,
          fsync,
          leaseDriftBound,
          n,
          versionsRetainedPerKey,
          sim,
          placement);
    }

    /**
     * Sets a guarantee knob by its scenario name: {@code reads} ({@code
     * readindex|lease|local|follower|readindex-any}), {@code fsync} ({@code always|never}), {@code
     * lease-drift-bound} (a number).
     */
    public Config withKnob(String name, String value) {
      switch (name) {
        case "reads":
          return new Config(
              nodes,
              shards,
              replicas,
              ReadMode.parse(value),
              fsync,
              leaseDriftBound,
              snapshotThresholdEntries,
              versionsRetainedPerKey,
              sim,
              placement);
        case "fsync":
          if (!value.equals("always") && !value.equals("never")) {
            throw new IllegalArgumentException("fsync must be always|never, not '" + value + "'");
          }
          return new Config(
              nodes,
              shards,
              replicas,
              reads,
              value.equals("always"),
              leaseDriftBound,
              snapshotThresholdEntries,
              versionsRetainedPerKey,
              sim,
              placement);
        case "lease-drift-bound":
          double d;
          try {
            d = Double.parseDouble(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "lease-drift-bound must be a number, not '" + value + "'");
          }
          return new Config(
              nodes,
              shards,
              replicas,
              reads,
              fsync,
              d,
              snapshotThresholdEntries,
              versionsRetainedPerKey,
              sim,
              placement);
        default:
          throw new IllegalArgumentException(
              "unknown knob '" + name + "' (known: reads, fsync, lease-drift-bound)");
      }
    }

    /** The knobs as they would appear in a report. */
    public TreeMap<String, String> knobs() {
      TreeMap<String, String> k = new TreeMap<>();
      k.put("reads", reads.knobName());
      k.put("fsync", fsync ? "always" : "never");
      k.put("lease-drift-bound", String.format(Locale.ROOT, "%s", leaseDriftBound));
      return k;
    }
  }

  private final Config config;
  private final Simulator sim;
  private final ShardMap shardMap;
  private final List<NodeId> serverNodes = new ArrayList<>();
  private final List<Address> clients = new ArrayList<>();
  private final RaftSafetyMonitor monitor;

  public SimCluster(Config config) {
    this.config = config;
    this.sim = new Simulator(config.sim());
    for (int i = 1; i <= config.nodes(); i++) serverNodes.add(NodeId.of("n" + i));
    this.shardMap =
        new ShardMap(serverNodes, config.shards(), config.replicas(), config.placement());
    this.monitor = new RaftSafetyMonitor(config.fsync());
    sim.addObserver(
        (address, process) -> {
          if (process instanceof ShardReplica r)
            monitor.observe(r.config().shard().component(), r.raft());
        });
    for (NodeId n : serverNodes) sim.addNode(n);
    for (ShardId shard : shardMap.allShards()) {
      List<Address> members = shardMap.replicasOf(shard);
      RaftConfig raft =
          RaftConfig.defaults(members)
              .withFsync(config.fsync())
              .withLeaseDriftBound(config.leaseDriftBound())
              .withSnapshotThresholdEntries(config.snapshotThresholdEntries());
      ShardReplica.Config rc =
          new ShardReplica.Config(shard, raft, config.reads(), config.versionsRetainedPerKey());
      for (Address a : members) sim.addProcess(a, env -> new ShardReplica(env, rc));
    }
  }

  public Config config() {
    return config;
  }

  public Simulator sim() {
    return sim;
  }

  /** The fault surface (the chaos module's entry point). */
  public SimControl control() {
    return sim;
  }

  public ShardMap shardMap() {
    return shardMap;
  }

  /**
   * The server nodes {@code n1…nN} (clients excluded): what partitions and crashes should target.
   */
  public List<NodeId> serverNodes() {
    return List.copyOf(serverNodes);
  }

  public java.util.Set<NodeId> serverNodeSet() {
    return new java.util.TreeSet<>(serverNodes);
  }

  public RaftSafetyMonitor monitor() {
    return monitor;
  }

  public List<Address> clients() {
    return List.copyOf(clients);
  }

  /** The default client settings: 100 ms retry, 1 s op timeout. */
  public KvClient.Config clientConfig(long thinkTimeNanosMean) {
    return new KvClient.Config(
        shardMap,
        thinkTimeNanosMean,
        100_000_000L,
        1_000_000_000L,
        config.reads().servedByAnyReplica());
  }

  /** Adds a client process on its own node {@code cK} at address {@code cK/client}. */
  public Address addClient(KvWorkload workload, ClientObserver observer, long thinkTimeNanosMean) {
    return addClient(clientConfig(thinkTimeNanosMean), workload, observer);
  }

  public Address addClient(
      KvClient.Config clientConfig, KvWorkload workload, ClientObserver observer) {
    Address a = Address.of(NodeId.of("c" + (clients.size() + 1)), "client");
    clients.add(a);
    sim.addProcess(a, env -> new KvClient(env, clientConfig, workload, observer));
    return a;
  }

  /** The live replica at {@code address}, or null if its node is down. */
  public ShardReplica replica(Address address) {
    Process p = sim.process(address);
    return p instanceof ShardReplica r ? r : null;
  }

  /** The live replica of {@code shard} that leads in the highest term, or null. */
  public Address leaderOf(ShardId shard) {
    Address best = null;
    long term = -1;
    for (Address a : shardMap.replicasOf(shard)) {
      ShardReplica r = replica(a);
      if (r != null && r.raft().isLeader() && r.raft().currentTerm() > term) {
        best = a;
        term = r.raft().currentTerm();
      }
    }
    return best;
  }

  /**
   * Asks the current leader of {@code shard} to hand leadership to the replica on {@code target} (a
   * message from the operator, so it crosses the simulated network). Returns false if the shard has
   * no leader right now or no replica on that node.
   */
  public boolean transferLeadership(ShardId shard, NodeId target) {
    Address leader = leaderOf(shard);
    Address to = Address.of(target, shard.component());
    if (leader == null || !shardMap.replicasOf(shard).contains(to)) return false;
    sim.inject(
        Address.of(leader.node(), "operator"),
        leader,
        new dev.txlab.node.kv.KvMessage.TransferLeadership(to));
    return true;
  }

  /**
   * Ends every fault: heals links, restores link behaviour and clocks, resumes and restarts nodes.
   */
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
