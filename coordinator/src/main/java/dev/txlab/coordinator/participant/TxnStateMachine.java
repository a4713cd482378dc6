package dev.txlab.coordinator.participant;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.MvccStore;
import dev.txlab.node.raft.LogEntry;
import dev.txlab.node.raft.StateMachine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A transactional shard's replicated state: an {@link MvccStore} versioned by commit timestamps,
 * the lock table with its waiters, prepare records and decisions, and the closed timestamp. Every
 * replica applies the same {@link TxnCommand}s in log order and reaches the same state; the replica
 * hosting it learns what happened through {@link #takeEffects()} (only a leader acts on effects).
 *
 * <p>Locking is strict two-phase with wound-wait (Rosenkrantz et al. 1978; Spanner §4.2.1): a
 * transaction asks for all its locks on this shard at once; for every conflicting holder that is
 * younger (larger priority) and not prepared, it wounds (aborts) the holder; if an older or a
 * prepared holder remains, it waits. Waits therefore only point from younger to older transactions
 * or at prepared ones, which wait for nothing: no deadlock. With {@code no-wait} any conflict
 * aborts the requester.
 *
 * <p>Timestamps (Spanner §4.1.2-4.1.3): a prepare timestamp exceeds every timestamp this shard has
 * seen (commit timestamps, earlier prepares, closed timestamps), so commits on a key have
 * increasing timestamps and a snapshot read at {@code t ≤ closedTs} is safe unless a prepared
 * transaction with a prepare timestamp ≤ t writes one of its keys.
 *
 * <p>Forgetting decisions (bounded memory): a decision is kept while anyone may still need it, and
 * no longer. Each client runs one transaction at a time and numbers its attempts in increasing
 * order, so once a client's {@link TxnCommand.Lock} for attempt {@code T} is applied here, the
 * client is done with every earlier attempt: those attempts are below its <em>floor</em>, a request
 * for one of them is stale (a late Lock is refused, a late Prepare voted no, a late Decide or
 * Release ignored — none of them recorded), and their decisions are forgotten — except the records
 * of transactions this shard coordinated, which stay until every participant has acknowledged the
 * decision ({@link TxnCommand.End}, presumed abort's end record), because an in-doubt participant
 * asks the coordinator and must get the answer it was given before. What remains is at most the
 * decisions at or above each client's floor and those awaiting acknowledgements: bounded by the
 * clients, not the length of the run.
 *
 * <p>Always-on invariants: a decision is never changed; a COMMIT only applies to a prepared
 * transaction at a timestamp ≥ its prepare timestamp; a prepared transaction leaves only by a
 * decision; a coordinator record awaiting its end is decided; a decision below its client's floor
 * is kept only while it awaits its end.
 */
public final class TxnStateMachine implements StateMachine {
  public enum Status {
    WAITING,
    GRANTED,
    PREPARED
  }

  /** A transaction this shard knows and has not decided. Immutable; replaced on change. */
  public record Active(
      TxnId txn,
      long priority,
      Address client,
      List<MicroOp> ops,
      Status status,
      List<MicroOp> results,
      NavigableMap<String, String> writes,
      long prepareTs,
      ShardId coordinatorShard,
      List<ShardId> participants) {
    Active with(
        Status s,
        List<MicroOp> res,
        NavigableMap<String, String> w,
        long ts,
        ShardId coord,
        List<ShardId> parts) {
      return new Active(txn, priority, client, ops, s, res, w, ts, coord, parts);
    }

    boolean olderThan(Active o) {
      return priority != o.priority ? priority < o.priority : txn.compareTo(o.txn) < 0;
    }
  }

  public record Decided(TxnDecision decision, long commitTs) {}

  /** One decision as applied, for observers ({@link #drainDecisions}). */
  public record Decision(TxnId txn, Decided decided) {}

  /** What applying an entry did, for the hosting replica to act on. */
  public sealed interface Effect {
    record Granted(TxnId txn, Address client, List<MicroOp> results) implements Effect {}

    record Aborted(TxnId txn, Address client, String cause) implements Effect {}

    record Prepared(TxnId txn, boolean yes, long prepareTs) implements Effect {}

    record Decision(TxnId txn, TxnDecision decision, long commitTs, boolean heldLocks)
        implements Effect {}
  }

  /**
   * The state in a snapshot (the lock table is rebuilt from the granted and prepared transactions).
   */
  public record Image(
      MvccStore.Image store,
      NavigableMap<TxnId, Active> active,
      NavigableMap<TxnId, Decided> decided,
      NavigableMap<TxnId, List<ShardId>> awaitingEnd,
      Map<String, TxnId> floors,
      long closedTs,
      long maxTs,
      long appliedIndex) {}

  private final ShardId shard;
  private final boolean woundWait;
  private final MvccStore store;
  private final LockTable locks = new LockTable();
  private final TreeMap<TxnId, Active> active = new TreeMap<>();
  private final TreeMap<TxnId, Decided> decided = new TreeMap<>();

  /**
   * Transactions this shard coordinated whose decision some participant has not acknowledged yet,
   * with their participants: their records must outlive every in-doubt participant.
   */
  private final TreeMap<TxnId, List<ShardId>> awaitingEnd = new TreeMap<>();

  /** Per client, the latest attempt whose Lock was applied here: everything below is stale. */
  private final HashMap<String, TxnId> floors = new HashMap<>();

  /**
   * Decisions as applied and transactions as they became PREPARED, in order, until an observer
   * drains them (a restore starts both over with the snapshot's). Nobody drains them on the live
   * host, so each keeps at most {@link #OBSERVATIONS_MAX}, dropping its older half when full.
   */
  private final ArrayList<Decision> decisionLog = new ArrayList<>();

  private final ArrayList<TxnId> prepareLog = new ArrayList<>();
  private long observationsDropped;

  static final int OBSERVATIONS_MAX = 1 << 16;

  /**
   * The locks each active transaction wants ({@link LockTable#wanted}), computed once when it
   * arrives: granting, releasing and checking all need them, waiters many times over.
   */
  private final HashMap<TxnId, TreeMap<String, LockTable.Mode>> wantedOf = new HashMap<>();

  private int restores;
  private long closedTs;
  private long maxTs;
  private long appliedIndex;

  /**
   * Keys whose holders lost a transaction since the waiters were last retried: only waiters on
   * these keys can have become grantable (a waiter waits for holders of its own keys, and a holder
   * set that only grew blocks at least as much as before).
   */
  private final TreeSet<String> releasedKeys = new TreeSet<>();

  private final ArrayList<Effect> effects = new ArrayList<>();

  /**
   * The transactions whose entry, locks or decision changed since the invariants were last checked:
   * the per-transaction invariants depend on nothing else, so checking these is as good as a full
   * scan and costs what the step changed.
   */
  private final TreeSet<TxnId> touched = new TreeSet<>();

  /**
   * The transactions in WAITING, by each key they want, so retrying after a release costs the
   * waiters on the released keys, not every waiter or every active transaction.
   */
  private final HashMap<String, TreeSet<TxnId>> waitersByKey = new HashMap<>();

  /** A restore replaced everything: the next check scans everything. */
  private boolean touchedAll;

  /**
   * Check every transaction every time (the state machine's own tests; a knob for suspicious runs).
   */
  private boolean fullInvariantScan;

  public TxnStateMachine(ShardId shard, boolean woundWait, int versionsRetainedPerKey) {
    this.shard = shard;
    this.woundWait = woundWait;
    this.store = new MvccStore(versionsRetainedPerKey);
  }

  @Override
  public Object apply(LogEntry entry) {
    if (entry.index() <= appliedIndex) {
      throw new IllegalStateException(
          "entry " + entry.index() + " applied twice (applied " + appliedIndex + ")");
    }
    appliedIndex = entry.index();
    if (entry.command() instanceof TxnCommand c) apply(c);
    return null;
  }

  /** Applies one command (also used directly by unit tests). */
  public void apply(TxnCommand c) {
    if (c instanceof TxnCommand.Lock l) {
      onLock(l);
    } else if (c instanceof TxnCommand.Prepare p) {
      onPrepare(p);
    } else if (c instanceof TxnCommand.Decide d) {
      onDecide(d.txn(), d.decision(), d.commitTs(), null);
    } else if (c instanceof TxnCommand.CoordinatorDecide d) {
      onDecide(d.txn(), d.decision(), d.commitTs(), d.participants());
    } else if (c instanceof TxnCommand.End e) {
      onEnd(e);
    } else if (c instanceof TxnCommand.Release r) {
      onRelease(r);
    } else if (c instanceof TxnCommand.SafeTime s) {
      closedTs = Math.max(closedTs, s.ts());
      maxTs = Math.max(maxTs, s.ts());
    } else {
      throw new IllegalStateException("no handler for " + c.getClass().getName());
    }
    retryWaiters();
  }

  private void onLock(TxnCommand.Lock l) {
    Decided d = decided.get(l.txn());
    if (d != null) {
      effects.add(
          new Effect.Aborted(l.txn(), l.client(), "already-" + d.decision().name().toLowerCase()));
      return;
    }
    Active a = active.get(l.txn());
    if (a != null) {
      if (a.status() != Status.WAITING)
        effects.add(new Effect.Granted(a.txn(), a.client(), a.results()));
      return;
    }
    if (forgotten(l.txn())) {
      effects.add(new Effect.Aborted(l.txn(), l.client(), "stale-attempt"));
      return;
    }
    raiseFloor(l.txn());
    touched.add(l.txn());
    TreeMap<String, LockTable.Mode> wanted = LockTable.wanted(l.ops());
    wantedOf.put(l.txn(), wanted);
    addWaiter(l.txn(), wanted);
    active.put(
        l.txn(),
        new Active(
            l.txn(),
            l.priority(),
            l.client(),
            l.ops(),
            Status.WAITING,
            List.of(),
            Collections.emptyNavigableMap(),
            0,
            null,
            List.of()));
    tryGrant(l.txn());
  }

  /** Wound-wait: wound younger unprepared holders, wait for older or prepared ones, else grant. */
  private void tryGrant(TxnId txn) {
    Active a = active.get(txn);
    TreeMap<String, LockTable.Mode> wanted = wantedOf.get(txn);
    TreeSet<TxnId> conflicts = locks.conflicts(txn, wanted);
    if (!conflicts.isEmpty() && !woundWait) {
      abortLocal(txn, "lock-conflict");
      return;
    }
    boolean mustWait = false;
    for (TxnId h : conflicts) {
      Active holder = active.get(h);
      if (holder.status() == Status.PREPARED || holder.olderThan(a)) {
        mustWait = true;
      } else {
        abortLocal(h, "wounded");
      }
    }
    if (mustWait) return;
    touched.add(txn);
    removeWaiter(txn, wanted);
    locks.acquire(txn, wanted);
    TreeMap<String, String> writes = new TreeMap<>();
    List<MicroOp> results = new ArrayList<>(a.ops().size());
    for (MicroOp op : a.ops()) {
      String current = writes.containsKey(op.key()) ? writes.get(op.key()) : store.latest(op.key());
      switch (op.kind()) {
        case APPEND -> {
          writes.put(op.key(), MicroOp.appended(current, op.value()));
          results.add(op);
        }
        case WRITE -> {
          writes.put(op.key(), op.value());
          results.add(op);
        }
        case READ_LIST, READ -> results.add(op.withValue(current));
        default -> throw new IllegalStateException("unknown micro-op " + op);
      }
    }
    Active g =
        a.with(
            Status.GRANTED,
            List.copyOf(results),
            Collections.unmodifiableNavigableMap(writes),
            0,
            null,
            List.of());
    touched.add(txn);
    active.put(txn, g);
    effects.add(new Effect.Granted(txn, g.client(), g.results()));
  }

  /**
   * Retries the waiters on keys released since the last retry, oldest first (so an old waiter gets
   * the locks before a younger one), until no retry releases anything more (a retry may wound).
   */
  private void retryWaiters() {
    int rounds = 0;
    while (!releasedKeys.isEmpty()) {
      if (++rounds > 10_000) throw new IllegalStateException("waiter retry does not settle");
      TreeSet<TxnId> candidates = new TreeSet<>();
      for (String k : releasedKeys) {
        TreeSet<TxnId> w = waitersByKey.get(k);
        if (w != null) candidates.addAll(w);
      }
      releasedKeys.clear();
      if (candidates.isEmpty()) return;
      List<Active> waiting = new ArrayList<>(candidates.size());
      for (TxnId t : candidates) waiting.add(active.get(t));
      waiting.sort((x, y) -> x.olderThan(y) ? -1 : y.olderThan(x) ? 1 : 0);
      for (Active w : waiting) {
        Active now = active.get(w.txn());
        if (now != null && now.status() == Status.WAITING) tryGrant(w.txn());
      }
    }
  }

  private void addWaiter(TxnId txn, TreeMap<String, LockTable.Mode> wanted) {
    for (String k : wanted.keySet()) waitersByKey.computeIfAbsent(k, x -> new TreeSet<>()).add(txn);
  }

  private void removeWaiter(TxnId txn, TreeMap<String, LockTable.Mode> wanted) {
    for (String k : wanted.keySet()) {
      TreeSet<TxnId> w = waitersByKey.get(k);
      if (w != null && w.remove(txn) && w.isEmpty()) waitersByKey.remove(k);
    }
  }

  /** {@code txn} left the active set: forget what it wanted, release what it held. */
  private void leave(TxnId txn, Active a) {
    TreeMap<String, LockTable.Mode> wanted = wantedOf.remove(txn);
    if (a == null || wanted == null) return;
    if (a.status() == Status.WAITING) {
      removeWaiter(txn, wanted);
    } else {
      locks.release(txn, wanted.keySet());
      releasedKeys.addAll(wanted.keySet());
    }
  }

  /** Aborts an attempt that is not prepared: releases its locks and leaves an ABORT tombstone. */
  private void abortLocal(TxnId txn, String cause) {
    touched.add(txn);
    Active a = active.remove(txn);
    if (a != null && a.status() == Status.PREPARED)
      throw new IllegalStateException("local abort of prepared " + txn);
    boolean held = a != null && a.status() == Status.GRANTED;
    leave(txn, a);
    decide(txn, new Decided(TxnDecision.ABORT, 0));
    effects.add(new Effect.Aborted(txn, a == null ? null : a.client(), cause));
    effects.add(new Effect.Decision(txn, TxnDecision.ABORT, 0, held));
  }

  private void onPrepare(TxnCommand.Prepare p) {
    Decided d = decided.get(p.txn());
    if (d != null) {
      effects.add(new Effect.Prepared(p.txn(), d.decision() == TxnDecision.COMMIT, d.commitTs()));
      return;
    }
    Active a = active.get(p.txn());
    if (a == null && forgotten(p.txn())) {
      // A stale prepare: its client moved on; nothing is recorded (a late Lock is refused anyway).
      effects.add(new Effect.Prepared(p.txn(), false, 0));
      return;
    }
    if (a == null) {
      // Never executed here (or forgotten by a client abort that raced): refuse, and make sure a
      // late Lock can never grant it.
      decide(p.txn(), new Decided(TxnDecision.ABORT, 0));
      effects.add(new Effect.Prepared(p.txn(), false, 0));
      effects.add(new Effect.Decision(p.txn(), TxnDecision.ABORT, 0, false));
      return;
    }
    switch (a.status()) {
      case PREPARED -> effects.add(new Effect.Prepared(p.txn(), true, a.prepareTs()));
      case WAITING -> {
        abortLocal(p.txn(), "not-granted-at-prepare");
        effects.add(new Effect.Prepared(p.txn(), false, 0));
      }
      case GRANTED -> {
        long ts = Math.max(p.candidateTs(), maxTs + 1);
        maxTs = ts;
        touched.add(p.txn());
        observe(prepareLog, p.txn());
        active.put(
            p.txn(),
            a.with(
                Status.PREPARED,
                a.results(),
                a.writes(),
                ts,
                p.coordinatorShard(),
                p.participants()));
        effects.add(new Effect.Prepared(p.txn(), true, ts));
      }
      default -> throw new IllegalStateException("unknown status " + a.status());
    }
  }

  /**
   * A decision: a participant's ({@code participants} null) or this shard's record as coordinator.
   */
  private void onDecide(
      TxnId txn, TxnDecision decision, long commitTs, List<ShardId> participants) {
    boolean coordinatorRecord = participants != null;
    Decided prior = decided.get(txn);
    if (prior != null) {
      if (coordinatorRecord) {
        // The first record in the log is the decision; participants still learn and acknowledge it.
        awaitEnd(txn, participants);
        return;
      }
      if (prior.decision() != decision
          || (decision == TxnDecision.COMMIT && prior.commitTs() != commitTs)) {
        throw new IllegalStateException(
            "atomicity: "
                + shard
                + " decided "
                + txn
                + " "
                + prior
                + " then "
                + decision
                + "@"
                + commitTs);
      }
      return;
    }
    // A participant's copy of a decision it has forgotten: a duplicate, nothing to do. (The
    // coordinator's own record is applied even so: it can only be an ABORT for a transaction that
    // aborted here and was forgotten, and in-doubt participants need it.)
    if (!coordinatorRecord && forgotten(txn)) return;
    Active a = active.get(txn);
    if (decision == TxnDecision.COMMIT
        && (a == null || a.status() != Status.PREPARED || commitTs < a.prepareTs())) {
      throw new IllegalStateException(
          "atomicity: " + shard + " told to commit " + txn + "@" + commitTs + " but it is " + a);
    }
    touched.add(txn);
    active.remove(txn);
    if (decision == TxnDecision.COMMIT) {
      for (Map.Entry<String, String> w : a.writes().entrySet())
        store.put(w.getKey(), commitTs, w.getValue());
      maxTs = Math.max(maxTs, commitTs);
    }
    boolean held = a != null && a.status() != Status.WAITING;
    leave(txn, a);
    if (coordinatorRecord) awaitEnd(txn, participants);
    decide(txn, new Decided(decision, commitTs));
    if (a != null && decision == TxnDecision.ABORT)
      effects.add(new Effect.Aborted(txn, a.client(), "coordinator-abort"));
    effects.add(new Effect.Decision(txn, decision, commitTs, held));
  }

  /** Registers a coordinator record that other participants must acknowledge before it goes. */
  private void awaitEnd(TxnId txn, List<ShardId> participants) {
    for (ShardId p : participants) {
      if (!p.equals(shard)) {
        awaitingEnd.put(txn, List.copyOf(participants));
        touched.add(txn);
        return;
      }
    }
  }

  /** Every participant acknowledged: the records may go once their clients are past them. */
  private void onEnd(TxnCommand.End e) {
    for (TxnId t : e.txns()) {
      if (awaitingEnd.remove(t) == null) continue;
      touched.add(t);
      if (belowFloor(t)) decided.remove(t);
    }
  }

  /** {@code txn}'s client has had a later attempt locked here. */
  private boolean belowFloor(TxnId txn) {
    TxnId floor = floors.get(txn.client());
    return floor != null && txn.compareTo(floor) < 0;
  }

  /**
   * Whether a request about {@code txn} is stale: its client has moved past it here, and nothing
   * about it is kept (it is neither active nor a decision still kept).
   */
  public boolean forgotten(TxnId txn) {
    return belowFloor(txn) && !active.containsKey(txn) && !decided.containsKey(txn);
  }

  /**
   * {@code txn}'s Lock is applied: its client is done with every earlier attempt, whose decisions
   * go unless they await their end.
   */
  private void raiseFloor(TxnId txn) {
    TxnId prior = floors.put(txn.client(), txn);
    if (prior != null && prior.compareTo(txn) > 0)
      throw new IllegalStateException(txn + " locked below its client's floor " + prior);
    var below = decided.subMap(new TxnId(txn.client(), 0, 0), true, txn, false);
    for (var it = below.keySet().iterator(); it.hasNext(); ) {
      TxnId t = it.next();
      if (awaitingEnd.containsKey(t)) continue;
      it.remove();
      touched.add(t);
    }
  }

  private void onRelease(TxnCommand.Release r) {
    if (decided.containsKey(r.txn()) || forgotten(r.txn())) return;
    Active a = active.get(r.txn());
    if (a != null && a.status() == Status.PREPARED) return; // only the coordinator may end it now
    abortLocal(r.txn(), r.cause());
  }

  // ================================================================ reads

  /** Whether a snapshot read of {@code keys} at {@code ts} is safe here (Spanner's t_safe). */
  public boolean safeToRead(List<String> keys, long ts) {
    if (ts > closedTs) return false;
    for (Active a : active.values()) {
      if (a.status() != Status.PREPARED || a.prepareTs() > ts) continue;
      for (String k : keys) if (a.writes().containsKey(k)) return false;
    }
    return true;
  }

  /** The value of {@code key} at {@code ts}; throws {@link MvccStore.VersionGarbageCollected}. */
  public String readAt(String key, long ts) {
    return store.readAt(key, ts);
  }

  // ================================================================ observation

  public List<Effect> takeEffects() {
    if (effects.isEmpty()) return List.of();
    List<Effect> out = List.copyOf(effects);
    effects.clear();
    return out;
  }

  public Active active(TxnId txn) {
    return active.get(txn);
  }

  public NavigableMap<TxnId, Active> activeTxns() {
    return Collections.unmodifiableNavigableMap(active);
  }

  public Decided decided(TxnId txn) {
    return decided.get(txn);
  }

  /**
   * Records a decision — and forgets it at once if its client has moved past it and no participant
   * awaits it (an attempt in doubt when its client gave up, decided later).
   */
  private void decide(TxnId txn, Decided d) {
    touched.add(txn);
    observe(decisionLog, new Decision(txn, d));
    if (belowFloor(txn) && !awaitingEnd.containsKey(txn)) {
      decided.remove(txn);
    } else {
      decided.put(txn, d);
    }
  }

  private <T> void observe(ArrayList<T> log, T item) {
    if (log.size() >= OBSERVATIONS_MAX) {
      log.subList(0, OBSERVATIONS_MAX / 2).clear();
      observationsDropped += OBSERVATIONS_MAX / 2;
    }
    log.add(item);
  }

  /**
   * The decisions applied here since the last drain, in order (after a restore: every decision of
   * the snapshot first; see {@link #restores()}).
   */
  public List<Decision> drainDecisions() {
    List<Decision> out = List.copyOf(decisionLog);
    decisionLog.clear();
    return out;
  }

  /** The transactions that became prepared here since the last drain, in order. */
  public List<TxnId> drainPrepares() {
    List<TxnId> out = List.copyOf(prepareLog);
    prepareLog.clear();
    return out;
  }

  /** Observations dropped because nobody drained them (zero wherever an observer drains). */
  public long observationsDropped() {
    return observationsDropped;
  }

  /** Coordinator records awaiting their participants' acknowledgements, with the participants. */
  public NavigableMap<TxnId, List<ShardId>> awaitingEnd() {
    return Collections.unmodifiableNavigableMap(awaitingEnd);
  }

  /** How many times this machine was restored from a snapshot. */
  public int restores() {
    return restores;
  }

  public NavigableMap<TxnId, Decided> decisions() {
    return Collections.unmodifiableNavigableMap(decided);
  }

  public MvccStore store() {
    return store;
  }

  public LockTable locks() {
    return locks;
  }

  public long closedTs() {
    return closedTs;
  }

  public long maxTs() {
    return maxTs;
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  public ShardId shard() {
    return shard;
  }

  /**
   * Local invariants: every granted or prepared transaction holds its locks; nothing active is
   * decided; what awaits its end is decided; what is below its floor is kept only to await its end.
   */
  public void checkInvariants() {
    if (fullInvariantScan || touchedAll) {
      for (Active a : active.values()) {
        checkInvariants(a.txn());
      }
      for (TxnId t : decided.keySet()) checkInvariants(t);
      for (TxnId t : awaitingEnd.keySet()) checkInvariants(t);
      touchedAll = false;
    } else {
      for (TxnId txn : touched) {
        checkInvariants(txn);
      }
    }
    touched.clear();
  }

  /**
   * Checks every transaction, not only those the last steps touched, on every later check too. On
   * in this class's own tests, so the incremental check is compared with the full one there.
   */
  public void setFullInvariantScan(boolean on) {
    this.fullInvariantScan = on;
  }

  /**
   * A transaction is never both active and decided, and one past WAITING holds every lock it wants.
   */
  private void checkInvariants(TxnId txn) {
    Active a = active.get(txn);
    if (awaitingEnd.containsKey(txn) && !decided.containsKey(txn))
      throw new IllegalStateException(txn + " awaits its end undecided at " + shard);
    if (a == null) {
      if (decided.containsKey(txn) && belowFloor(txn) && !awaitingEnd.containsKey(txn))
        throw new IllegalStateException(txn + " kept below its client's floor at " + shard);
      return;
    }
    if (decided.containsKey(a.txn()))
      throw new IllegalStateException(a.txn() + " both active and decided at " + shard);
    TreeMap<String, LockTable.Mode> wanted = wantedOf.get(txn);
    if (wanted == null || (fullInvariantScan && !wanted.equals(LockTable.wanted(a.ops()))))
      throw new IllegalStateException(a.txn() + " active without what it wants at " + shard);
    if (a.status() == Status.WAITING) {
      for (String k : wanted.keySet()) {
        TreeSet<TxnId> w = waitersByKey.get(k);
        if (w == null || !w.contains(txn))
          throw new IllegalStateException(a.txn() + " waits but is not a waiter on " + k);
      }
      if (fullInvariantScan && !blocked(a, wanted))
        throw new IllegalStateException(a.txn() + " waits though nothing blocks it at " + shard);
      return;
    }
    for (String k : wanted.keySet()) {
      if (!locks.holds(a.txn(), k))
        throw new IllegalStateException(a.txn() + " " + a.status() + " without its lock on " + k);
    }
  }

  /**
   * Whether a waiter has a reason to wait: a conflicting holder that is older or prepared (no lost
   * wake-up; checked on full scans, as it costs a conflict search per waiter).
   */
  private boolean blocked(Active a, TreeMap<String, LockTable.Mode> wanted) {
    for (TxnId h : locks.conflicts(a.txn(), wanted)) {
      Active holder = active.get(h);
      if (holder.status() == Status.PREPARED || holder.olderThan(a)) return true;
    }
    return false;
  }

  @Override
  public Object snapshot() {
    return new Image(
        store.image(),
        Collections.unmodifiableNavigableMap(new TreeMap<>(active)),
        Collections.unmodifiableNavigableMap(new TreeMap<>(decided)),
        Collections.unmodifiableNavigableMap(new TreeMap<>(awaitingEnd)),
        Collections.unmodifiableMap(new TreeMap<>(floors)),
        closedTs,
        maxTs,
        appliedIndex);
  }

  @Override
  public void restore(Object snapshot) {
    Image image = (Image) snapshot;
    store.restore(image.store());
    touchedAll = true;
    active.clear();
    active.putAll(image.active());
    wantedOf.clear();
    waitersByKey.clear();
    releasedKeys.clear();
    prepareLog.clear();
    for (Active a : active.values()) {
      if (a.status() == Status.PREPARED) observe(prepareLog, a.txn());
      TreeMap<String, LockTable.Mode> wanted = LockTable.wanted(a.ops());
      wantedOf.put(a.txn(), wanted);
      if (a.status() == Status.WAITING) addWaiter(a.txn(), wanted);
    }
    decided.clear();
    decided.putAll(image.decided());
    awaitingEnd.clear();
    awaitingEnd.putAll(image.awaitingEnd());
    floors.clear();
    floors.putAll(image.floors());
    decisionLog.clear();
    for (Map.Entry<TxnId, Decided> d : decided.entrySet())
      observe(decisionLog, new Decision(d.getKey(), d.getValue()));
    restores++;
    closedTs = image.closedTs();
    maxTs = image.maxTs();
    appliedIndex = image.appliedIndex();
    locks.clear();
    for (Active a : active.values()) {
      if (a.status() != Status.WAITING) locks.acquire(a.txn(), wantedOf.get(a.txn()));
    }
    effects.clear();
  }
}
