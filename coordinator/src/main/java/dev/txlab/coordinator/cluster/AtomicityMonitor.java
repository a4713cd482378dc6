package dev.txlab.coordinator.cluster;

import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.participant.TxnStateMachine;
import dev.txlab.coordinator.single.SingleCoordinator;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnMessage;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.sim.Simulator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Atomicity, checked after every simulator step: every replica of every participant and every
 * coordinator that knows a decision for a transaction knows the same one (same commit timestamp for
 * COMMIT); and a replica that has applied a shard's prepare of a transaction never forgets it — it
 * holds it prepared or decided, across crashes and restarts. A violation throws, and the simulator
 * reports the seed.
 *
 * <p>Once a replica has applied a decision, the prepare is settled there: the replica may later
 * forget the decision (when the client has moved on; see {@link TxnStateMachine}), which is no
 * longer checked as forgetting the prepare.
 *
 * <p>Incremental: it drains each state machine's new decisions and prepares after every step (a
 * restore refills them with the snapshot's), and for the classic coordinator remembers how many
 * decisions it has checked (a restarted process is a new object and is checked from scratch).
 */
public final class AtomicityMonitor implements Simulator.StepObserver {
  /** {@code where}: the address (or name) that knew it first, printed only in a violation. */
  private record Known(TxnDecision decision, long commitTs, Object where) {}

  private final java.util.HashMap<TxnId, Known> decisions = new java.util.HashMap<>();

  /**
   * Per shard: transactions some replica applied a prepare for, and the log index by which it had.
   */
  private final TreeMap<ShardId, TreeMap<TxnId, Long>> prepared = new TreeMap<>();

  private final IdentityHashMap<Object, Integer> checkedDecisions = new IdentityHashMap<>();

  /** Per state machine, its applied index at the last look. */
  private final java.util.IdentityHashMap<TxnStateMachine, Long> appliedSeen =
      new java.util.IdentityHashMap<>();

  private final IdentityHashMap<Object, Integer> restoresSeen = new IdentityHashMap<>();

  private long checks;

  @Override
  public void afterStep(Address address, Process process) {
    if (process instanceof TxnShardReplica r) {
      observe(address, r);
    } else if (process instanceof SingleCoordinator c) {
      // Only durable decisions count: one lost with its unfinished sync was never heard by anyone.
      List<TxnMessage.Decide> durable = c.durableDecisions();
      int seen = checkedDecisions.getOrDefault(c, 0);
      for (TxnMessage.Decide d : durable.subList(seen, durable.size()))
        record(d.txn(), d.decision(), d.commitTs(), address);
      checkedDecisions.put(c, durable.size());
    }
  }

  private void observe(Address address, TxnShardReplica r) {
    TxnStateMachine m = r.machine();
    ShardId shard = r.config().shard();
    checks++;
    // The machine changes only by applying entries or by a restore: with neither since the last
    // look, everything below would find what it found then.
    long applied = m.appliedIndex();
    Long lastApplied = appliedSeen.get(m);
    if (lastApplied != null
        && lastApplied == applied
        && restoresSeen.getOrDefault(m, 0) == m.restores()) {
      return;
    }
    appliedSeen.put(m, applied);
    restoresSeen.put(m, m.restores());
    if (m.observationsDropped() > 0)
      throw new IllegalStateException(address + " dropped observations nobody drained");
    TreeMap<TxnId, Long> p = prepared.computeIfAbsent(shard, s -> new TreeMap<>());
    // Only decisions applied since the last look (all of them again after a restore).
    for (TxnStateMachine.Decision d : m.drainDecisions()) {
      record(d.txn(), d.decided().decision(), d.decided().commitTs(), address);
      p.remove(d.txn());
    }
    // Those prepared since the last look (all of them again after a restore) and still prepared.
    for (TxnId t : m.drainPrepares()) {
      TxnStateMachine.Active a = m.active(t);
      if (a != null && a.status() == TxnStateMachine.Status.PREPARED)
        p.merge(t, m.appliedIndex(), Math::min);
    }
    for (Map.Entry<TxnId, Long> e : p.entrySet()) {
      if (m.appliedIndex() < e.getValue()) continue;
      TxnStateMachine.Active a = m.active(e.getKey());
      // Or it decided it and has since forgotten it (a prepared transaction leaves only by a
      // decision, and only decisions are forgotten): a replica that lagged may have reported the
      // prepare after this one had already decided.
      boolean knows =
          m.decided(e.getKey()) != null
              || (a != null && a.status() == TxnStateMachine.Status.PREPARED)
              || (m.forgotten(e.getKey()) && decisions.containsKey(e.getKey()));
      if (!knows) {
        throw new IllegalStateException(
            "atomicity: "
                + address
                + " (applied "
                + m.appliedIndex()
                + ") forgot that "
                + e.getKey()
                + " was prepared at "
                + shard
                + " by index "
                + e.getValue());
      }
    }
  }

  private void record(TxnId txn, TxnDecision decision, long commitTs, Object where) {
    Known k = decisions.get(txn);
    if (k == null) {
      decisions.put(txn, new Known(decision, commitTs, where));
      return;
    }
    boolean same =
        k.decision() == decision && (decision == TxnDecision.ABORT || k.commitTs() == commitTs);
    if (!same) {
      throw new IllegalStateException(
          "atomicity: "
              + txn
              + " is "
              + k.decision()
              + "@"
              + k.commitTs()
              + " at "
              + k.where()
              + " but "
              + decision
              + "@"
              + commitTs
              + " at "
              + where);
    }
  }

  public int decidedTxns() {
    return decisions.size();
  }

  public long committedTxns() {
    return decisions.values().stream().filter(k -> k.decision() == TxnDecision.COMMIT).count();
  }

  public long checks() {
    return checks;
  }
}
