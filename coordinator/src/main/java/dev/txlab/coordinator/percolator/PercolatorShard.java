package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.raft.LogEntry;
import dev.txlab.node.raft.StateMachine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One shard's replicated state in Percolator's model (Peng & Dabek, OSDI 2010, §2.2; TiKV's column
 * families): per key a <i>write</i> column (commit timestamp → the start timestamp of the
 * transaction that wrote there, its value, or a rollback record) and at most one <i>lock</i> (the
 * transaction's start timestamp, its primary key, its time to live, the value it will write). Every
 * replica applies the same {@link PercolatorCommand}s in log order; each outcome is computed at
 * apply and handed to the hosting replica as an {@link Answer}. Pure: no clock, no randomness, no
 * IO.
 *
 * <ul>
 *   <li><b>Reads</b> at {@code start_ts} see the newest write committed at or below it; a lock of a
 *       transaction that started at or below it may be committed below it, so the reader must find
 *       out from that transaction's primary ({@link Outcome.Locked}).
 *   <li><b>Prewrite</b> aborts on a write committed at or after its {@code start_ts} (a write-write
 *       conflict: snapshot isolation's first-committer-wins), waits on another lock, fails on a
 *       rollback record of its own transaction, else locks every key.
 *   <li><b>Commit</b> of the primary is the commit point: a lock turns into a write, unless the
 *       lock is gone (rolled back by a reader after its time to live): then the transaction is
 *       aborted.
 *   <li><b>Check status</b> on the primary tells a reader whether a lock's transaction committed;
 *       an expired primary lock is rolled back then and there, which decides the transaction.
 *   <li><b>Rollback records</b> stay, so a late prewrite or commit of a rolled-back transaction can
 *       never succeed.
 * </ul>
 *
 * <p>Always-on invariants: a key has at most one lock; a write never lands below a newer committed
 * value of another transaction's (a commit timestamp above every read that missed it is the
 * oracle's job — checked here as far as one key can show it); a committed transaction is never
 * rolled back and a rolled-back one never committed.
 */
public final class PercolatorShard implements StateMachine {
  /** A lock: its transaction's start timestamp, primary key, time to live and pending value. */
  public record Lock(long startTs, String primary, long ttlMs, String value) {}

  /** A lock as a reader meets it (with its key). */
  public record LockInfo(String key, long startTs, String primary, long ttlMs) {}

  /** A write-column record: committed ({@code value}) or a rollback record of {@code startTs}. */
  public record Write(long startTs, boolean rollback, String value) {}

  /** A transaction's fate as its primary tells it. */
  public enum Status {
    COMMITTED,
    ROLLED_BACK,
    LOCKED
  }

  public sealed interface Outcome {
    /** A read's value (null: never written). */
    record Value(String value) implements Outcome {}

    /** A lock is in the way. */
    record Locked(LockInfo lock) implements Outcome {}

    /** Every key of the prewrite is locked. */
    record Prewritten() implements Outcome {}

    /** Another transaction committed {@code key} at {@code commitTs}, at or after our start. */
    record WriteConflict(String key, long commitTs) implements Outcome {}

    /** Committed at {@code commitTs}. */
    record Committed(long commitTs) implements Outcome {}

    /** The transaction was rolled back (its lock is gone, or a rollback record is there). */
    record Aborted(String why) implements Outcome {}

    /**
     * A transaction's status on its primary: committed at {@code commitTs}, rolled back ({@code
     * expired}: just now, its lock's time to live over), or still locked.
     */
    record TxnStatus(Status status, long commitTs, boolean expired) implements Outcome {}

    /** Locks a scan found. */
    record Locks(List<LockInfo> locks) implements Outcome {
      public Locks {
        locks = List.copyOf(locks);
      }
    }

    /** Done (rollbacks, resolves). */
    record Done() implements Outcome {}
  }

  /** What one applied request produced, and whom to tell ({@code replyTo}; null in tests). */
  public record Answer(Address replyTo, long requestId, Outcome outcome, TxnId txn) {}

  /** The state in a snapshot. */
  public record Image(
      NavigableMap<String, NavigableMap<Long, Write>> writes,
      Map<String, Lock> locks,
      long appliedIndex) {}

  private final ShardId shard;
  private final TreeMap<String, TreeMap<Long, Write>> writes = new TreeMap<>();
  private final HashMap<String, Lock> locks = new HashMap<>();
  private final ArrayList<Answer> answers = new ArrayList<>();
  private long appliedIndex;

  public PercolatorShard(ShardId shard) {
    this.shard = shard;
  }

  @Override
  public Object apply(LogEntry entry) {
    if (entry.index() <= appliedIndex)
      throw new IllegalStateException("entry " + entry.index() + " applied twice");
    appliedIndex = entry.index();
    if (entry.command() instanceof PercolatorProposal p) apply(p.replyTo(), p.command());
    return null;
  }

  /** Applies one request with no one to answer (tests). */
  public Outcome apply(PercolatorCommand c) {
    apply(null, c);
    return answers.get(answers.size() - 1).outcome();
  }

  private void apply(Address replyTo, PercolatorCommand c) {
    Outcome o;
    if (c instanceof PercolatorCommand.Get g) o = get(g);
    else if (c instanceof PercolatorCommand.Prewrite p) o = prewrite(p);
    else if (c instanceof PercolatorCommand.Commit m)
      o = commit(m.startTs(), m.commitTs(), m.keys());
    else if (c instanceof PercolatorCommand.Rollback r) o = rollback(r.startTs(), r.keys());
    else if (c instanceof PercolatorCommand.CheckTxnStatus s) o = checkTxnStatus(s);
    else if (c instanceof PercolatorCommand.ResolveLock r) o = resolve(r);
    else if (c instanceof PercolatorCommand.ScanLocks s) o = scan(s);
    else throw new IllegalStateException("no handler for " + c.getClass().getName());
    answers.add(new Answer(replyTo, c.requestId(), o, c.txn()));
  }

  // ================================================================ reads

  private Outcome get(PercolatorCommand.Get g) {
    Lock lock = locks.get(g.key());
    if (lock != null && lock.startTs() <= g.startTs())
      return new Outcome.Locked(info(g.key(), lock));
    TreeMap<Long, Write> ws = writes.get(g.key());
    if (ws == null) return new Outcome.Value(null);
    for (Map.Entry<Long, Write> e : ws.headMap(g.startTs(), true).descendingMap().entrySet()) {
      if (!e.getValue().rollback()) return new Outcome.Value(e.getValue().value());
    }
    return new Outcome.Value(null);
  }

  private static LockInfo info(String key, Lock l) {
    return new LockInfo(key, l.startTs(), l.primary(), l.ttlMs());
  }

  // ================================================================ prewrite

  private Outcome prewrite(PercolatorCommand.Prewrite p) {
    List<PercolatorCommand.Mutation> toLock = new ArrayList<>();
    for (PercolatorCommand.Mutation m : p.mutations()) {
      Lock lock = locks.get(m.key());
      if (lock != null && lock.startTs() == p.startTs()) continue; // a resend: already locked
      Write own = ownRecord(m.key(), p.startTs());
      if (own != null && own.rollback()) return new Outcome.Aborted("rolled-back");
      if (own != null) continue; // already committed here: a copy that came late
      Map.Entry<Long, Write> newest = newestCommitted(m.key());
      if (newest != null && newest.getKey() >= p.startTs())
        return new Outcome.WriteConflict(m.key(), newest.getKey());
      if (lock != null) return new Outcome.Locked(info(m.key(), lock));
      toLock.add(m);
    }
    for (PercolatorCommand.Mutation m : toLock)
      locks.put(m.key(), new Lock(p.startTs(), p.primary(), p.ttlMs(), m.value()));
    return new Outcome.Prewritten();
  }

  /** The record {@code startTs}'s transaction left on {@code key}: committed or rolled back. */
  private Write ownRecord(String key, long startTs) {
    TreeMap<Long, Write> ws = writes.get(key);
    if (ws == null) return null;
    for (Write w : ws.tailMap(startTs, true).values()) if (w.startTs() == startTs) return w;
    return null;
  }

  private long ownCommitTs(String key, long startTs) {
    TreeMap<Long, Write> ws = writes.get(key);
    if (ws == null) return -1;
    for (Map.Entry<Long, Write> e : ws.tailMap(startTs, true).entrySet())
      if (e.getValue().startTs() == startTs && !e.getValue().rollback()) return e.getKey();
    return -1;
  }

  private Map.Entry<Long, Write> newestCommitted(String key) {
    TreeMap<Long, Write> ws = writes.get(key);
    if (ws == null) return null;
    for (Map.Entry<Long, Write> e : ws.descendingMap().entrySet())
      if (!e.getValue().rollback()) return e;
    return null;
  }

  // ================================================================ commit and rollback

  private Outcome commit(long startTs, long commitTs, List<String> keys) {
    // All or none: a key whose lock is gone (and not already committed by us) aborts the lot.
    for (String key : keys) {
      Lock lock = locks.get(key);
      if (lock != null && lock.startTs() == startTs) continue;
      Write own = ownRecord(key, startTs);
      if (own == null) return new Outcome.Aborted("lock-not-found");
      if (own.rollback()) return new Outcome.Aborted("rolled-back");
    }
    for (String key : keys) {
      Lock lock = locks.get(key);
      if (lock != null && lock.startTs() == startTs) commitKey(key, commitTs, lock);
    }
    return new Outcome.Committed(commitTs);
  }

  private void commitKey(String key, long commitTs, Lock lock) {
    TreeMap<Long, Write> ws = writes.computeIfAbsent(key, k -> new TreeMap<>());
    Map.Entry<Long, Write> newest = newestCommitted(key);
    if (newest != null && newest.getKey() >= commitTs)
      throw new IllegalStateException(
          shard
              + ": "
              + key
              + " committed at "
              + TsoTimestamp.text(commitTs)
              + " below a write at "
              + TsoTimestamp.text(newest.getKey()));
    Write there = ws.get(commitTs);
    if (there != null && !there.rollback())
      throw new IllegalStateException(shard + ": two writes of " + key + " at " + commitTs);
    ws.put(commitTs, new Write(lock.startTs(), false, lock.value()));
    locks.remove(key);
  }

  private Outcome rollback(long startTs, List<String> keys) {
    for (String key : keys) {
      long committed = ownCommitTs(key, startTs);
      if (committed >= 0) return new Outcome.Committed(committed);
    }
    for (String key : keys) rollbackKey(key, startTs);
    return new Outcome.Done();
  }

  /** Removes {@code startTs}'s lock on {@code key}, if any, and leaves a rollback record. */
  private void rollbackKey(String key, long startTs) {
    Lock lock = locks.get(key);
    if (lock != null && lock.startTs() == startTs) locks.remove(key);
    if (ownRecord(key, startTs) != null) return;
    TreeMap<Long, Write> ws = writes.computeIfAbsent(key, k -> new TreeMap<>());
    // A timestamp is one transaction's start or another's commit, never both — unless the
    // oracle is broken (tso-persist: off); a committed write is never overwritten by a record.
    ws.putIfAbsent(startTs, new Write(startTs, true, null));
  }

  // ================================================================ lock resolution

  private Outcome checkTxnStatus(PercolatorCommand.CheckTxnStatus s) {
    String key = s.primary();
    Lock lock = locks.get(key);
    if (lock != null && lock.startTs() == s.lockTs()) {
      if (expired(lock.startTs(), lock.ttlMs(), s.currentTs())) {
        rollbackKey(key, s.lockTs());
        return new Outcome.TxnStatus(Status.ROLLED_BACK, 0, true);
      }
      return new Outcome.TxnStatus(Status.LOCKED, 0, false);
    }
    Write own = ownRecord(key, s.lockTs());
    if (own != null && !own.rollback())
      return new Outcome.TxnStatus(Status.COMMITTED, ownCommitTs(key, s.lockTs()), false);
    if (own != null) return new Outcome.TxnStatus(Status.ROLLED_BACK, 0, false);
    if (!s.rollbackIfMissing()) return new Outcome.TxnStatus(Status.LOCKED, 0, false);
    rollbackKey(key, s.lockTs());
    return new Outcome.TxnStatus(Status.ROLLED_BACK, 0, true);
  }

  /** Whether a lock taken at {@code startTs} with {@code ttlMs} to live is over by {@code now}. */
  public static boolean expired(long startTs, long ttlMs, long nowTs) {
    return TsoTimestamp.physicalMs(nowTs) >= TsoTimestamp.physicalMs(startTs) + ttlMs;
  }

  private Outcome resolve(PercolatorCommand.ResolveLock r) {
    for (String key : r.keys()) {
      Lock lock = locks.get(key);
      if (r.commitTs() > 0) {
        if (lock != null && lock.startTs() == r.lockTs()) commitKey(key, r.commitTs(), lock);
      } else {
        if (ownCommitTs(key, r.lockTs()) >= 0)
          throw new IllegalStateException(
              shard + ": rolling back " + key + " of a transaction that committed it");
        rollbackKey(key, r.lockTs());
      }
    }
    return new Outcome.Done();
  }

  private Outcome scan(PercolatorCommand.ScanLocks s) {
    List<LockInfo> out = new ArrayList<>();
    for (String key : new TreeMap<>(locks).keySet()) {
      Lock l = locks.get(key);
      if (l.startTs() < s.maxTs()) out.add(info(key, l));
      if (out.size() >= s.limit()) break;
    }
    return new Outcome.Locks(out);
  }

  // ================================================================ observation

  /** Outcomes of the requests applied since the last call, in order. */
  public List<Answer> takeAnswers() {
    if (answers.isEmpty()) return List.of();
    List<Answer> out = List.copyOf(answers);
    answers.clear();
    return out;
  }

  public Lock lock(String key) {
    return locks.get(key);
  }

  public int lockCount() {
    return locks.size();
  }

  /** Every key's write column, for status and golden scripts. */
  public NavigableMap<Long, Write> writesOf(String key) {
    TreeMap<Long, Write> ws = writes.get(key);
    return ws == null ? Collections.emptyNavigableMap() : Collections.unmodifiableNavigableMap(ws);
  }

  public List<String> keys() {
    TreeMap<String, Boolean> all = new TreeMap<>();
    writes.keySet().forEach(k -> all.put(k, true));
    locks.keySet().forEach(k -> all.put(k, true));
    return List.copyOf(all.keySet());
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  @Override
  public Object snapshot() {
    TreeMap<String, NavigableMap<Long, Write>> ws = new TreeMap<>();
    writes.forEach((k, v) -> ws.put(k, Collections.unmodifiableNavigableMap(new TreeMap<>(v))));
    return new Image(
        Collections.unmodifiableNavigableMap(ws),
        Collections.unmodifiableMap(new TreeMap<>(locks)),
        appliedIndex);
  }

  @Override
  public void restore(Object snapshot) {
    Image image = (Image) snapshot;
    writes.clear();
    image.writes().forEach((k, v) -> writes.put(k, new TreeMap<>(v)));
    locks.clear();
    locks.putAll(image.locks());
    appliedIndex = image.appliedIndex();
    answers.clear();
  }
}
