package dev.txlab.coordinator.migration;

import dev.txlab.coordinator.migration.MigrationMessage.Change;
import dev.txlab.coordinator.migration.MigrationMessage.Kind;
import dev.txlab.coordinator.migration.MigrationMessage.Origin;
import dev.txlab.coordinator.migration.MigrationMessage.Outcome;
import dev.txlab.coordinator.migration.MigrationMessage.Stream;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Storage;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.MvccStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The old store: one node, like a PostgreSQL primary. Rows are multi-versioned ({@link MvccStore},
 * versions numbered by log sequence number) and every change is appended to a write-ahead log whose
 * positions are the stream positions a CDC consumer reads. With {@code cdc} the log is retained
 * from a <em>replication slot</em> on: it cannot be truncated below the position the consumer has
 * confirmed, so a consumer that stops makes the log grow, and past the disk cap the store refuses
 * writes — the outage a forgotten slot causes. With {@code outbox} the ordered stream is an outbox
 * table whose rows are deleted once the relay confirms them; without a stream ({@code dual-write})
 * the log is recycled at once (a checkpoint after every write).
 *
 * <p>Durability: a step's rows, log entries, slot and outbox are synced before it replies, so a
 * restarted store (built from its storage) has every write it acknowledged, and its slot.
 *
 * <p>Invariants: the slot lies within the log ({@code first - 1 ≤ slot ≤ last}); the retained bytes
 * are the sum over what is retained; the outbox's acknowledged id is at most its head.
 */
public final class OldStore implements Process {
  /**
   * @param stream the migration's stream, if any
   * @param diskCapBytes past this many bytes retained for the migration, writes are refused
   * @param initialRows rows that exist before the migration starts (not in any stream)
   * @param versionsRetainedPerKey MVCC versions kept per row
   */
  public record Config(
      Optional<Stream> stream,
      long diskCapBytes,
      SortedMap<String, String> initialRows,
      int versionsRetainedPerKey) {
    public Config {
      initialRows = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(initialRows));
      if (stream == null || diskCapBytes <= 0 || versionsRetainedPerKey < 1) {
        throw new IllegalArgumentException("old store needs a stream choice, a cap > 0, versions");
      }
    }
  }

  /** A row's retained versions on disk, oldest first, and its newest stream position. */
  record StoredRow(List<Long> versions, List<String> values, long streamPosition) {
    StoredRow {
      versions = List.copyOf(versions);
      values = List.copyOf(values);
    }
  }

  /**
   * The writes of one router incarnation applied at or above its floor, with their answers, so a
   * copy is answered again instead of applied again.
   */
  record Applied(long floor, List<Long> reqIds, List<MigrationMessage.WriteReply> replies) {
    Applied {
      reqIds = List.copyOf(reqIds);
      replies = List.copyOf(replies);
    }
  }

  /** Router incarnations whose applied writes are remembered; the oldest is forgotten first. */
  static final int SESSIONS_MAX = 16;

  private static final String SESSIONS = "sessions";
  private static final String INIT = "init";
  private static final String KEYS = "keys";
  private static final String SLOT = "slot";
  private static final String OUTBOX_HEAD = "outbox-head";
  private static final String OUTBOX_ACKED = "outbox-acked";
  private static final String BACKFILL_DONE = "backfill-done";

  /** The messages it handles (a test checks that every message has a handler somewhere). */
  static final List<Class<?>> HANDLED =
      List.of(
          MigrationMessage.Read.class,
          MigrationMessage.Write.class,
          MigrationMessage.Head.class,
          MigrationMessage.BackfillDone.class,
          MigrationMessage.Attach.class,
          MigrationMessage.Fetch.class,
          MigrationMessage.Confirm.class,
          MigrationMessage.Mark.class,
          MigrationMessage.Select.class);

  private final Env env;
  private final Storage storage;
  private final Config config;
  private final MigrationProbe probe;
  private final MvccStore rows;
  private final TreeSet<String> keys = new TreeSet<>();
  private final TreeMap<String, Long> streamPositionOf = new TreeMap<>();
  private long slot;
  private long outboxHead;
  private long outboxAcked;
  private long walBytes;
  private long outboxBytes;
  private long refusals;
  private boolean backfillDone;

  /** Per router incarnation (in the order first seen): its floor and applied writes. */
  private final java.util.LinkedHashMap<Long, Applied> sessions = new java.util.LinkedHashMap<>();

  public OldStore(Env env, Config config, MigrationProbe probe) {
    this.env = env;
    this.storage = env.storage();
    this.config = config;
    this.probe = probe;
    this.rows = new MvccStore(config.versionsRetainedPerKey());
    if (storage.get(INIT, Boolean.class) == null) {
      initialize();
    } else {
      recover();
    }
  }

  /** The first start: the rows that predate the migration, an empty log, a slot at its head. */
  private void initialize() {
    for (Map.Entry<String, String> e : config.initialRows().entrySet()) {
      rows.put(e.getKey(), 0, e.getValue());
      keys.add(e.getKey());
      storage.put("row:" + e.getKey(), new StoredRow(List.of(0L), List.of(e.getValue()), 0));
    }
    storage.put(KEYS, List.copyOf(keys));
    slot = storage.logLastIndex();
    storage.put(SLOT, slot);
    storage.put(OUTBOX_HEAD, 0L);
    storage.put(OUTBOX_ACKED, 0L);
    storage.put(INIT, Boolean.TRUE);
    storage.sync();
  }

  @SuppressWarnings("unchecked")
  private void recover() {
    List<String> stored = storage.get(KEYS, List.class);
    for (String k : stored) {
      keys.add(k);
      StoredRow r = storage.get("row:" + k, StoredRow.class);
      for (int i = 0; i < r.versions().size(); i++) {
        rows.put(k, r.versions().get(i), r.values().get(i));
      }
      streamPositionOf.put(k, r.streamPosition());
    }
    slot = storage.get(SLOT, Long.class);
    outboxHead = storage.get(OUTBOX_HEAD, Long.class);
    outboxAcked = storage.get(OUTBOX_ACKED, Long.class);
    backfillDone = Boolean.TRUE.equals(storage.get(BACKFILL_DONE, Boolean.class));
    List<Long> known = storage.get(SESSIONS, List.class);
    if (known != null) {
      for (Long session : known) {
        sessions.put(session, storage.get("session:" + session, Applied.class));
      }
    }
    for (long i = storage.logFirstIndex(); i <= storage.logLastIndex(); i++) {
      walBytes += storage.logGet(i, Change.class).bytes();
    }
    for (long id = outboxAcked + 1; id <= outboxHead; id++) {
      outboxBytes += storage.get("outbox:" + id, Change.class).bytes();
    }
  }

  @Override
  public void onStart() {}

  @Override
  public void onTimer(Timer timer) {
    throw new IllegalStateException("the old store sets no timers: " + timer);
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof MigrationMessage.Read r) {
      env.send(
          from,
          new MigrationMessage.ReadReply(
              r.reqId(),
              rows.latest(r.key()),
              streamPositionOf.getOrDefault(r.key(), 0L),
              confirmed()));
    } else if (message instanceof MigrationMessage.Write w) {
      onWrite(from, w);
    } else if (message instanceof MigrationMessage.Head h) {
      fence(h.session(), h.floor());
      env.send(
          from,
          new MigrationMessage.HeadReply(
              h.reqId(), config.stream().isEmpty() ? 0 : head(), confirmed(), backfillDone));
    } else if (message instanceof MigrationMessage.BackfillDone) {
      if (!backfillDone) {
        backfillDone = true;
        storage.put(BACKFILL_DONE, Boolean.TRUE);
        storage.sync();
      }
    } else if (message instanceof MigrationMessage.Attach a) {
      if (config.stream().equals(Optional.of(a.stream()))) {
        env.send(from, new MigrationMessage.Attached(a.stream(), confirmed()));
      }
    } else if (message instanceof MigrationMessage.Fetch f) {
      onFetch(from, f);
    } else if (message instanceof MigrationMessage.Confirm c) {
      onConfirm(c);
    } else if (message instanceof MigrationMessage.Mark m) {
      onMark(from, m);
    } else if (message instanceof MigrationMessage.Select s) {
      onSelect(from, s);
    }
    // Anything else is not for the old store: dropped.
  }

  /**
   * Applies a write at most once per (session, request): a copy of one applied is answered as the
   * first time; one below its session's floor is finished on the router's side and dropped.
   */
  private void onWrite(Address from, MigrationMessage.Write w) {
    Applied a = sessions.get(w.session());
    long floor = Math.max(w.floor(), a == null ? 0 : a.floor());
    if (a != null && w.reqId() < a.floor()) {
      return; // stale: the router gave up on it or has its answer
    }
    if (a != null) {
      int i = a.reqIds().indexOf(w.reqId());
      if (i >= 0) {
        env.send(from, a.replies().get(i));
        return;
      }
    }
    MigrationMessage.WriteReply reply = apply(w);
    // Remember it (and forget what fell below the floor) in the same step, durably.
    remember(w.session(), floor, reply);
    storage.sync();
    env.send(from, reply);
  }

  /**
   * Raises {@code session}'s floor and closes every other session (an earlier incarnation of the
   * router, which is gone): their writes still in the network are dropped when they arrive.
   */
  private void fence(long session, long floor) {
    boolean changed = false;
    for (java.util.Map.Entry<Long, Applied> e : sessions.entrySet()) {
      if (e.getKey() != session && e.getValue().floor() != Long.MAX_VALUE) {
        e.setValue(new Applied(Long.MAX_VALUE, List.of(), List.of()));
        storage.put("session:" + e.getKey(), e.getValue());
        changed = true;
      }
    }
    Applied a = sessions.get(session);
    if (a == null || a.floor() < floor) {
      remember(session, floor, null);
      changed = true;
    }
    if (changed) {
      storage.sync();
    }
  }

  /**
   * Stores {@code session}'s floor and the answers of its writes at or above it, with {@code reply}
   * added if given; a session seen for the first time may push out the oldest.
   */
  private void remember(long session, long floor, MigrationMessage.WriteReply reply) {
    Applied a = sessions.get(session);
    List<Long> ids = new ArrayList<>();
    List<MigrationMessage.WriteReply> replies = new ArrayList<>();
    if (a != null) {
      for (int i = 0; i < a.reqIds().size(); i++) {
        if (a.reqIds().get(i) >= floor) {
          ids.add(a.reqIds().get(i));
          replies.add(a.replies().get(i));
        }
      }
    }
    if (reply != null) {
      ids.add(reply.reqId());
      replies.add(reply);
    }
    if (a == null && sessions.size() >= SESSIONS_MAX) {
      Long oldest = sessions.keySet().iterator().next();
      sessions.remove(oldest);
      storage.delete("session:" + oldest);
    }
    Applied updated = new Applied(floor, ids, replies);
    sessions.put(session, updated);
    storage.put("session:" + session, updated);
    if (a == null) {
      storage.put(SESSIONS, List.copyOf(sessions.keySet()));
    }
  }

  /** Applies a write that is not a copy; returns its answer. */
  private MigrationMessage.WriteReply apply(MigrationMessage.Write w) {
    String key = w.op().key();
    String value;
    if (w.op() instanceof KvOp.Cas c) {
      String actual = rows.latest(key);
      if (!Objects.equals(actual, c.expected())) {
        return new MigrationMessage.WriteReply(w.reqId(), Outcome.CAS_FAILED, actual);
      }
      value = c.value();
    } else {
      value = ((KvOp.Put) w.op()).value();
    }
    boolean toOutbox = w.outbox() && config.stream().equals(Optional.of(Stream.OUTBOX));
    long lsn = storage.logLastIndex() + 1;
    Change walEntry = new Change(lsn, Kind.ROW, key, value, w.origin(), 0);
    long more = (walStreamed() ? walEntry.bytes() : 0) + (toOutbox ? walEntry.bytes() : 0);
    if (walBytes + outboxBytes + more > config.diskCapBytes()) {
      refusals++;
      probe.refused();
      return new MigrationMessage.WriteReply(w.reqId(), Outcome.REFUSED, null);
    }
    storage.logAppend(walEntry);
    long position = 0;
    if (walStreamed()) {
      walBytes += walEntry.bytes();
      position = lsn;
    } else {
      // No slot holds the log: the write is checkpointed into its row at once.
      storage.logCompactThrough(lsn);
    }
    if (toOutbox) {
      outboxHead++;
      Change record = new Change(outboxHead, Kind.ROW, key, value, w.origin(), 0);
      storage.put("outbox:" + outboxHead, record);
      storage.put(OUTBOX_HEAD, outboxHead);
      outboxBytes += record.bytes();
      position = outboxHead;
    }
    writeRow(key, lsn, value, position);
    if (position > 0) {
      probe.committed(position, key, walBytes + outboxBytes);
    }
    return new MigrationMessage.WriteReply(w.reqId(), Outcome.OK, value);
  }

  private void writeRow(String key, long lsn, String value, long position) {
    rows.put(key, lsn, value);
    if (keys.add(key)) {
      storage.put(KEYS, List.copyOf(keys));
    }
    if (position > 0 || !streamPositionOf.containsKey(key)) {
      streamPositionOf.put(key, position);
    }
    List<Long> versions = new ArrayList<>(rows.versions(key).keySet());
    List<String> values = new ArrayList<>(rows.versions(key).values());
    storage.put("row:" + key, new StoredRow(versions, values, streamPositionOf.get(key)));
  }

  private void onFetch(Address from, MigrationMessage.Fetch f) {
    if (!config.stream().equals(Optional.of(f.stream())) || f.max() < 1) {
      return;
    }
    List<Change> out = new ArrayList<>();
    if (f.stream() == Stream.WAL) {
      if (f.after() + 1 < storage.logFirstIndex()) {
        return; // below the slot: a stale request from a consumer that has since confirmed more
      }
      long last = Math.min(storage.logLastIndex(), f.after() + f.max());
      for (long i = f.after() + 1; i <= last; i++) {
        out.add(storage.logGet(i, Change.class));
      }
    } else {
      if (f.after() < outboxAcked) {
        return;
      }
      long last = Math.min(outboxHead, f.after() + f.max());
      for (long id = f.after() + 1; id <= last; id++) {
        out.add(storage.get("outbox:" + id, Change.class));
      }
    }
    env.send(from, new MigrationMessage.Fetched(f.stream(), f.after(), out));
  }

  private void onConfirm(MigrationMessage.Confirm c) {
    if (!config.stream().equals(Optional.of(c.stream()))) {
      return;
    }
    if (c.stream() == Stream.WAL) {
      long to = Math.min(c.position(), storage.logLastIndex());
      if (to <= slot) {
        return; // stale or repeated
      }
      for (long i = Math.max(slot + 1, storage.logFirstIndex()); i <= to; i++) {
        walBytes -= storage.logGet(i, Change.class).bytes();
      }
      slot = to;
      storage.put(SLOT, slot);
      storage.logCompactThrough(slot);
    } else {
      long to = Math.min(c.position(), outboxHead);
      if (to <= outboxAcked) {
        return;
      }
      for (long id = outboxAcked + 1; id <= to; id++) {
        outboxBytes -= storage.get("outbox:" + id, Change.class).bytes();
        storage.delete("outbox:" + id);
      }
      outboxAcked = to;
      storage.put(OUTBOX_ACKED, outboxAcked);
    }
    storage.sync();
    probe.retained(walBytes + outboxBytes);
  }

  private void onMark(Address from, MigrationMessage.Mark m) {
    if (!config.stream().equals(Optional.of(m.stream()))) {
      return;
    }
    Kind kind = m.high() ? Kind.HIGH_WATERMARK : Kind.LOW_WATERMARK;
    long position = m.stream() == Stream.WAL ? storage.logLastIndex() + 1 : outboxHead + 1;
    Change mark = new Change(position, kind, null, null, Origin.APP, m.chunk());
    if (walBytes + outboxBytes + mark.bytes() > config.diskCapBytes()) {
      refusals++;
      probe.refused();
      env.send(from, new MigrationMessage.Marked(m.reqId(), -1));
      return;
    }
    if (m.stream() == Stream.WAL) {
      storage.logAppend(mark);
      walBytes += mark.bytes();
    } else {
      outboxHead = position;
      storage.put("outbox:" + position, mark);
      storage.put(OUTBOX_HEAD, outboxHead);
      outboxBytes += mark.bytes();
    }
    storage.sync();
    probe.committed(position, null, walBytes + outboxBytes);
    env.send(from, new MigrationMessage.Marked(m.reqId(), position));
  }

  private void onSelect(Address from, MigrationMessage.Select s) {
    if (s.limit() < 1) {
      return;
    }
    List<MigrationMessage.Row> out = new ArrayList<>();
    String k =
        s.afterKey().isEmpty() ? keys.isEmpty() ? null : keys.first() : keys.higher(s.afterKey());
    while (k != null && out.size() < s.limit()) {
      String v = s.asOf() < 0 ? rows.latest(k) : readAt(k, s.asOf());
      if (v != null) {
        out.add(new MigrationMessage.Row(k, v));
      }
      k = keys.higher(k);
    }
    env.send(from, new MigrationMessage.Selected(s.reqId(), out, k == null));
  }

  /**
   * The value as of stream position {@code position}. Positions are log sequence numbers only for
   * the log; an outbox id is not, so an outbox-position snapshot reads the newest value.
   */
  private String readAt(String key, long position) {
    if (!walStreamed()) {
      return rows.latest(key);
    }
    try {
      return rows.readAt(key, position);
    } catch (MvccStore.VersionGarbageCollected e) {
      // Older than the versions kept: the oldest one kept is the nearest answer there is.
      return rows.versions(key).firstEntry().getValue();
    }
  }

  private boolean walStreamed() {
    return config.stream().equals(Optional.of(Stream.WAL));
  }

  private long head() {
    return walStreamed() ? storage.logLastIndex() : outboxHead;
  }

  private long confirmed() {
    if (config.stream().isEmpty()) {
      return 0;
    }
    return walStreamed() ? slot : outboxAcked;
  }

  @Override
  public void checkInvariants() {
    if (walStreamed() && (slot < storage.logFirstIndex() - 1 || slot > storage.logLastIndex())) {
      throw new IllegalStateException(
          "slot "
              + slot
              + " outside the log ["
              + storage.logFirstIndex()
              + ", "
              + storage.logLastIndex()
              + "]");
    }
    if (walBytes < 0 || outboxBytes < 0 || outboxAcked > outboxHead) {
      throw new IllegalStateException(
          "retained bytes "
              + walBytes
              + "/"
              + outboxBytes
              + ", outbox "
              + outboxAcked
              + "/"
              + outboxHead);
    }
  }

  // ---- read by measurements and tests after (or during) a run

  /** The newest value of every row. */
  public SortedMap<String, String> contents() {
    TreeMap<String, String> out = new TreeMap<>();
    for (String k : keys) {
      String v = rows.latest(k);
      if (v != null) {
        out.put(k, v);
      }
    }
    return out;
  }

  /** Bytes retained for the migration: the log from the slot on, and the outbox. */
  public long retainedBytes() {
    return walBytes + outboxBytes;
  }

  /** How far the migration's stream's consumer is behind its head (0 without a stream). */
  public long streamBacklog() {
    return config.stream().isEmpty() ? 0 : head() - confirmed();
  }

  public boolean backfillDone() {
    return backfillDone;
  }

  public long slot() {
    return slot;
  }

  public long refusals() {
    return refusals;
  }

  /** The log's retained entries, oldest first (for tests). */
  public List<Change> retainedLog() {
    List<Change> out = new ArrayList<>();
    for (long i = storage.logFirstIndex(); i <= storage.logLastIndex(); i++) {
      out.add(storage.logGet(i, Change.class));
    }
    return out;
  }
}
