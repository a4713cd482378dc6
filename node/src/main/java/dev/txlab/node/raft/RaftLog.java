package dev.txlab.node.raft;

import dev.txlab.node.api.Storage;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicated log over a {@link Storage}: entries after the snapshot live in the storage's
 * append log, the snapshot's last index and term stand in for everything before.
 *
 * <p>Invariants: storage holds exactly {@code [snapshotIndex + 1, lastIndex]}; terms never decrease
 * along the log; index 0 has term 0.
 */
public final class RaftLog {
  /**
   * Returned by {@link #term} for an index the log cannot answer for (compacted or beyond the end).
   */
  public static final long UNKNOWN = -1;

  private final Storage storage;
  private long snapshotIndex;
  private long snapshotTerm;

  public RaftLog(Storage storage, long snapshotIndex, long snapshotTerm) {
    this.storage = storage;
    this.snapshotIndex = snapshotIndex;
    this.snapshotTerm = snapshotTerm;
    if (storage.logFirstIndex() != snapshotIndex + 1) {
      throw new IllegalStateException(
          "storage log starts at "
              + storage.logFirstIndex()
              + " but the snapshot ends at "
              + snapshotIndex);
    }
  }

  public long snapshotIndex() {
    return snapshotIndex;
  }

  public long snapshotTerm() {
    return snapshotTerm;
  }

  public long lastIndex() {
    return storage.logLastIndex();
  }

  public long lastTerm() {
    return term(lastIndex());
  }

  /** The term at {@code index}, or {@link #UNKNOWN}. */
  public long term(long index) {
    if (index == snapshotIndex) return snapshotTerm;
    if (index < snapshotIndex || index > lastIndex()) return UNKNOWN;
    return storage.logGet(index, LogEntry.class).term();
  }

  public LogEntry entry(long index) {
    return storage.logGet(index, LogEntry.class);
  }

  /** Entries {@code [from, min(to, lastIndex)]}, at most {@code max} of them. */
  public List<LogEntry> slice(long from, long to, int max) {
    if (from <= snapshotIndex)
      throw new IllegalArgumentException("slice from " + from + " is compacted");
    long end = Math.min(Math.min(to, lastIndex()), from + max - 1);
    List<LogEntry> out = new ArrayList<>((int) Math.max(0, end - from + 1));
    for (long i = from; i <= end; i++) out.add(entry(i));
    return out;
  }

  public void append(LogEntry e) {
    if (e.index() != lastIndex() + 1) {
      throw new IllegalStateException(
          "append at " + e.index() + " but last index is " + lastIndex());
    }
    if (e.term() < lastTerm()) {
      throw new IllegalStateException(
          "term " + e.term() + " at " + e.index() + " below previous term " + lastTerm());
    }
    storage.logAppend(e);
  }

  /** Removes {@code [index, lastIndex]}. */
  public void truncateFrom(long index) {
    if (index <= snapshotIndex)
      throw new IllegalStateException("cannot truncate into the snapshot at " + index);
    storage.logTruncateFrom(index);
  }

  /**
   * Index {@code index} (term {@code term}) is now covered by a snapshot. Keeps a matching suffix.
   */
  public void compactThrough(long index, long term) {
    if (index <= snapshotIndex) return;
    if (term(index) != term) {
      // The log disagrees with (or does not reach) the snapshot: nothing after it can be trusted.
      storage.logTruncateFrom(Math.max(storage.logFirstIndex(), snapshotIndex + 1));
    }
    storage.logCompactThrough(index);
    snapshotIndex = index;
    snapshotTerm = term;
  }

  /**
   * The first index of the term of {@code index}, scanning back no further than the snapshot: the
   * follower's hint that lets a leader skip a whole conflicting term in one round trip (§5.3).
   */
  public long firstIndexOfTerm(long index) {
    long t = term(index);
    long i = index;
    while (i - 1 > snapshotIndex && term(i - 1) == t) i--;
    return i;
  }

  /** Figure 2's "at least as up-to-date" (§5.4.1). */
  public boolean isUpToDate(long lastLogIndex, long lastLogTerm) {
    long myTerm = lastTerm();
    return lastLogTerm > myTerm || (lastLogTerm == myTerm && lastLogIndex >= lastIndex());
  }
}
