package dev.txlab.coordinator;

import dev.txlab.coordinator.cluster.SimTxnCluster;
import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.participant.TxnStateMachine;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.sim.PartitionShapes;
import dev.txlab.node.sim.SimControl;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A seeded transactional run under partitions, crashes and clock faults within ε, then healing and
 * a quiet phase; judged by the atomicity monitor (after every event, inside the run), Raft's safety
 * monitor, a liveness check (nothing left prepared or locked) and {@link Oracle}.
 */
final class ChaosTxnRun {
  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  record Result(
      long seed,
      String digest,
      List<String> problems,
      long ok,
      long fail,
      long info,
      String metrics,
      long trueTimeLies) {
    String describe() {
      return "seed "
          + seed
          + ": ok="
          + ok
          + " fail="
          + fail
          + " info="
          + info
          + " truetime-lies="
          + trueTimeLies
          + " problems="
          + problems
          + "\n  metrics "
          + metrics;
    }
  }

  static Result run(long seed, SimTxnCluster.Config config, long faultNanos, int clients) {
    SimTxnCluster cluster = new SimTxnCluster(config);
    cluster.sim().setLogLines(false);
    History history = new History().timedBy(cluster.sim()::nowNanos);
    boolean[] stop = {false};
    for (int i = 1; i <= clients; i++) {
      var w = Workloads.listAppend(i, 10, 0.25);
      cluster.addClient(() -> random -> stop[0] ? null : w.next(random), history, 10 * MS);
    }
    SimControl control = cluster.control();
    RandomSource nemesis = new RandomSource(seed).fork("nemesis");
    List<NodeId> servers = cluster.serverNodes();
    Set<NodeId> serverSet = cluster.serverNodeSet();
    List<NodeId> faultable = new ArrayList<>(servers);
    if (!config.knobs().replicatedCoordinator())
      faultable.add(SimTxnCluster.SINGLE_COORDINATOR.node());
    long end = cluster.sim().nowNanos() + faultNanos;
    while (cluster.sim().nowNanos() < end) {
      cluster.sim().runFor(nemesis.between(200 * MS, 700 * MS));
      NodeId victim = faultable.get(nemesis.nextInt(faultable.size()));
      switch (nemesis.nextInt(6)) {
        case 0 -> {
          control.healAll();
          control.cut(PartitionShapes.halves(serverSet));
        }
        case 1 -> {
          control.healAll();
          Address leader = cluster.leaderOf(ShardId.of(nemesis.nextInt(config.shards())));
          if (leader != null) control.cut(PartitionShapes.isolate(leader.node(), serverSet));
        }
        case 2 -> {
          control.crash(victim);
          long down = nemesis.between(50 * MS, 1_500 * MS);
          control.schedule(
              cluster.sim().nowNanos() + down, "restart " + victim, () -> control.restart(victim));
        }
        case 3 -> {
          // Clock faults within the uncertainty bound (ε ≥ 1 ms): TrueTime stays honest.
          control.setClockOffset(victim, nemesis.between(-400_000, 400_000));
          control.setClockDrift(victim, nemesis.between(-100, 100));
        }
        case 4 -> control.healAll();
        default -> {
          for (NodeId n : servers) control.restart(n);
        }
      }
    }
    cluster.healEverything();
    cluster.sim().runFor(3 * S);
    stop[0] = true;
    cluster.sim().runFor(10 * S); // clients finish; in-doubt and abandoned transactions resolve
    List<String> problems = new ArrayList<>(Oracle.checkListAppend(cluster, history));
    problems.addAll(leftovers(cluster));
    problems.addAll(retainedDecisions(cluster, clients));
    // External consistency holds with commit wait as long as TrueTime told the truth.
    if (config.knobs().commitWait() && cluster.sim().stats().trueTimeLies() == 0)
      problems.addAll(Oracle.checkRealTime(history));
    if (!cluster.metrics().inDoubtNow().isEmpty())
      problems.add("still in doubt: " + cluster.metrics().inDoubtNow());
    problems.addAll(cluster.raftMonitor().violations());
    if (!history.open.isEmpty()) problems.add("clients still running an op: " + history.open);
    return new Result(
        seed,
        cluster.sim().trace().digestHex(),
        problems,
        history.count(Outcome.OK),
        history.count(Outcome.FAIL),
        history.count(Outcome.INFO),
        cluster.metrics().summary().toString(),
        cluster.sim().stats().trueTimeLies());
  }

  /**
   * After a quiet phase every coordinator record has ended (each participant acknowledged it), and
   * a replica keeps no more decisions than about one per client (each client's latest attempt
   * there, and a few attempts above it that were refused here): memory bounded by the clients, not
   * by the length of the run.
   */
  static List<String> retainedDecisions(SimTxnCluster cluster, int clients) {
    List<String> out = new ArrayList<>();
    for (ShardId s : cluster.shardMap().allShards()) {
      for (Address a : cluster.shardMap().replicasOf(s)) {
        TxnShardReplica r = cluster.replica(a);
        if (r == null) continue;
        if (!r.machine().awaitingEnd().isEmpty())
          out.add(
              a
                  + " still awaits acknowledgements for "
                  + r.machine().awaitingEnd().size()
                  + " records (first "
                  + r.machine().awaitingEnd().firstKey()
                  + ")");
        if (r.machine().decisions().size() > 2 * clients)
          out.add(
              a
                  + " keeps "
                  + r.machine().decisions().size()
                  + " decisions for "
                  + clients
                  + " clients");
      }
    }
    return out;
  }

  /** After a quiet phase nothing may stay prepared or locked anywhere. */
  static List<String> leftovers(SimTxnCluster cluster) {
    List<String> out = new ArrayList<>();
    for (ShardId s : cluster.shardMap().allShards()) {
      for (Address a : cluster.shardMap().replicasOf(s)) {
        TxnShardReplica r = cluster.replica(a);
        if (r == null) {
          out.add(a + " is down after healing");
          continue;
        }
        for (TxnStateMachine.Active t : r.machine().activeTxns().values()) {
          out.add(a + " still has " + t.txn() + " " + t.status());
        }
      }
    }
    return out;
  }
}
