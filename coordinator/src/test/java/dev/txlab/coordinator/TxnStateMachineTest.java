package dev.txlab.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txlab.coordinator.participant.LockTable;
import dev.txlab.coordinator.participant.TxnCommand;
import dev.txlab.coordinator.participant.TxnStateMachine;
import dev.txlab.coordinator.participant.TxnStateMachine.Status;
import dev.txlab.coordinator.txn.CommitWait;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.TrueTimeInterval;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The participant's state machine as a specification: locks, wound-wait, timestamps, decisions. */
class TxnStateMachineTest {
  static final ShardId S0 = ShardId.of(0);

  /**
   * Transaction {@code n}: the first transaction of client cn (concurrent transactions come from
   * different clients; a client's own attempts are numbered in order and it is done with the older
   * ones once a newer one is locked — see the forgetting tests).
   */
  static TxnId txn(long n) {
    return new TxnId("c" + n + "/client", 1, 0);
  }

  static TxnCommand.Lock lock(long n, long priority, MicroOp... ops) {
    return new TxnCommand.Lock(txn(n), priority, Address.parse("c" + n + "/client"), List.of(ops));
  }

  static Status status(TxnStateMachine m, long seq) {
    TxnStateMachine.Active a = m.active(txn(seq));
    return a == null ? null : a.status();
  }

  @Test
  void sharedLocksAreCompatibleExclusiveAreNot() {
    LockTable t = new LockTable();
    TreeMap<String, LockTable.Mode> read = LockTable.wanted(List.of(MicroOp.read("x")));
    TreeMap<String, LockTable.Mode> write =
        LockTable.wanted(List.of(MicroOp.read("x"), MicroOp.write("x", 1)));
    assertEquals(
        LockTable.Mode.EXCLUSIVE,
        write.get("x"),
        "a key read and written needs the exclusive lock");
    t.acquire(txn(1), read);
    assertTrue(t.conflicts(txn(2), read).isEmpty());
    t.acquire(txn(2), read);
    assertEquals(2, t.conflicts(txn(3), write).size());
    t.release(txn(1), List.of("x"));
    t.release(txn(2), List.of("x"));
    assertEquals(0, t.lockedKeys());
  }

  @Test
  void olderRequesterWoundsYoungerHolder() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(lock(2, 200, MicroOp.append("x", 1)));
    assertEquals(Status.GRANTED, status(m, 2));
    m.apply(lock(1, 100, MicroOp.append("x", 2)));
    assertEquals(Status.GRANTED, status(m, 1));
    assertEquals(TxnDecision.ABORT, m.decided(txn(2)).decision(), "the younger holder was wounded");
    assertTrue(
        m.takeEffects().stream()
            .anyMatch(
                e -> e instanceof TxnStateMachine.Effect.Aborted a && a.cause().equals("wounded")));
  }

  @Test
  void youngerRequesterWaitsForOlderHolderThenGetsTheLock() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(lock(1, 100, MicroOp.append("x", 1)));
    m.apply(lock(2, 200, MicroOp.readList("x")));
    assertEquals(Status.WAITING, status(m, 2));
    m.apply(new TxnCommand.Prepare(txn(1), 1_000, S0, List.of(S0)));
    m.apply(new TxnCommand.Decide(txn(1), TxnDecision.COMMIT, 1_500));
    assertEquals(Status.GRANTED, status(m, 2));
    assertEquals(
        "1", m.active(txn(2)).results().get(0).value(), "the waiter reads the committed append");
  }

  @Test
  void aPreparedHolderIsNeverWoundedEvenByAnOlderTransaction() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(lock(2, 200, MicroOp.write("x", 1)));
    m.apply(new TxnCommand.Prepare(txn(2), 1_000, S0, List.of(S0)));
    m.apply(lock(1, 100, MicroOp.write("x", 2)));
    assertEquals(Status.PREPARED, status(m, 2));
    assertEquals(Status.WAITING, status(m, 1));
    m.apply(new TxnCommand.Decide(txn(2), TxnDecision.ABORT, 0));
    assertEquals(Status.GRANTED, status(m, 1));
  }

  @Test
  void noWaitAbortsTheRequesterOnAnyConflict() {
    TxnStateMachine m = new TxnStateMachine(S0, false, 16);
    m.setFullInvariantScan(true);
    m.apply(lock(2, 200, MicroOp.write("x", 1)));
    m.apply(lock(1, 100, MicroOp.write("x", 2)));
    assertEquals(Status.GRANTED, status(m, 2));
    assertEquals(TxnDecision.ABORT, m.decided(txn(1)).decision());
  }

  @Test
  void readsInsideATransactionSeeItsOwnEarlierWrites() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(
        lock(
            1,
            100,
            MicroOp.append("x", 1),
            MicroOp.readList("x"),
            MicroOp.append("x", 2),
            MicroOp.readList("x")));
    List<MicroOp> r = m.active(txn(1)).results();
    assertEquals(List.of(1L), r.get(1).listValue());
    assertEquals(List.of(1L, 2L), r.get(3).listValue());
  }

  @Test
  void prepareTimestampExceedsEverythingTheShardHasSeen() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(new TxnCommand.SafeTime(5_000));
    m.apply(lock(1, 100, MicroOp.write("x", 1)));
    m.apply(new TxnCommand.Prepare(txn(1), 1_000, S0, List.of(S0)));
    assertEquals(5_001, m.active(txn(1)).prepareTs(), "above the closed timestamp");
    m.apply(lock(2, 200, MicroOp.write("y", 1)));
    m.apply(new TxnCommand.Prepare(txn(2), 9_000, S0, List.of(S0)));
    assertEquals(
        9_000, m.active(txn(2)).prepareTs(), "the candidate (TT.now().latest) when it is larger");
    m.apply(new TxnCommand.Decide(txn(2), TxnDecision.COMMIT, 12_000));
    m.apply(lock(3, 300, MicroOp.write("z", 1)));
    m.apply(new TxnCommand.Prepare(txn(3), 1, S0, List.of(S0)));
    assertEquals(12_001, m.active(txn(3)).prepareTs(), "above every commit timestamp");
  }

  @Test
  void commitAppliesAtItsTimestampAndDecisionsNeverChange() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(lock(1, 100, MicroOp.write("x", 7)));
    m.apply(new TxnCommand.Prepare(txn(1), 1_000, S0, List.of(S0)));
    assertThrows(
        IllegalStateException.class,
        () -> m.apply(new TxnCommand.Decide(txn(1), TxnDecision.COMMIT, 999)),
        "a commit timestamp below the prepare timestamp is a bug");
    m.apply(new TxnCommand.Decide(txn(1), TxnDecision.COMMIT, 2_000));
    assertNull(m.readAt("x", 1_999));
    assertEquals("7", m.readAt("x", 2_000));
    m.apply(new TxnCommand.Decide(txn(1), TxnDecision.COMMIT, 2_000)); // a duplicate is harmless
    assertThrows(
        IllegalStateException.class,
        () -> m.apply(new TxnCommand.Decide(txn(1), TxnDecision.ABORT, 0)));
  }

  @Test
  void theFirstCoordinatorRecordInTheLogIsTheDecision() {
    // A new coordinator leader may propose again before applying its predecessor's record.
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(lock(1, 100, MicroOp.write("x", 7)));
    m.apply(new TxnCommand.Prepare(txn(1), 1_000, S0, List.of(S0)));
    m.apply(new TxnCommand.CoordinatorDecide(txn(1), TxnDecision.COMMIT, 2_000, List.of(S0)));
    m.apply(new TxnCommand.CoordinatorDecide(txn(1), TxnDecision.COMMIT, 3_000, List.of(S0)));
    m.apply(new TxnCommand.CoordinatorDecide(txn(1), TxnDecision.ABORT, 0, List.of(S0)));
    assertEquals(new TxnStateMachine.Decided(TxnDecision.COMMIT, 2_000), m.decided(txn(1)));
    assertThrows(
        IllegalStateException.class,
        () -> m.apply(new TxnCommand.Decide(txn(1), TxnDecision.COMMIT, 3_000)),
        "an announced decision that differs from the applied one is an atomicity bug");
  }

  @Test
  void commitOfAnUnpreparedTransactionIsAnAtomicityBug() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(lock(1, 100, MicroOp.write("x", 7)));
    assertThrows(
        IllegalStateException.class,
        () -> m.apply(new TxnCommand.Decide(txn(1), TxnDecision.COMMIT, 2_000)));
  }

  @Test
  void clientAbortCannotTouchAPreparedTransactionAndAPrepareAfterAbortIsRefused() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(lock(1, 100, MicroOp.write("x", 7)));
    m.apply(new TxnCommand.Prepare(txn(1), 1_000, S0, List.of(S0)));
    m.apply(new TxnCommand.Release(txn(1), "client-abort"));
    assertEquals(Status.PREPARED, status(m, 1));
    m.apply(lock(2, 200, MicroOp.write("y", 7)));
    m.apply(new TxnCommand.Release(txn(2), "client-abort"));
    m.takeEffects();
    m.apply(new TxnCommand.Prepare(txn(2), 1_000, S0, List.of(S0)));
    assertTrue(m.takeEffects().contains(new TxnStateMachine.Effect.Prepared(txn(2), false, 0)));
  }

  @Test
  void snapshotReadsWaitForClosedTimestampAndForPreparedWritersOfTheirKeys() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(lock(1, 100, MicroOp.write("x", 7)));
    m.apply(new TxnCommand.Prepare(txn(1), 1_000, S0, List.of(S0)));
    m.apply(new TxnCommand.SafeTime(5_000));
    assertFalse(m.safeToRead(List.of("x"), 6_000), "beyond the closed timestamp");
    assertFalse(m.safeToRead(List.of("x"), 4_000), "x has a prepared writer at 1000 ≤ 4000");
    assertTrue(m.safeToRead(List.of("y"), 4_000));
    assertTrue(m.safeToRead(List.of("x"), 999), "before the prepare timestamp");
    m.apply(new TxnCommand.Decide(txn(1), TxnDecision.COMMIT, 3_000));
    assertTrue(m.safeToRead(List.of("x"), 4_000));
  }

  @Test
  void restoreRebuildsLocksAndPreparedRecords() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    m.apply(lock(1, 100, MicroOp.write("x", 7)));
    m.apply(new TxnCommand.Prepare(txn(1), 1_000, S0, List.of(S0)));
    TxnStateMachine copy = new TxnStateMachine(S0, true, 16);
    copy.restore(m.snapshot());
    assertEquals(Status.PREPARED, status(copy, 1));
    assertTrue(copy.locks().holds(txn(1), "x"));
    copy.checkInvariants();
  }

  @Test
  void commitWaitLastsUntilTheCommitTimestampIsDefinitelyPast() {
    TrueTimeInterval now = TrueTimeInterval.around(10_000, 3_000); // [7000, 13000]
    long s = now.latest(); // the coordinator's choice when prepares are older
    assertEquals(6_001, CommitWait.remainingNanos(s, now), "about 2ε: s - earliest + 1");
    TrueTimeInterval later = TrueTimeInterval.around(10_000 + 6_001, 3_000);
    assertTrue(later.after(s));
    assertEquals(0, CommitWait.remainingNanos(s, later));
  }

  // ================================================================ forgetting decisions

  static TxnId attempt(long seq, int attempt) {
    return new TxnId("c1/client", seq, attempt);
  }

  static TxnCommand.Lock lockAttempt(TxnId t, MicroOp... ops) {
    return new TxnCommand.Lock(t, 100, Address.parse("c1/client"), List.of(ops));
  }

  static TxnStateMachine checked() {
    TxnStateMachine m = new TxnStateMachine(S0, true, 16);
    m.setFullInvariantScan(true);
    return m;
  }

  @Test
  void aClientsNextAttemptMakesItsEarlierOnesStaleAndTheirDecisionsGo() {
    TxnStateMachine m = checked();
    TxnId first = attempt(1, 0);
    m.apply(lockAttempt(first, MicroOp.write("x", 1)));
    m.apply(new TxnCommand.Release(first, "client-abort"));
    assertEquals(TxnDecision.ABORT, m.decided(first).decision(), "kept while it is the latest");
    m.apply(lockAttempt(attempt(1, 1), MicroOp.write("x", 2)));
    m.checkInvariants();
    assertNull(m.decided(first), "the client is past it: forgotten");
    assertTrue(m.forgotten(first));
    m.takeEffects();

    // Late copies of the old attempt's requests change nothing and are answered as stale.
    m.apply(lockAttempt(first, MicroOp.write("y", 1)));
    assertEquals(
        List.of(
            new TxnStateMachine.Effect.Aborted(first, Address.parse("c1/client"), "stale-attempt")),
        m.takeEffects());
    m.apply(new TxnCommand.Prepare(first, 10, S0, List.of(S0)));
    assertEquals(List.of(new TxnStateMachine.Effect.Prepared(first, false, 0)), m.takeEffects());
    m.apply(new TxnCommand.Decide(first, TxnDecision.ABORT, 0));
    m.apply(new TxnCommand.Release(first, "client-abort"));
    assertEquals(List.of(), m.takeEffects());
    m.checkInvariants();
    assertNull(m.decided(first));
    assertEquals(Status.GRANTED, m.active(attempt(1, 1)).status(), "the live attempt is untouched");
    assertEquals(
        0,
        m.locks().conflicts(attempt(9, 0), LockTable.wanted(List.of(MicroOp.write("y", 1)))).size(),
        "the stale lock took nothing");
  }

  @Test
  void aCoordinatorRecordOutlivesTheClientUntilEveryParticipantAcknowledged() {
    TxnStateMachine m = checked();
    ShardId s1 = ShardId.of(1);
    TxnId t = attempt(1, 0);
    m.apply(lockAttempt(t, MicroOp.write("x", 1)));
    m.apply(new TxnCommand.Prepare(t, 1_000, S0, List.of(S0, s1)));
    m.apply(new TxnCommand.CoordinatorDecide(t, TxnDecision.COMMIT, 2_000, List.of(S0, s1)));
    m.apply(lockAttempt(attempt(2, 0), MicroOp.read("x")));
    m.checkInvariants();
    assertEquals(List.of(S0, s1), m.awaitingEnd().get(t));
    assertEquals(TxnDecision.COMMIT, m.decided(t).decision(), "shard-1 may still ask");
    m.apply(new TxnCommand.End(List.of(t)));
    m.checkInvariants();
    assertNull(m.decided(t), "acknowledged by all and the client is past it: forgotten");
    assertTrue(m.awaitingEnd().isEmpty());
  }

  @Test
  void anEndedRecordStaysWhileItsClientMayStillAsk() {
    TxnStateMachine m = checked();
    TxnId t = attempt(1, 0);
    m.apply(lockAttempt(t, MicroOp.write("x", 1)));
    m.apply(new TxnCommand.Prepare(t, 1_000, S0, List.of(S0, ShardId.of(1))));
    m.apply(
        new TxnCommand.CoordinatorDecide(t, TxnDecision.COMMIT, 2_000, List.of(S0, ShardId.of(1))));
    m.apply(new TxnCommand.End(List.of(t)));
    m.checkInvariants();
    assertEquals(TxnDecision.COMMIT, m.decided(t).decision(), "c1 may resend its commit");
    m.apply(lockAttempt(attempt(2, 0), MicroOp.read("x")));
    assertNull(m.decided(t));
  }

  @Test
  void anAttemptInDoubtWhenItsClientGaveUpIsAppliedThenForgotten() {
    TxnStateMachine m = checked();
    TxnId t = attempt(1, 0);
    m.apply(lockAttempt(t, MicroOp.write("x", 7)));
    m.apply(new TxnCommand.Prepare(t, 1_000, S0, List.of(S0, ShardId.of(1))));
    // The client timed out (its outcome unknown) and went on; the prepared attempt stays.
    m.apply(lockAttempt(attempt(2, 0), MicroOp.read("y")));
    assertEquals(Status.PREPARED, m.active(t).status(), "prepared is never forgotten");
    assertFalse(m.forgotten(t));
    m.apply(new TxnCommand.Decide(t, TxnDecision.COMMIT, 2_000));
    m.checkInvariants();
    assertEquals("7", m.readAt("x", 2_000), "the commit is applied");
    assertNull(m.decided(t), "and, its client being past it, not kept");
    assertEquals(
        List.of(
            new TxnStateMachine.Decision(
                t, new TxnStateMachine.Decided(TxnDecision.COMMIT, 2_000))),
        m.drainDecisions().stream().filter(d -> d.txn().equals(t)).toList(),
        "observers still see the decision");
  }

  @Test
  void presumedAbortOfAForgottenAttemptIsRecordedForTheParticipantsInDoubt() {
    // Coordinator shard S0 aborted c1:1.0 locally (wounded) and forgot it when c1 moved on; a
    // participant prepared meanwhile asks, and the coordinator logs ABORT: it must be kept until
    // that participant acknowledges.
    TxnStateMachine m = checked();
    ShardId s1 = ShardId.of(1);
    TxnId t = attempt(1, 0);
    m.apply(lockAttempt(t, MicroOp.write("x", 1)));
    m.apply(new TxnCommand.Release(t, "wounded"));
    m.apply(lockAttempt(attempt(2, 0), MicroOp.read("x")));
    assertTrue(m.forgotten(t));
    m.apply(new TxnCommand.CoordinatorDecide(t, TxnDecision.ABORT, 0, List.of(S0, s1)));
    m.checkInvariants();
    assertEquals(TxnDecision.ABORT, m.decided(t).decision());
    assertEquals(List.of(S0, s1), m.awaitingEnd().get(t));
    assertThrows(
        IllegalStateException.class,
        () ->
            m.apply(
                new TxnCommand.CoordinatorDecide(
                    attempt(1, 5), TxnDecision.COMMIT, 9, List.of(S0, s1))),
        "a forgotten attempt was never prepared here: committing it is an atomicity violation");
  }
}
