package dev.txlab.node.api;

/**
 * A process's durable state: a small key → value map (hard state, snapshots) and an append log with
 * contiguous indexes (a Raft log). Values must be immutable (records, strings, immutable
 * collections); a host may keep them as objects (the simulator) or encode them (the live host).
 *
 * <p>Writes are visible to reads at once, but they survive a crash only once synced: {@link
 * #sync()} asks the host to make every write so far durable at the end of the current step, before
 * that step's messages and timers are released. A crash loses everything written after the last
 * completed sync.
 *
 * <p>Log indexes: the log holds entries {@code [logFirstIndex(), logLastIndex()]}; it is empty when
 * {@code logFirstIndex() == logLastIndex() + 1}. A fresh log has first index 1 and last index 0.
 */
public interface Storage {
  /** The value stored under {@code key}, or {@code null}. */
  <T> T get(String key, Class<T> type);

  void put(String key, Object value);

  void delete(String key);

  long logFirstIndex();

  long logLastIndex();

  /** The entry at {@code index}; throws if it is outside {@code [first, last]}. */
  <T> T logGet(long index, Class<T> type);

  /** Appends at {@code logLastIndex() + 1}. */
  void logAppend(Object entry);

  /** Removes the entries at {@code index} and after (a conflicting suffix). */
  void logTruncateFrom(long index);

  /**
   * Discards the entries up to and including {@code index} (they are covered by a snapshot).
   * Compacting past the last index empties the log and moves it to start at {@code index + 1}.
   */
  void logCompactThrough(long index);

  /** Requests that all writes so far be made durable before this step's effects are released. */
  void sync();
}
