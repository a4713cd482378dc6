package dev.txlab.coordinator.crdb;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnId;
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
 * One range's replicated state in CockroachDB's transaction model: multi-version values, write
 * intents (provisional values that point at their transaction), the transaction records anchored
 * here, and the timestamp cache. Every replica applies the same {@link CrdbCommand}s in log order;
 * each request's outcome is computed at apply and handed to the hosting replica as an {@link
 * Answer} (only the leaseholder sends it). Pure: no clock, no randomness, no IO — time arrives in
 * the commands.
 *
 * <p>The rules, with CockroachDB's names:
 *
 * <ul>
 *   <li><b>Reads</b> see the newest committed version at or below the read timestamp, or their own
 *       intent. Another transaction's intent at or below the uncertainty limit is a conflict
 *       ({@code WriteIntentError}): the reader must push its writer. A committed version above the
 *       read timestamp but within the uncertainty limit may have been written before the read in
 *       real time, the clocks being only so close: the read must restart above it ({@code
 *       ReadWithinUncertaintyIntervalError}).
 *   <li><b>The timestamp cache</b> remembers the latest timestamp each key was read at; a write
 *       below it is pushed above it, so no write ever lands under a read that missed it.
 *   <li><b>Writes</b> leave an intent at the transaction's write timestamp — pushed above the
 *       timestamp cache and above the newest committed version ({@code WriteTooOld}) — and conflict
 *       with any other transaction's intent.
 *   <li><b>Records</b>: a transaction's record (on the range of its first write) is PENDING until
 *       EndTxn commits or aborts it. A pusher may raise a pending transaction's minimum commit
 *       timestamp (a reader), abort it if it has a lower priority or its heartbeat expired (a
 *       writer), or abort it when a deadlock is found. A commit below its minimum commit timestamp
 *       is refused with the timestamp to refresh to.
 *   <li><b>Refresh</b>: a transaction whose write timestamp moved above its read timestamp checks
 *       that nothing was written on the keys it read in between; then its reads hold at the new
 *       timestamp and it may commit there without restarting.
 * </ul>
 *
 * <p>Always-on invariants: each key's versions have distinct timestamps and a version is never
 * written below another; an intent belongs to one transaction; a decided record never changes its
 * decision.
 */
public final class CrdbRange implements StateMachine {
  public enum Status {
    PENDING,
    COMMITTED,
    ABORTED
  }

  /**
   * The timestamp cache's entry for a key: the latest read, and its reader (null when several
   * transactions read at that timestamp) — a transaction's own read never pushes its own write.
   */
  public record ReadMark(HlcTimestamp ts, TxnId reader) {}

  /** A committed value, and the transaction that wrote it (to recognise a replayed write). */
  public record Version(String value, TxnId writer) {}

  /** A provisional value, written by the transaction's write number {@code seq} of its epoch. */
  public record Intent(CrdbTxn txn, HlcTimestamp ts, String value, int seq) {}

  /**
   * A transaction's record: its latest meta, status, the timestamp it may commit no lower than (or
   * committed at), its last heartbeat, and what it waits on.
   */
  public record TxnRecord(
      CrdbTxn txn,
      Status status,
      HlcTimestamp minCommitTs,
      HlcTimestamp lastHeartbeat,
      CrdbTxn waitingOn) {
    TxnRecord with(Status s, HlcTimestamp min, HlcTimestamp hb, CrdbTxn waiting) {
      return new TxnRecord(txn, s, min, hb, waiting);
    }
  }

  /** An outcome, for the leaseholder to send back to the request's sender. */
  public sealed interface Outcome {
    /** A read's value (null: none). */
    record Value(String value) implements Outcome {}

    /** A write's intent is in place at {@code ts}; {@code pushedBy} says why it moved, or null. */
    record Written(HlcTimestamp ts, String pushedBy) implements Outcome {}

    /** Another transaction's intent is in the way. */
    record IntentConflict(CrdbTxn holder, HlcTimestamp intentTs) implements Outcome {}

    /** A committed value within the uncertainty interval: restart above {@code valueTs}. */
    record Uncertain(HlcTimestamp valueTs) implements Outcome {}

    /** The versions a read needs were garbage-collected: restart higher. */
    record TooOld(HlcTimestamp oldest) implements Outcome {}

    /** The transaction's record says it is aborted. */
    record Aborted() implements Outcome {}

    /** Committed at {@code ts}. */
    record Committed(HlcTimestamp ts) implements Outcome {}

    /** A commit below the minimum commit timestamp: refresh to {@code ts}, then try again. */
    record PushedTo(HlcTimestamp ts) implements Outcome {}

    /**
     * A push's result: the pushee's status, the timestamp it will commit at or above (or committed
     * at), whether the push achieved what it asked, and what the pushee waits on.
     */
    record Pushed(
        CrdbTxn pushee,
        Status status,
        HlcTimestamp ts,
        boolean succeeded,
        String cause,
        CrdbTxn waitingOn)
        implements Outcome {}

    /** A record read: null when there is none. */
    record Record(TxnRecord record) implements Outcome {}

    /** A refresh: whether the reads still hold. */
    record Refreshed(boolean ok) implements Outcome {}

    /** Done (heartbeats, resolves, GC). */
    record Done() implements Outcome {}
  }

  /** What one applied request produced, and whom to tell ({@code replyTo}; null in tests). */
  public record Answer(
      dev.txlab.node.api.Address replyTo, long requestId, Outcome outcome, TxnId txn) {}

  /** The state in a snapshot. */
  public record Image(
      NavigableMap<String, NavigableMap<HlcTimestamp, Version>> versions,
      Map<String, Intent> intents,
      NavigableMap<TxnId, TxnRecord> records,
      Map<String, ReadMark> tsCache,
      long appliedIndex) {}

  /** A pending record not heartbeated for this long is abandoned: any pusher may abort it. */
  public static final long EXPIRY_NANOS = 2_000_000_000L;

  private final ShardId range;
  private final int versionsRetained;
  private final TreeMap<String, TreeMap<HlcTimestamp, Version>> versions = new TreeMap<>();
  private final HashMap<String, Intent> intents = new HashMap<>();
  private final TreeMap<TxnId, TxnRecord> records = new TreeMap<>();
  private final HashMap<String, ReadMark> tsCache = new HashMap<>();
  private final ArrayList<Answer> answers = new ArrayList<>();
  private long appliedIndex;

  public CrdbRange(ShardId range, int versionsRetained) {
    if (versionsRetained < 1) throw new IllegalArgumentException("keep at least one version");
    this.range = range;
    this.versionsRetained = versionsRetained;
  }

  @Override
  public Object apply(LogEntry entry) {
    if (entry.index() <= appliedIndex)
      throw new IllegalStateException("entry " + entry.index() + " applied twice");
    appliedIndex = entry.index();
    if (entry.command() instanceof CrdbProposal p) apply(p.replyTo(), p.command());
    return null;
  }

  /** Applies one request with no one to answer (tests). */
  public void apply(CrdbCommand c) {
    apply(null, c);
  }

  private void apply(dev.txlab.node.api.Address replyTo, CrdbCommand c) {
    Outcome o;
    if (c instanceof CrdbCommand.Get g) o = get(g);
    else if (c instanceof CrdbCommand.Put p) o = put(p);
    else if (c instanceof CrdbCommand.EndTxn e) o = endTxn(e);
    else if (c instanceof CrdbCommand.Heartbeat h) o = heartbeat(h);
    else if (c instanceof CrdbCommand.Push p) o = push(p);
    else if (c instanceof CrdbCommand.QueryTxn q) o = new Outcome.Record(records.get(q.id()));
    else if (c instanceof CrdbCommand.Resolve r) o = resolve(r);
    else if (c instanceof CrdbCommand.Refresh r) o = refresh(r);
    else if (c instanceof CrdbCommand.GcRecord g) o = gc(g);
    else throw new IllegalStateException("no handler for " + c.getClass().getName());
    answers.add(new Answer(replyTo, c.requestId(), o, c.transaction()));
  }

  // ================================================================ reads

  private Outcome get(CrdbCommand.Get g) {
    Outcome o = read(g.txn(), g.key(), g.readTs(), g.limit());
    if (o instanceof Outcome.Value) recordRead(g.key(), g.readTs(), g.txn().id());
    return o;
  }

  /** The value {@code txn} reads at {@code readTs}, or why it cannot. */
  private Outcome read(CrdbTxn txn, String key, HlcTimestamp readTs, HlcTimestamp limit) {
    Intent intent = intents.get(key);
    if (intent != null) {
      if (intent.txn().id().equals(txn.id())) {
        // Its own write — unless left by an earlier epoch, which the restart discarded.
        if (intent.txn().epoch() == txn.epoch()) return new Outcome.Value(intent.value());
      } else if (intent.ts().compareTo(limit) <= 0) {
        return new Outcome.IntentConflict(intent.txn(), intent.ts());
      }
    }
    TreeMap<HlcTimestamp, Version> vs = versions.get(key);
    if (vs == null) return new Outcome.Value(null);
    if (limit.compareTo(readTs) > 0) {
      NavigableMap<HlcTimestamp, Version> window = vs.subMap(readTs, false, limit, true);
      if (!window.isEmpty()) return new Outcome.Uncertain(window.lastKey());
    }
    Map.Entry<HlcTimestamp, Version> at = vs.floorEntry(readTs);
    if (at == null) {
      // Nothing at or below: either the key was first written later, or older versions are gone.
      if (vs.size() >= versionsRetained) return new Outcome.TooOld(vs.firstKey());
      return new Outcome.Value(null);
    }
    return new Outcome.Value(at.getValue().value());
  }

  /**
   * The version of {@code key} at or above {@code from} written by {@code id}, if any: a write
   * request from a transaction whose write here already committed is a copy that came late (the
   * network duplicates), not a second write.
   */
  private Map.Entry<HlcTimestamp, Version> committedBy(TxnId id, String key, HlcTimestamp from) {
    TreeMap<HlcTimestamp, Version> vs = versions.get(key);
    if (vs == null) return null;
    for (Map.Entry<HlcTimestamp, Version> e : vs.tailMap(from, true).entrySet())
      if (e.getValue().writer().equals(id)) return e;
    return null;
  }

  private void recordRead(String key, HlcTimestamp ts, TxnId reader) {
    ReadMark old = tsCache.get(key);
    if (old == null || ts.compareTo(old.ts()) > 0) tsCache.put(key, new ReadMark(ts, reader));
    else if (ts.equals(old.ts()) && !reader.equals(old.reader()))
      tsCache.put(key, new ReadMark(ts, null));
  }

  // ================================================================ writes

  private Outcome put(CrdbCommand.Put p) {
    CrdbTxn txn = p.txn();
    String key = p.op().key();
    Intent intent = intents.get(key);
    if (intent != null && !intent.txn().id().equals(txn.id()))
      return new Outcome.IntentConflict(intent.txn(), intent.ts());
    if (intent != null
        && (intent.txn().epoch() > txn.epoch()
            || (intent.txn().epoch() == txn.epoch() && intent.seq() >= p.seq())))
      return new Outcome.Written(intent.ts(), null); // a replay (or a copy from an older epoch)
    Map.Entry<HlcTimestamp, Version> mine = committedBy(txn.id(), key, txn.writeTs());
    if (mine != null) return new Outcome.Written(mine.getKey(), null); // a replay, after commit
    String value;
    if (p.op().kind() == MicroOp.Kind.APPEND) {
      Outcome base = read(txn, key, p.readTs(), p.limit());
      if (!(base instanceof Outcome.Value v)) return base;
      recordRead(key, p.readTs(), txn.id());
      value = MicroOp.appended(v.value(), p.op().value());
    } else if (p.op().kind() == MicroOp.Kind.WRITE) {
      value = p.op().value();
    } else {
      throw new IllegalStateException("not a write: " + p.op());
    }
    if (p.anchor()) {
      TxnRecord r = records.get(txn.id());
      if (r != null && r.status() == Status.ABORTED) return new Outcome.Aborted();
      if (r == null) {
        records.put(txn.id(), new TxnRecord(txn, Status.PENDING, txn.writeTs(), p.now(), null));
      }
    }
    HlcTimestamp ts = txn.writeTs();
    String pushedBy = null;
    ReadMark read = tsCache.get(key);
    if (read != null && read.ts().compareTo(ts) >= 0 && !txn.id().equals(read.reader())) {
      ts = read.ts().next();
      pushedBy = "timestamp-cache";
    }
    TreeMap<HlcTimestamp, Version> vs = versions.get(key);
    if (vs != null && !vs.isEmpty() && vs.lastKey().compareTo(ts) >= 0) {
      ts = vs.lastKey().next();
      pushedBy = "write-too-old";
    }
    intents.put(key, new Intent(txn.withWriteTs(ts), ts, value, p.seq()));
    return new Outcome.Written(ts, pushedBy);
  }

  // ================================================================ records

  private Outcome endTxn(CrdbCommand.EndTxn e) {
    TxnRecord r = records.get(e.txn().id());
    if (r == null) return new Outcome.Aborted(); // it never wrote here, or a pusher found it gone
    switch (r.status()) {
      case ABORTED -> {
        return new Outcome.Aborted();
      }
      case COMMITTED -> {
        return new Outcome.Committed(r.minCommitTs());
      }
      default -> {}
    }
    if (!e.commit()) {
      records.put(r.txn().id(), r.with(Status.ABORTED, r.minCommitTs(), r.lastHeartbeat(), null));
      return new Outcome.Aborted();
    }
    if (r.minCommitTs().compareTo(e.txn().writeTs()) > 0)
      return new Outcome.PushedTo(r.minCommitTs());
    records.put(
        r.txn().id(),
        new TxnRecord(e.txn(), Status.COMMITTED, e.txn().writeTs(), r.lastHeartbeat(), null));
    return new Outcome.Committed(e.txn().writeTs());
  }

  private Outcome heartbeat(CrdbCommand.Heartbeat h) {
    TxnRecord r = records.get(h.txn().id());
    if (r == null) return new Outcome.Record(null);
    if (r.status() == Status.PENDING) {
      r =
          new TxnRecord(
              h.txn(),
              Status.PENDING,
              HlcTimestamp.max(r.minCommitTs(), h.txn().writeTs()),
              HlcTimestamp.max(r.lastHeartbeat(), h.now()),
              h.waitingOn());
      records.put(r.txn().id(), r);
    }
    return new Outcome.Record(r);
  }

  private Outcome push(CrdbCommand.Push p) {
    TxnId id = p.pushee().id();
    TxnRecord r = records.get(id);
    if (r == null) {
      // No record although an intent points here: the transaction is gone (its record is written
      // with its first intent and kept until its intents are resolved). Mark it aborted, so it can
      // never commit now.
      r = new TxnRecord(p.pushee(), Status.ABORTED, p.pushee().writeTs(), p.now(), null);
      records.put(id, r);
      return new Outcome.Pushed(
          r.txn(), Status.ABORTED, r.minCommitTs(), true, "missing-record", null);
    }
    if (r.status() != Status.PENDING)
      return new Outcome.Pushed(r.txn(), r.status(), r.minCommitTs(), true, "finished", null);
    if (p.now().wallNanos() - r.lastHeartbeat().wallNanos() > EXPIRY_NANOS) {
      records.put(id, r.with(Status.ABORTED, r.minCommitTs(), r.lastHeartbeat(), null));
      return new Outcome.Pushed(r.txn(), Status.ABORTED, r.minCommitTs(), true, "expired", null);
    }
    if (p.type() == CrdbCommand.PushType.TIMESTAMP) {
      HlcTimestamp min = HlcTimestamp.max(r.minCommitTs(), p.pushTo());
      records.put(id, r.with(Status.PENDING, min, r.lastHeartbeat(), r.waitingOn()));
      return new Outcome.Pushed(r.txn(), Status.PENDING, min, true, "timestamp", r.waitingOn());
    }
    if (p.force() || p.pusher().priority() > r.txn().priority()) {
      records.put(id, r.with(Status.ABORTED, r.minCommitTs(), r.lastHeartbeat(), null));
      return new Outcome.Pushed(
          r.txn(),
          Status.ABORTED,
          r.minCommitTs(),
          true,
          p.force() ? "deadlock" : "priority",
          null);
    }
    return new Outcome.Pushed(
        r.txn(), Status.PENDING, r.minCommitTs(), false, "wait", r.waitingOn());
  }

  private Outcome gc(CrdbCommand.GcRecord g) {
    TxnRecord r = records.get(g.id());
    if (r != null && r.status() != Status.PENDING) records.remove(g.id());
    return new Outcome.Done();
  }

  // ================================================================ intents

  private Outcome resolve(CrdbCommand.Resolve r) {
    for (String key : r.keys()) {
      Intent intent = intents.get(key);
      if (intent == null || !intent.txn().id().equals(r.id())) continue;
      switch (r.status()) {
        case PENDING -> {
          if (r.ts().compareTo(intent.ts()) > 0)
            intents.put(
                key,
                new Intent(intent.txn().withWriteTs(r.ts()), r.ts(), intent.value(), intent.seq()));
        }
        case ABORTED -> intents.remove(key);
        case COMMITTED -> {
          intents.remove(key);
          if (intent.txn().epoch() == r.epoch()) commitVersion(key, r.ts(), intent);
        }
        default -> throw new IllegalStateException("unknown status " + r.status());
      }
    }
    return new Outcome.Done();
  }

  private void commitVersion(String key, HlcTimestamp ts, Intent intent) {
    TreeMap<HlcTimestamp, Version> vs = versions.computeIfAbsent(key, k -> new TreeMap<>());
    String wrong =
        ts.compareTo(intent.ts()) < 0
            ? "below its intent at " + intent.ts()
            : !vs.isEmpty() && vs.lastKey().compareTo(ts) >= 0 ? "not above " + vs.lastKey() : null;
    if (wrong != null)
      throw new IllegalStateException(
          range + ": " + intent.txn().id() + " commits " + key + " at " + ts + ", " + wrong);
    vs.put(ts, new Version(intent.value(), intent.txn().id()));
    while (vs.size() > versionsRetained) vs.pollFirstEntry();
  }

  // ================================================================ refresh

  private Outcome refresh(CrdbCommand.Refresh r) {
    for (String key : r.keys()) {
      TreeMap<HlcTimestamp, Version> vs = versions.get(key);
      if (vs != null && !vs.subMap(r.from(), false, r.to(), true).isEmpty())
        return new Outcome.Refreshed(false);
      Intent intent = intents.get(key);
      if (intent != null && !intent.txn().id().equals(r.id()) && intent.ts().compareTo(r.to()) <= 0)
        return new Outcome.Refreshed(false);
    }
    for (String key : r.keys()) recordRead(key, r.to(), r.id());
    return new Outcome.Refreshed(true);
  }

  // ================================================================ observation

  /** Outcomes of the requests applied since the last call, in order. */
  public List<Answer> takeAnswers() {
    if (answers.isEmpty()) return List.of();
    List<Answer> out = List.copyOf(answers);
    answers.clear();
    return out;
  }

  /** The newest committed value of {@code key} (convergence checks, status). */
  public String latest(String key) {
    TreeMap<HlcTimestamp, Version> vs = versions.get(key);
    return vs == null || vs.isEmpty() ? null : vs.lastEntry().getValue().value();
  }

  public NavigableMap<HlcTimestamp, Version> versionsOf(String key) {
    TreeMap<HlcTimestamp, Version> vs = versions.get(key);
    return vs == null ? Collections.emptyNavigableMap() : Collections.unmodifiableNavigableMap(vs);
  }

  public Intent intent(String key) {
    return intents.get(key);
  }

  public TxnRecord record(TxnId id) {
    return records.get(id);
  }

  public NavigableMap<TxnId, TxnRecord> records() {
    return Collections.unmodifiableNavigableMap(records);
  }

  public HlcTimestamp readTimestamp(String key) {
    ReadMark m = tsCache.get(key);
    return m == null ? null : m.ts();
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  public ShardId range() {
    return range;
  }

  @Override
  public Object snapshot() {
    TreeMap<String, NavigableMap<HlcTimestamp, Version>> vs = new TreeMap<>();
    versions.forEach((k, v) -> vs.put(k, Collections.unmodifiableNavigableMap(new TreeMap<>(v))));
    return new Image(
        Collections.unmodifiableNavigableMap(vs),
        Collections.unmodifiableMap(new TreeMap<>(intents)),
        Collections.unmodifiableNavigableMap(new TreeMap<>(records)),
        Collections.unmodifiableMap(new TreeMap<>(tsCache)),
        appliedIndex);
  }

  @Override
  public void restore(Object snapshot) {
    Image image = (Image) snapshot;
    versions.clear();
    image.versions().forEach((k, v) -> versions.put(k, new TreeMap<>(v)));
    intents.clear();
    intents.putAll(image.intents());
    records.clear();
    records.putAll(image.records());
    tsCache.clear();
    tsCache.putAll(image.tsCache());
    appliedIndex = image.appliedIndex();
    answers.clear();
  }
}
