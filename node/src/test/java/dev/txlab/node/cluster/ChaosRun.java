package dev.txlab.node.cluster;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.ShardReplica;
import dev.txlab.node.sim.Latency;
import dev.txlab.node.sim.LinkConfig;
import dev.txlab.node.sim.PartitionShapes;
import dev.txlab.node.sim.SimControl;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * A seeded run of the sharded cluster under every kind of fault, followed by healing and
 * convergence, judged by {@link AppendOracle} and Raft's safety monitor. Shared by the seeded
 * tests, the determinism test, the mutant tests and the soak profile.
 */
final class ChaosRun {
  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  record Result(
      long seed,
      String digest,
      List<String> problems,
      List<String> raftViolations,
      long ok,
      long fail,
      long info,
      long events,
      boolean converged) {
    String describe() {
      return "seed "
          + seed
          + ": ok="
          + ok
          + " fail="
          + fail
          + " info="
          + info
          + " events="
          + events
          + " converged="
          + converged
          + " problems="
          + problems.size()
          + " raft="
          + raftViolations.size()
          + (problems.isEmpty() ? "" : "\n  first: " + clip(problems.get(0)))
          + (raftViolations.isEmpty() ? "" : "\n  raft: " + clip(raftViolations.get(0)));
    }

    private static String clip(String s) {
      return s.length() <= 400 ? s : s.substring(0, 400) + "…";
    }
  }

  /** Which faults the nemesis may use. */
  enum Faults {
    ALL,
    /** Isolate the leader of shard 0 repeatedly: the partition that makes local reads stale. */
    ISOLATE_LEADERS,
    /** Crash whole shards at once: what loses unsynced writes. */
    CRASH_ALL,
    /** Isolate the leader of shard 0 and slow its clock to a tenth: what breaks a lease. */
    SLOW_LEADER_CLOCK
  }

  static Result run(
      long seed, SimCluster.Config config, Faults faults, long faultNanos, int clients, int keys) {
    return run(seed, config, faults, faultNanos, clients, keys, null);
  }

  /** As above, handing every trace line to {@code traceSink} (null: none). */
  static Result run(
      long seed,
      SimCluster.Config config,
      Faults faults,
      long faultNanos,
      int clients,
      int keys,
      java.util.function.Consumer<String> traceSink) {
    SimCluster cluster = new SimCluster(config);
    cluster.sim().setLogLines(false);
    if (traceSink != null)
      cluster.sim().trace().setSink((line, message, sent) -> traceSink.accept(line));
    AppendOracle oracle = new AppendOracle(cluster.sim()::nowNanos);
    boolean[] stop = {false};
    for (int c = 0; c < clients; c++) {
      int client = c;
      long[] n = {0};
      cluster.addClient(
          random -> {
            if (stop[0]) return null;
            String key = "k" + random.nextInt(keys);
            if (random.chance(0.5)) return new KvOp.Get(key);
            return new KvOp.Append(key, "c" + client + "-" + (n[0]++) + ",");
          },
          oracle,
          20 * MS);
    }
    SimControl control = cluster.control();
    RandomSource nemesis = new RandomSource(seed).fork("nemesis");
    List<NodeId> servers = cluster.serverNodes();
    Set<NodeId> serverSet = cluster.serverNodeSet();
    long end = cluster.sim().nowNanos() + faultNanos;
    while (cluster.sim().nowNanos() < end) {
      cluster.sim().runFor(nemesis.between(200 * MS, 800 * MS));
      NodeId victim = servers.get(nemesis.nextInt(servers.size()));
      switch (faults) {
        case ALL -> applyRandomFault(cluster, control, nemesis, servers, serverSet, victim);
        case ISOLATE_LEADERS -> {
          control.healAll();
          Address leader = cluster.leaderOf(ShardId.of(0));
          if (leader != null && nemesis.chance(0.7))
            control.cut(PartitionShapes.isolate(leader.node(), serverSet));
        }
        case SLOW_LEADER_CLOCK -> {
          control.healAll();
          for (NodeId s : servers) control.clearClockFault(s);
          Address leader = cluster.leaderOf(ShardId.of(0));
          if (leader != null && nemesis.chance(0.7)) {
            control.setClockDrift(leader.node(), -900_000);
            control.cut(PartitionShapes.isolate(leader.node(), serverSet));
          }
        }
        case CRASH_ALL -> {
          if (nemesis.chance(0.3)) {
            for (NodeId s : servers) control.crash(s);
            cluster.sim().runFor(nemesis.between(10 * MS, 100 * MS));
            for (NodeId s : servers) control.restart(s);
          }
        }
        default -> throw new IllegalStateException();
      }
    }
    cluster.healEverything();
    cluster.sim().runFor(3 * S); // liveness: clients keep working on a healed cluster
    stop[0] = true;
    cluster.sim().runFor(3 * S); // clients finish their last op (1 s op timeout), replicas catch up
    boolean converged = cluster.sim().runUntil(() -> converged(cluster), 10 * S);
    TreeMap<String, String> finals = new TreeMap<>();
    for (int k = 0; k < keys; k++) {
      String key = "k" + k;
      Address leader = cluster.leaderOf(cluster.shardMap().shardOf(key));
      ShardReplica r = leader == null ? null : cluster.replica(leader);
      finals.put(key, r == null ? null : r.machine().store().latest(key));
    }
    List<String> problems = new ArrayList<>(oracle.check(finals));
    if (!converged) problems.add("replicas did not converge after healing");
    return new Result(
        seed,
        cluster.sim().trace().digestHex(),
        problems,
        cluster.monitor().violations(),
        oracle.count(AppendOracle.Outcome.OK),
        oracle.count(AppendOracle.Outcome.FAIL),
        oracle.count(AppendOracle.Outcome.INFO),
        cluster.sim().events(),
        converged);
  }

  /** Every shard has a leader and every replica has applied exactly what its leader committed. */
  static boolean converged(SimCluster cluster) {
    for (ShardId shard : cluster.shardMap().allShards()) {
      Address leader = cluster.leaderOf(shard);
      if (leader == null) return false;
      ShardReplica l = cluster.replica(leader);
      long commit = l.raft().commitIndex();
      if (l.raft().log().term(commit) != l.raft().currentTerm()) return false;
      for (Address a : cluster.shardMap().replicasOf(shard)) {
        ShardReplica r = cluster.replica(a);
        if (r == null || r.raft().lastApplied() != commit) return false;
      }
    }
    return true;
  }

  private static void applyRandomFault(
      SimCluster cluster,
      SimControl control,
      RandomSource r,
      List<NodeId> servers,
      Set<NodeId> serverSet,
      NodeId victim) {
    switch (r.nextInt(12)) {
      case 0 -> control.cut(PartitionShapes.halves(serverSet));
      case 1 -> control.cut(PartitionShapes.isolate(victim, serverSet));
      case 2 -> control.cut(PartitionShapes.majorityRing(serverSet));
      case 3 -> control.cut(PartitionShapes.bridge(serverSet));
      case 4 -> control.cut(PartitionShapes.oneWay(victim, servers.get(r.nextInt(servers.size()))));
      case 5 -> control.crash(victim);
      case 6 -> {
        for (NodeId n : servers) control.restart(n);
      }
      case 7 -> {
        control.pause(victim);
        control.schedule(
            control.nowNanos() + r.between(50 * MS, 500 * MS),
            "resume " + victim,
            () -> control.resume(victim));
      }
      case 8 -> control.setClockDrift(victim, r.between(-500, 500));
      case 9 ->
          control.setDefaultLink(
              LinkConfig.of(new Latency.Exponential(300_000, 1_000_000))
                  .withLoss(r.nextDouble() * 0.2)
                  .withDuplication(r.nextDouble() * 0.1)
                  .withReordering(0.2, 10 * MS));
      case 10 -> control.strobeClock(victim, 20 * MS, 50 * MS, 500 * MS);
      default -> {
        control.healAll();
        control.resetLinks();
      }
    }
  }
}
