package dev.txlab.coordinator.migration;

import dev.txlab.coordinator.migration.MigrationMessage.Change;
import dev.txlab.coordinator.migration.MigrationMessage.Kind;
import dev.txlab.coordinator.migration.MigrationMessage.Origin;
import dev.txlab.coordinator.migration.MigrationMessage.Stream;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Storage;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.KvMessage;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.ShardMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Moves the old store's data to the new one: a CDC consumer tailing the write-ahead log from its
 * replication slot ({@code cdc}), or the outbox relay ({@code outbox}) — the same loop over a
 * different ordered stream — and the backfill of the rows that predate the stream.
 *
 * <p><b>Streaming.</b> On (re)start it asks the old store where its slot stands and reads the
 * stream from there: a restarted consumer re-applies what it had applied but not confirmed
 * (at-least-once), in log order, which converges because each change is a whole-row write. Changes
 * are applied on {@code lanes} sessions to the new store, each key always on the same lane, so the
 * changes of one key are applied in log order while different keys proceed in parallel. The slot is
 * confirmed only up to the last position below which everything is applied, so a crash never skips
 * a change. Changes the router wrote back from the new store ({@link Origin#WRITE_BACK}) are
 * filtered out, as bidirectional replication filters by origin.
 *
 * <p><b>Backfill: DBLog's watermark chunks</b> (Andreakis &amp; Papapanagiotou, 2020), not a
 * snapshot at a log position. Why: a snapshot at a position either holds the slot (and so the old
 * store's log) for the whole copy, or needs an MVCC snapshot kept open for as long; chunks hold
 * nothing between them, can stop and resume at any chunk after a crash, interleave with live
 * changes, and work the same over the outbox. For each chunk: append a low watermark to the stream,
 * select the chunk's rows, append a high watermark. Reading the stream, the consumer notes every
 * key changed between the two watermarks; at the high watermark it writes the chunk's rows
 * <em>except</em> those keys — their newer values are already in, or about to be in, log order — so
 * no update is lost or reordered. Progress (the last key copied) is kept in the consumer's own
 * storage.
 *
 * <p>{@code backfill-bug: skip-updates} plants the classic mistake: chunks are read as of the
 * snapshot the backfill began at, and written over whatever the stream applied since — every row
 * updated meanwhile goes back to its old value in the new store, until it is written again.
 *
 * <p>Without a stream ({@code dual-write}) the backfill copies chunks of the newest rows directly,
 * with nothing to order them against the application's writes to the new store.
 */
public final class ChangeConsumer implements Process {
  /**
   * @param stream the stream to consume; empty for dual-write (backfill only)
   * @param pollNanos how often a caught-up consumer asks for more of the stream
   * @param tickNanos how often it confirms its progress (and checks on its requests)
   * @param backfillStartNanos when the backfill begins after the consumer first starts
   * @param chunkRows rows per backfill chunk
   * @param chunkPauseNanos pause between chunks
   * @param skipUpdatesBug plant the backfill bug described on the class
   */
  public record Config(
      Optional<Stream> stream,
      Address oldStore,
      ShardMap newStore,
      int lanes,
      int fetchMax,
      long pollNanos,
      long tickNanos,
      long requestTimeoutNanos,
      boolean backfill,
      long backfillStartNanos,
      int chunkRows,
      long chunkPauseNanos,
      boolean skipUpdatesBug) {
    public Config {
      if (stream == null
          || oldStore == null
          || newStore == null
          || lanes < 1
          || fetchMax < 1
          || pollNanos <= 0
          || tickNanos <= 0
          || requestTimeoutNanos <= 0
          || chunkRows < 1
          || chunkPauseNanos < 0
          || backfillStartNanos < 0) {
        throw new IllegalArgumentException("malformed change consumer config");
      }
    }
  }

  /** Where a chunk of the backfill stands. */
  private enum ChunkState {
    IDLE,
    MARKING_LOW,
    SELECTING,
    MARKING_HIGH,
    WRITING,
    DONE
  }

  /** One write to the new store, for the stream item at {@code position} (0: none). */
  private record Work(KvOp.Put put, long position, boolean backfill) {}

  /** Work in flight is bounded: the consumer stops fetching past this many queued writes. */
  private static final int QUEUED_MAX = 1024;

  private static final String BACKFILL_AFTER = "backfill-after";
  private static final String BACKFILL_DONE = "backfill-done";
  private static final String BACKFILL_SNAPSHOT = "backfill-snapshot";
  private static final String BACKFILL_STARTED = "backfill-started";

  /** The migration messages it handles (a test checks that every message has a handler). */
  static final List<Class<?>> HANDLED =
      List.of(
          MigrationMessage.Attached.class,
          MigrationMessage.Fetched.class,
          MigrationMessage.Marked.class,
          MigrationMessage.Selected.class);

  private final Env env;
  private final Storage storage;
  private final Config config;
  private final MigrationProbe probe;
  private final NewStoreLanes lanes;
  private final List<ArrayDeque<Work>> queues = new ArrayList<>();
  private final long reqBase;

  // Streaming.
  private boolean attached;
  private long fetchedThrough;
  private long fetchSentAtNanos = -1;
  private long lastFetchNanos;
  private long confirmSent;
  private long ticks;

  /** Stream items not yet fully applied, by position: how many writes each still waits for. */
  private final TreeMap<Long, Integer> pending = new TreeMap<>();

  private int queued;

  // Backfill.
  private ChunkState chunk = ChunkState.IDLE;
  private long chunkId;
  private long chunkReq;
  private MigrationMessage outstanding;
  private boolean windowOpen;
  private final TreeSet<String> changedInWindow = new TreeSet<>();
  private List<MigrationMessage.Row> chunkRows;
  private boolean chunkLast;
  private int chunkWritesLeft;

  public ChangeConsumer(Env env, Config config, MigrationProbe probe) {
    this.env = env;
    this.storage = env.storage();
    this.config = config;
    this.probe = probe;
    this.lanes = new NewStoreLanes(env, config.newStore(), config.lanes(), 100_000_000L);
    for (int i = 0; i < config.lanes(); i++) {
      queues.add(new ArrayDeque<>());
    }
    // Request ids and chunk ids are fresh per incarnation: answers and watermarks meant for an
    // earlier one are recognised as stale.
    this.reqBase = ((long) env.random().nextInt(1 << 30)) << 20;
    this.chunkId = reqBase;
    this.chunkReq = reqBase;
  }

  @Override
  public void onStart() {
    if (config.stream().isPresent()) {
      env.send(config.oldStore(), new MigrationMessage.Attach(config.stream().get()));
    }
    if (Boolean.TRUE.equals(storage.get(BACKFILL_DONE, Boolean.class))) {
      chunk = ChunkState.DONE;
    } else if (config.backfill()) {
      boolean started = Boolean.TRUE.equals(storage.get(BACKFILL_STARTED, Boolean.class));
      env.setTimer(
          started ? 0 : config.backfillStartNanos(), new MigrationTimer.NextChunk(chunkId));
    }
    env.setTimer(config.tickNanos(), new MigrationTimer.Tick(0));
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof MigrationTimer.Tick) {
      onTick();
    } else if (timer instanceof MigrationTimer.LaneRetry r) {
      lanes.onRetry(r);
    } else if (timer instanceof MigrationTimer.NextChunk n) {
      if (n.chunk() == chunkId && (chunk == ChunkState.IDLE)) {
        beginChunk();
      }
    } else if (timer instanceof MigrationTimer.Expire e) {
      if (e.reqId() == chunkReq && outstanding != null) {
        // No answer: ask again (a repeated watermark is ignored where it lands).
        env.send(config.oldStore(), outstanding);
        env.setTimer(config.requestTimeoutNanos(), new MigrationTimer.Expire(chunkReq));
      }
    } else {
      throw new IllegalStateException("unexpected timer " + timer);
    }
  }

  private void onTick() {
    ticks++;
    env.setTimer(config.tickNanos(), new MigrationTimer.Tick(ticks));
    if (chunk == ChunkState.DONE && ticks % 32 == 0) {
      // Until the old store has it (the message may be lost); a cutover waits for it.
      env.send(config.oldStore(), new MigrationMessage.BackfillDone());
    }
    if (config.stream().isEmpty()) {
      return;
    }
    Stream stream = config.stream().get();
    if (!attached) {
      env.send(config.oldStore(), new MigrationMessage.Attach(stream));
      return;
    }
    long now = env.localClockNanos();
    boolean fetchLost =
        fetchSentAtNanos >= 0 && now - fetchSentAtNanos > config.requestTimeoutNanos();
    boolean pollDue = now - lastFetchNanos >= config.pollNanos();
    if ((fetchSentAtNanos < 0 && pollDue || fetchLost) && queued < QUEUED_MAX) {
      fetch();
    }
    // A confirmation may be lost: repeat the last one now and then.
    if (ticks % 32 == 0 && confirmSent > 0) {
      env.send(config.oldStore(), new MigrationMessage.Confirm(stream, confirmSent));
    }
    confirmIfAdvanced();
  }

  /**
   * Confirms the stream up to where everything is applied, at every tick that finds it advanced (as
   * a replication client's status updates do): the old store may then truncate its log, and shadow
   * reads and drains see the consumer's progress. A crash between an apply and its confirmation
   * makes the restarted consumer apply that change again.
   */
  private void confirmIfAdvanced() {
    long candidate = confirmable();
    if (attached && candidate > confirmSent) {
      env.send(config.oldStore(), new MigrationMessage.Confirm(config.stream().get(), candidate));
      confirmSent = candidate;
    }
  }

  private void fetch() {
    fetchSentAtNanos = env.localClockNanos();
    lastFetchNanos = fetchSentAtNanos;
    env.send(
        config.oldStore(),
        new MigrationMessage.Fetch(config.stream().get(), fetchedThrough, config.fetchMax()));
  }

  /** The highest position at and below which every stream item is applied. */
  private long confirmable() {
    return pending.isEmpty() ? fetchedThrough : pending.firstKey() - 1;
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof KvMessage.ClientReply r) {
      lanes.onReply(from, r);
    } else if (message instanceof MigrationMessage.Attached a) {
      if (!attached && config.stream().equals(Optional.of(a.stream()))) {
        attached = true;
        fetchedThrough = a.confirmed();
        confirmSent = a.confirmed();
        fetch();
      }
    } else if (message instanceof MigrationMessage.Fetched f) {
      if (attached && f.after() == fetchedThrough && fetchSentAtNanos >= 0) {
        fetchSentAtNanos = -1;
        for (Change c : f.changes()) {
          onChange(c);
        }
        if (f.changes().size() == config.fetchMax() && queued < QUEUED_MAX) {
          fetch();
        }
      }
    } else if (message instanceof MigrationMessage.Marked m) {
      onMarked(m);
    } else if (message instanceof MigrationMessage.Selected s) {
      onSelected(s);
    }
  }

  private void onChange(Change c) {
    if (c.position() != fetchedThrough + 1) {
      throw new IllegalStateException(
          "stream gap: expected position " + (fetchedThrough + 1) + ", got " + c.position());
    }
    fetchedThrough = c.position();
    if (c.kind() == Kind.ROW) {
      if (windowOpen) {
        changedInWindow.add(c.key());
      }
      if (c.origin() == Origin.WRITE_BACK) {
        return; // the new store has it already: the router wrote it there first
      }
      pending.put(c.position(), 1);
      enqueue(new Work(new KvOp.Put(c.key(), c.value()), c.position(), false));
    } else if (c.kind() == Kind.LOW_WATERMARK) {
      if (c.chunk() == chunkId
          && !windowOpen
          && (chunk == ChunkState.MARKING_LOW
              || chunk == ChunkState.SELECTING
              || chunk == ChunkState.MARKING_HIGH)) {
        windowOpen = true;
        changedInWindow.clear();
      }
    } else {
      if (c.chunk() == chunkId && chunk == ChunkState.MARKING_HIGH && chunkRows != null) {
        onHighWatermark(c.position());
      }
    }
  }

  private void enqueue(Work w) {
    int lane = Math.floorMod(ShardMap.fnv1a32(w.put().key()), config.lanes());
    queues.get(lane).add(w);
    queued++;
    pump(lane);
  }

  private void pump(int lane) {
    if (!lanes.idle(lane) || queues.get(lane).isEmpty()) {
      return;
    }
    Work w = queues.get(lane).peek();
    lanes.submit(
        lane,
        w.put(),
        result -> {
          queues.get(lane).poll();
          queued--;
          applied(w);
          pump(lane);
        });
  }

  private void applied(Work w) {
    if (w.backfill()) {
      probe.backfilled(w.put().key());
    } else {
      probe.applied(w.position(), w.put().key());
    }
    if (w.position() > 0) {
      int left = pending.get(w.position()) - 1;
      if (left == 0) {
        pending.remove(w.position());
      } else {
        pending.put(w.position(), left);
      }
    }
    if (w.backfill()) {
      chunkWritesLeft--;
      if (chunkWritesLeft == 0 && chunk == ChunkState.WRITING) {
        finishChunk();
      }
    }
  }

  // ---- backfill

  private void beginChunk() {
    if (config.stream().isPresent() && !attached) {
      // The watermarks must land in the stream after the position being read.
      env.setTimer(config.pollNanos(), new MigrationTimer.NextChunk(chunkId));
      return;
    }
    if (!Boolean.TRUE.equals(storage.get(BACKFILL_STARTED, Boolean.class))) {
      storage.put(BACKFILL_STARTED, Boolean.TRUE);
      storage.put(BACKFILL_SNAPSHOT, fetchedThrough);
      storage.sync();
    }
    chunkId++;
    windowOpen = false;
    changedInWindow.clear();
    chunkRows = null;
    if (config.stream().isPresent()) {
      chunk = ChunkState.MARKING_LOW;
      request(new MigrationMessage.Mark(++chunkReq, config.stream().get(), chunkId, false));
    } else {
      chunk = ChunkState.SELECTING;
      request(new MigrationMessage.Select(++chunkReq, after(), config.chunkRows(), -1));
    }
  }

  private String after() {
    String a = storage.get(BACKFILL_AFTER, String.class);
    return a == null ? "" : a;
  }

  private void request(MigrationMessage m) {
    outstanding = m;
    env.send(config.oldStore(), m);
    env.setTimer(config.requestTimeoutNanos(), new MigrationTimer.Expire(chunkReq));
  }

  private void onMarked(MigrationMessage.Marked m) {
    if (m.reqId() != chunkReq) {
      return;
    }
    outstanding = null;
    if (m.position() < 0) {
      // Refused (the old store is at its cap): try this chunk again later.
      chunk = ChunkState.IDLE;
      env.setTimer(
          config.chunkPauseNanos() + config.pollNanos(), new MigrationTimer.NextChunk(chunkId));
      return;
    }
    if (chunk == ChunkState.MARKING_HIGH && fetchSentAtNanos < 0 && queued < QUEUED_MAX) {
      fetch(); // the high watermark is in the log: read up to it now rather than at the next poll
    }
    if (chunk == ChunkState.MARKING_LOW) {
      chunk = ChunkState.SELECTING;
      long asOf = config.skipUpdatesBug() ? storage.get(BACKFILL_SNAPSHOT, Long.class) : -1;
      request(new MigrationMessage.Select(++chunkReq, after(), config.chunkRows(), asOf));
    }
    // MARKING_HIGH: the high watermark is in the stream; the rows go out when the stream reaches
    // it.
  }

  private void onSelected(MigrationMessage.Selected s) {
    if (s.reqId() != chunkReq || chunk != ChunkState.SELECTING) {
      return;
    }
    outstanding = null;
    chunkRows = s.rows();
    chunkLast = s.last();
    if (config.stream().isPresent()) {
      chunk = ChunkState.MARKING_HIGH;
      request(new MigrationMessage.Mark(++chunkReq, config.stream().get(), chunkId, true));
    } else {
      writeChunk(chunkRows, 0);
    }
  }

  private void onHighWatermark(long position) {
    if (!windowOpen) {
      throw new IllegalStateException("high watermark of chunk " + chunkId + " before its low");
    }
    List<MigrationMessage.Row> rows = new ArrayList<>();
    for (MigrationMessage.Row r : chunkRows) {
      // DBLog: a key changed between the watermarks has its newer value in the stream; the
      // chunk's copy would be older (or as old) and must not be written after it.
      if (config.skipUpdatesBug() || !changedInWindow.contains(r.key())) {
        rows.add(r);
      }
    }
    windowOpen = false;
    outstanding = null; // the high watermark is in: its acknowledgement no longer matters
    if (!rows.isEmpty()) {
      pending.put(position, rows.size());
    }
    writeChunk(rows, position);
  }

  private void writeChunk(List<MigrationMessage.Row> rows, long position) {
    chunk = ChunkState.WRITING;
    chunkWritesLeft = rows.size();
    if (rows.isEmpty()) {
      finishChunk();
      return;
    }
    for (MigrationMessage.Row r : rows) {
      enqueue(new Work(new KvOp.Put(r.key(), r.value()), position, true));
    }
  }

  private void finishChunk() {
    if (!chunkRows.isEmpty()) {
      storage.put(BACKFILL_AFTER, chunkRows.get(chunkRows.size() - 1).key());
    }
    if (chunkLast) {
      storage.put(BACKFILL_DONE, Boolean.TRUE);
      chunk = ChunkState.DONE;
      env.send(config.oldStore(), new MigrationMessage.BackfillDone());
    } else {
      chunk = ChunkState.IDLE;
      env.setTimer(config.chunkPauseNanos(), new MigrationTimer.NextChunk(chunkId));
    }
    storage.sync();
  }

  @Override
  public void checkInvariants() {
    if (queued < 0 || confirmable() > fetchedThrough || confirmSent > fetchedThrough && attached) {
      throw new IllegalStateException(
          "consumer: queued "
              + queued
              + ", confirmable "
              + confirmable()
              + ", fetched "
              + fetchedThrough);
    }
  }

  /** Whether the backfill has copied every chunk (for tests). */
  public boolean backfillDone() {
    return chunk == ChunkState.DONE
        || Boolean.TRUE.equals(storage.get(BACKFILL_DONE, Boolean.class));
  }
}
