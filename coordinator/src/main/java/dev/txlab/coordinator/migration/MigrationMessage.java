package dev.txlab.coordinator.migration;

import dev.txlab.node.api.Message;
import dev.txlab.node.kv.KvOp;
import java.util.List;

/**
 * The messages of the migration lab: between the router (the application's data access layer), the
 * old store, the change consumer, and the operator that steps the migration through its phases. The
 * new store is the Raft key-value cluster, spoken to in its own {@code KvMessage}s.
 */
public sealed interface MigrationMessage extends Message {
  /** Who wrote a change: the application, or the router copying a new-store write back. */
  enum Origin {
    APP,
    WRITE_BACK
  }

  /**
   * Which ordered stream of changes the old store keeps for the migration: its write-ahead log read
   * through a replication slot ({@code cdc}), or its outbox table ({@code outbox}).
   */
  enum Stream {
    WAL,
    OUTBOX
  }

  /** What a stream item is. */
  enum Kind {
    /** A row was written. */
    ROW,
    /** DBLog's low watermark of a backfill chunk. */
    LOW_WATERMARK,
    /** DBLog's high watermark of a backfill chunk. */
    HIGH_WATERMARK
  }

  /** How the old store answered a write. */
  enum Outcome {
    OK,
    CAS_FAILED,
    /** Definitely not written: the disk cap is reached (the slot holds the log). */
    REFUSED
  }

  /**
   * One item of a change stream at {@code position} (a log sequence number, or an outbox id): a row
   * ({@code key}, {@code value}) or a watermark of backfill chunk {@code chunk}.
   */
  record Change(long position, Kind kind, String key, String value, Origin origin, long chunk) {
    public Change {
      if (position < 1 || kind == null || origin == null) {
        throw new IllegalArgumentException("malformed change at " + position);
      }
      if (kind == Kind.ROW && (key == null || value == null)) {
        throw new IllegalArgumentException("a row change needs a key and a value");
      }
    }

    /** Bytes the change takes on the old store's disk (a fixed header and its text). */
    public long bytes() {
      return 32 + (key == null ? 0 : key.length()) + (value == null ? 0 : value.length());
    }
  }

  /** A row of a backfill chunk. */
  record Row(String key, String value) {}

  // ---- router → old store

  /** Reads {@code key} (the newest value). */
  record Read(long reqId, String key) implements MigrationMessage {}

  /**
   * {@code value}: null if absent; {@code keyPosition}: the stream position of the key's newest
   * change (0 if none); {@code confirmedPosition}: how far the stream's consumer has confirmed.
   */
  record ReadReply(long reqId, String value, long keyPosition, long confirmedPosition)
      implements MigrationMessage {}

  /**
   * Writes ({@code Put} or {@code Cas}); with {@code outbox} an outbox record goes in the same
   * local transaction. The network may deliver a message twice, and a write done twice (a late copy
   * after a newer write) is a lost update, so writes are applied at most once: {@code session}
   * names the router's incarnation, and {@code floor} is its lowest request still waiting for an
   * answer — a write below it is finished from the router's side, so a copy of one arriving now is
   * stale and dropped.
   */
  record Write(long session, long floor, long reqId, KvOp op, Origin origin, boolean outbox)
      implements MigrationMessage {
    public Write {
      if (!(op instanceof KvOp.Put) && !(op instanceof KvOp.Cas)) {
        throw new IllegalArgumentException("the old store writes puts and cas, not " + op);
      }
      if (reqId < floor) {
        throw new IllegalArgumentException("request " + reqId + " below its floor " + floor);
      }
    }
  }

  /** {@code value}: what was written, or what a failed cas found. */
  record WriteReply(long reqId, Outcome outcome, String value) implements MigrationMessage {}

  /**
   * The migration's stream's newest position, how far its consumer has confirmed, and whether the
   * backfill is done (for a cutover's drain); without a stream both positions are 0. It also
   * fences: writes of this router incarnation below {@code floor} (given up on, their fate unknown
   * to the router) and every write of an earlier incarnation are dropped from now on, so none can
   * land behind the head the drain waits for.
   */
  record Head(long session, long floor, long reqId) implements MigrationMessage {}

  record HeadReply(long reqId, long head, long confirmed, boolean backfillDone)
      implements MigrationMessage {}

  /** The consumer has copied every pre-existing row: the old store keeps it known (durably). */
  record BackfillDone() implements MigrationMessage {}

  // ---- consumer → old store

  /** A (re)starting consumer asks where its slot (or the outbox's acknowledged id) stands. */
  record Attach(Stream stream) implements MigrationMessage {}

  record Attached(Stream stream, long confirmed) implements MigrationMessage {}

  /** Up to {@code max} items of the stream after position {@code after}. */
  record Fetch(Stream stream, long after, int max) implements MigrationMessage {}

  record Fetched(Stream stream, long after, List<Change> changes) implements MigrationMessage {
    public Fetched {
      changes = List.copyOf(changes);
    }
  }

  /**
   * Everything up to {@code position} is applied to the new store: the slot may advance (and the
   * log be truncated below it), or the outbox records be deleted.
   */
  record Confirm(Stream stream, long position) implements MigrationMessage {}

  /** Appends a watermark of {@code chunk} to the stream. */
  record Mark(long reqId, Stream stream, long chunk, boolean high) implements MigrationMessage {}

  /** {@code position}: where the watermark went, or -1 if the old store refused (disk cap). */
  record Marked(long reqId, long position) implements MigrationMessage {}

  /**
   * Up to {@code limit} rows with keys after {@code afterKey} (empty string: from the start) in key
   * order, as of stream position {@code asOf} (-1: the newest).
   */
  record Select(long reqId, String afterKey, int limit, long asOf) implements MigrationMessage {}

  record Selected(long reqId, List<Row> rows, boolean last) implements MigrationMessage {
    public Selected {
      rows = List.copyOf(rows);
    }
  }

  // ---- operator ↔ router

  /**
   * Move key range {@code range} to the new store, or ({@code rollback}) back to the old one. Steps
   * are numbered by the operator; the router acknowledges each once it is done.
   */
  record Step(long id, int range, boolean rollback) implements MigrationMessage {}

  record StepDone(long id) implements MigrationMessage {}
}
