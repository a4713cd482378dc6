package dev.txlab.node.sim;

import dev.txlab.node.api.InMemoryStorage;
import dev.txlab.node.api.Storage;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated disk for one component: it distinguishes what was written from what was synced.
 * Reads see every write; {@link #crash()} rolls the visible state back to the last completed sync.
 *
 * <p>Writes are journaled since the last sync; completing a sync replays the journal onto the
 * durable copy. A crash replaces the visible copy with a copy of the durable one.
 */
public final class SimDisk implements Storage {
  private InMemoryStorage visible = new InMemoryStorage();
  private final InMemoryStorage durable = new InMemoryStorage();
  private final List<Object[]> journal = new ArrayList<>();
  private boolean syncRequested;
  private long syncsCompleted;
  private long writesLost;

  // Journal records are small arrays {op, arg1, arg2}; the disk is simulator-internal.
  private static final Integer PUT = 1, DELETE = 2, APPEND = 3, TRUNCATE = 4, COMPACT = 5;

  @Override
  public <T> T get(String key, Class<T> type) {
    return visible.get(key, type);
  }

  @Override
  public void put(String key, Object value) {
    visible.put(key, value);
    journal.add(new Object[] {PUT, key, value});
  }

  @Override
  public void delete(String key) {
    visible.delete(key);
    journal.add(new Object[] {DELETE, key, null});
  }

  @Override
  public long logFirstIndex() {
    return visible.logFirstIndex();
  }

  @Override
  public long logLastIndex() {
    return visible.logLastIndex();
  }

  @Override
  public <T> T logGet(long index, Class<T> type) {
    return visible.logGet(index, type);
  }

  @Override
  public void logAppend(Object entry) {
    visible.logAppend(entry);
    journal.add(new Object[] {APPEND, entry, null});
  }

  @Override
  public void logTruncateFrom(long index) {
    visible.logTruncateFrom(index);
    journal.add(new Object[] {TRUNCATE, index, null});
  }

  @Override
  public void logCompactThrough(long index) {
    visible.logCompactThrough(index);
    journal.add(new Object[] {COMPACT, index, null});
  }

  @Override
  public void sync() {
    syncRequested = true;
  }

  /** Whether the step that just ran asked for a sync of pending writes (and clears the request). */
  boolean takeSyncRequest() {
    boolean r = syncRequested && !journal.isEmpty();
    syncRequested = false;
    return r;
  }

  boolean hasUnsyncedWrites() {
    return !journal.isEmpty();
  }

  /** Makes every write so far durable. */
  void completeSync() {
    for (Object[] op : journal) {
      Integer kind = (Integer) op[0];
      if (kind.equals(PUT)) durable.put((String) op[1], op[2]);
      else if (kind.equals(DELETE)) durable.delete((String) op[1]);
      else if (kind.equals(APPEND)) durable.logAppend(op[1]);
      else if (kind.equals(TRUNCATE)) durable.logTruncateFrom((Long) op[1]);
      else if (kind.equals(COMPACT)) durable.logCompactThrough((Long) op[1]);
      else throw new IllegalStateException("unknown journal op " + kind);
    }
    journal.clear();
    syncsCompleted++;
  }

  /** Loses every write since the last completed sync. */
  void crash() {
    writesLost += journal.size();
    journal.clear();
    syncRequested = false;
    visible = durable.copy();
  }

  public long syncsCompleted() {
    return syncsCompleted;
  }

  public long writesLost() {
    return writesLost;
  }
}
