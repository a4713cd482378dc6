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
  static final Address CLIENT = Address.parse("c1/client");

  static TxnId txn(long seq) {
    return new TxnId("c1/client", seq, 0);
  }

  static TxnCommand.Lock lock(long seq, long priority, MicroOp... ops) {
    return new TxnCommand.Lock(txn(seq), priority, CLIENT, List.of(ops));
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
    m.apply(new TxnCommand.CoordinatorDecide(txn(1), TxnDecision.COMMIT, 2_000));
    m.apply(new TxnCommand.CoordinatorDecide(txn(1), TxnDecision.COMMIT, 3_000));
    m.apply(new TxnCommand.CoordinatorDecide(txn(1), TxnDecision.ABORT, 0));
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
}
