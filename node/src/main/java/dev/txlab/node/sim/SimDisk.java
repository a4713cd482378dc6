package dev.txlab.node.sim;

import dev.txlab.node.api.InMemoryStorage;
import dev.txlab.node.api.Storage;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated disk for one component: it distinguishes what was written from what was synced. Reads
 * see every write; {@link #crash()} rolls the visible state back to the last completed sync.
 *
 * <p>Writes are journaled since the last sync; completing a sync replays the journal onto the
 * durable copy. A crash replaces the visible copy with a copy of the durable one.
 */
public final class SimDisk implements Storage {
  private InMemoryStorage visible = new InMemoryStorage();
  private final InMemoryStorage durable = new InMemoryStorage();
  private final List<Op> journal = new ArrayList<>();
  private boolean syncRequested;
  private long syncsCompleted;
  private long writesLost;

  private enum Kind {
    PUT,
    DELETE,
    APPEND,
    TRUNCATE,
    COMPACT
  }

  /** One journaled write: its kind, its key or index, its value or entry. */
  private record Op(Kind kind, Object arg, Object value) {}

  @Override
  public <T> T get(String key, Class<T> type) {
    return visible.get(key, type);
  }

  @Override
  public void put(String key, Object value) {
    visible.put(key, value);
    journal.add(new Op(Kind.PUT, key, value));
  }

  @Override
  public void delete(String key) {
    visible.delete(key);
    journal.add(new Op(Kind.DELETE, key, null));
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
    journal.add(new Op(Kind.APPEND, entry, null));
  }

  @Override
  public void logTruncateFrom(long index) {
    visible.logTruncateFrom(index);
    journal.add(new Op(Kind.TRUNCATE, index, null));
  }

  @Override
  public void logCompactThrough(long index) {
    visible.logCompactThrough(index);
    journal.add(new Op(Kind.COMPACT, index, null));
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
    for (Op op : journal) {
      switch (op.kind()) {
        case PUT -> durable.put((String) op.arg(), op.value());
        case DELETE -> durable.delete((String) op.arg());
        case APPEND -> durable.logAppend(op.arg());
        case TRUNCATE -> durable.logTruncateFrom((Long) op.arg());
        case COMPACT -> durable.logCompactThrough((Long) op.arg());
        default -> throw new IllegalStateException("unknown journal op " + op.kind());
      }
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
