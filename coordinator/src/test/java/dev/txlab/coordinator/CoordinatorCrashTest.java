package dev.txlab.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txlab.coordinator.cluster.SimTxnCluster;
import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.participant.TxnStateMachine;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The textbook contrast: kill the coordinator right after every participant voted yes. Classic
 * 2PC's participants stay prepared, holding their locks, for the whole outage; Spanner-style
 * participants learn the outcome from the coordinator group's next leader after an election.
 */
class CoordinatorCrashTest {
  static final long S = 1_000_000_000L;
  static final long MS = 1_000_000L;

  private record Outcome(TxnId victim, SimTxnCluster cluster, boolean heldLocksMidOutage) {}

  private static Outcome run(String coordinator, long seed) {
    return run(SimTxnCluster.Config.defaults(seed).withKnob("coordinator", coordinator));
  }

  private static Outcome run(SimTxnCluster.Config config) {
    SimTxnCluster cluster = new SimTxnCluster(config);
    cluster.sim().setLogLines(false);
    History history = new History();
    boolean[] stop = {false};
    for (int i = 1; i <= 3; i++) {
      var w = Workloads.listAppend(i, 6, 0.0);
      cluster.addClient(() -> random -> stop[0] ? null : w.next(random), history, 10 * MS);
    }
    cluster.sim().runFor(1 * S);
    TxnId[] victim = {null};
    long[] killedAt = {0};
    cluster.addCoordinatorListener(
        new SimTxnCluster.CoordinatorListener() {
          @Override
          public void prepared(Address c, TxnId txn) {
            if (victim[0] == null) {
              victim[0] = txn;
              killedAt[0] = cluster.sim().nowNanos();
            }
          }
        });
    cluster.killCoordinatorAfterNextPrepare(10 * S);
    cluster.sim().runFor(5 * S);
    assertNotNull(victim[0], "no transaction reached prepare");
    boolean held = preparedSomewhere(cluster, victim[0]);
    cluster.sim().runFor(10 * S);
    stop[0] = true;
    cluster.healEverything();
    cluster.sim().runFor(8 * S);
    assertEquals(List.of(), ChaosTxnRun.leftovers(cluster));
    assertEquals(List.of(), Oracle.checkListAppend(cluster, history));
    return new Outcome(victim[0], cluster, held);
  }

  private static boolean preparedSomewhere(SimTxnCluster cluster, TxnId txn) {
    for (ShardId s : cluster.shardMap().allShards()) {
      for (Address a : cluster.shardMap().replicasOf(s)) {
        TxnShardReplica r = cluster.replica(a);
        if (r == null) continue;
        TxnStateMachine.Active t = r.machine().active(txn);
        if (t != null && t.status() == TxnStateMachine.Status.PREPARED) return true;
      }
    }
    return false;
  }

  @Test
  void classic2pcBlocksWhileItsCoordinatorIsDownAndUnblocksWhenItReturns() {
    Outcome o = run("single", 21);
    System.out.println("classic: " + o.cluster().metrics().summary());
    assertTrue(
        o.heldLocksMidOutage(),
        o.victim() + " should still be prepared (locks held) 5 s into the outage");
    assertTrue(o.cluster().metrics().blockedTxns() >= 1);
    long blockedMs = o.cluster().metrics().blockedNanosMax() / MS;
    assertTrue(
        blockedMs >= 9_000 && blockedMs <= 12_000,
        "blocked for about the 10 s outage: " + blockedMs + " ms");
  }

  @Test
  void cooperativeTerminationCannotHelpOnceEveryParticipantVotedYes() {
    Outcome o =
        run(
            SimTxnCluster.Config.defaults(21)
                .withKnob("coordinator", "single")
                .withKnob("cooperative-termination", "on"));
    assertTrue(o.heldLocksMidOutage(), "all participants are prepared: none can decide alone");
    assertTrue(o.cluster().metrics().blockedNanosMax() / MS >= 9_000);
  }

  @Test
  void spannerStyleDoesNotBlockBeyondAnElection() {
    Outcome o = run("replicated", 21);
    System.out.println("replicated: " + o.cluster().metrics().summary());
    assertTrue(
        !o.heldLocksMidOutage(),
        o.victim() + " should have been resolved by the group's new leader");
    long inDoubtMs = o.cluster().metrics().blockedNanosMax() / MS;
    assertTrue(
        o.cluster().metrics().blockedTxns() <= 1 && inDoubtMs < 2_000,
        "in doubt at most an election: " + inDoubtMs + " ms");
  }
}
