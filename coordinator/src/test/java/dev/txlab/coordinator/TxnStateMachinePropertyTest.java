package dev.txlab.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txlab.coordinator.participant.TxnCommand;
import dev.txlab.coordinator.participant.TxnStateMachine;
import dev.txlab.coordinator.participant.TxnStateMachine.Status;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.raft.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The participant's state machine under random command streams, with the full invariant scan on
 * after every command: granted and prepared transactions hold their locks, every waiter is indexed
 * under each key it wants and has a reason to wait (an older or prepared conflicting holder — so
 * retrying only the waiters on released keys loses no wake-up). A machine restored from a snapshot
 * taken midway then fed the rest of the stream ends in the same state as one that never stopped.
 * When everything is decided, nothing is left waiting or locked.
 */
class TxnStateMachinePropertyTest {
  static final ShardId S0 = ShardId.of(0);
  static final int CLIENTS = 3;
  static final List<String> KEYS = List.of("a", "b", "c", "d", "e");

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void invariantsHoldAndSnapshotsReplayExactly(int seed) {
    for (boolean woundWait : new boolean[] {true, false}) {
      Random random = new Random(seed);
      TxnStateMachine m = machine(woundWait);
      List<TxnCommand> stream = new ArrayList<>();
      long seq = 0;
      for (int step = 0; step < 600; step++) {
        TxnCommand c = next(random, m, seq);
        if (c instanceof TxnCommand.Lock) seq++;
        stream.add(c);
        apply(m, c, stream.size());
      }
      // Replay: a prefix, a snapshot into a fresh machine, the rest.
      int cut = 1 + random.nextInt(stream.size() - 1);
      TxnStateMachine prefix = machine(woundWait);
      for (int i = 0; i < cut; i++) apply(prefix, stream.get(i), i + 1);
      TxnStateMachine restored = machine(woundWait);
      restored.restore(prefix.snapshot());
      restored.checkInvariants();
      for (int i = cut; i < stream.size(); i++) apply(restored, stream.get(i), i + 1);
      assertEquals(
          m.snapshot(), restored.snapshot(), "seed " + seed + ": restore at " + cut + " diverged");

      // Drain: decide everything prepared, release everything else, until nothing is active.
      int index = stream.size();
      for (int round = 0; round < 1000 && !m.activeTxns().isEmpty(); round++) {
        TxnStateMachine.Active a = m.activeTxns().firstEntry().getValue();
        TxnCommand c =
            a.status() == Status.PREPARED
                ? new TxnCommand.CoordinatorDecide(
                    a.txn(), TxnDecision.COMMIT, a.prepareTs(), List.of(S0))
                : new TxnCommand.Release(a.txn(), "drain");
        apply(m, c, ++index);
      }
      assertTrue(m.activeTxns().isEmpty(), "seed " + seed + ": drained");
      assertEquals(0, m.locks().lockedKeys(), "seed " + seed + ": no lock outlives its holder");
      assertTrue(
          m.decisions().size() <= CLIENTS,
          "seed " + seed + ": only each client's latest decision is kept, not " + m.decisions());
    }
  }

  private static TxnStateMachine machine(boolean woundWait) {
    TxnStateMachine m = new TxnStateMachine(S0, woundWait, 16);
    m.setFullInvariantScan(true);
    return m;
  }

  private static void apply(TxnStateMachine m, TxnCommand c, long index) {
    m.apply(new LogEntry(1, index, c));
    m.checkInvariants();
    m.takeEffects();
  }

  /** A command valid for the machine's state (decisions only commit prepared transactions). */
  private static TxnCommand next(Random random, TxnStateMachine m, long seq) {
    int roll = random.nextInt(10);
    List<TxnStateMachine.Active> active = new ArrayList<>(m.activeTxns().values());
    if (roll < 4 || active.isEmpty()) {
      List<MicroOp> ops = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        String k = KEYS.get(random.nextInt(KEYS.size()));
        ops.add(random.nextBoolean() ? MicroOp.read(k) : MicroOp.append(k, seq * 10 + i));
      }
      // Priorities collide now and then, so ties are broken by the transaction id.
      // Three clients; each numbers its transactions in order, so each new lock also moves its
      // client's floor (the older attempts still active run on; decided ones may be forgotten).
      String client = "c" + (seq % CLIENTS) + "/client";
      return new TxnCommand.Lock(
          new TxnId(client, seq, 0), random.nextInt(50), Address.parse(client), List.copyOf(ops));
    }
    TxnStateMachine.Active a = active.get(random.nextInt(active.size()));
    assertNotNull(a);
    return switch (a.status()) {
      case PREPARED ->
          random.nextBoolean()
              ? new TxnCommand.CoordinatorDecide(
                  a.txn(), TxnDecision.COMMIT, a.prepareTs() + random.nextInt(3), List.of(S0))
              : new TxnCommand.Decide(a.txn(), TxnDecision.ABORT, 0);
      case GRANTED ->
          roll < 8
              ? new TxnCommand.Prepare(a.txn(), random.nextInt(100), S0, List.of(S0))
              : new TxnCommand.Release(a.txn(), "client-abort");
      case WAITING ->
          roll < 7
              ? new TxnCommand.Release(a.txn(), "client-abort")
              : new TxnCommand.Prepare(a.txn(), 0, S0, List.of(S0));
    };
  }
}
