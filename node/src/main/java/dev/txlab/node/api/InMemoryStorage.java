package dev.txlab.node.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.TreeMap;

/**
 * The reference {@link Storage}: everything in memory, every write immediately "durable" ({@link
 * #sync()} only counts calls). Hosts that model crashes (the simulator's disk) build on it.
 */
public final class InMemoryStorage implements Storage {
  private final TreeMap<String, Object> values = new TreeMap<>();
  // Entries [first, first + entries.size() - 1]. A list with an offset keeps compaction cheap
  // enough for the simulator; compaction copies the suffix, which is bounded by the snapshot
  // threshold.
  private ArrayList<Object> entries = new ArrayList<>();
  private long first = 1;
  private long syncs;

  public InMemoryStorage() {}

  /** A deep copy of the structure (the values themselves are immutable). */
  public InMemoryStorage copy() {
    InMemoryStorage c = new InMemoryStorage();
    c.values.putAll(values);
    c.entries = new ArrayList<>(entries);
    c.first = first;
    return c;
  }

  @Override
  public <T> T get(String key, Class<T> type) {
    return type.cast(values.get(key));
  }

  @Override
  public void put(String key, Object value) {
    if (key == null || value == null) throw new IllegalArgumentException("null key or value");
    values.put(key, value);
  }

  @Override
  public void delete(String key) {
    values.remove(key);
  }

  @Override
  public long logFirstIndex() {
    return first;
  }

  @Override
  public long logLastIndex() {
    return first + entries.size() - 1;
  }

  @Override
  public <T> T logGet(long index, Class<T> type) {
    if (index < first || index > logLastIndex()) {
      throw new IllegalArgumentException(
          "log index " + index + " outside [" + first + ", " + logLastIndex() + "]");
    }
    return type.cast(entries.get((int) (index - first)));
  }

  @Override
  public void logAppend(Object entry) {
    if (entry == null) throw new IllegalArgumentException("null log entry");
    entries.add(entry);
  }

  @Override
  public void logTruncateFrom(long index) {
    if (index < first) {
      throw new IllegalArgumentException(
          "cannot truncate below the first index " + first + ": " + index);
    }
    if (index > logLastIndex()) return;
    entries.subList((int) (index - first), entries.size()).clear();
  }

  @Override
  public void logCompactThrough(long index) {
    if (index < first) return;
    if (index >= logLastIndex()) {
      entries = new ArrayList<>();
      first = index + 1;
      return;
    }
    entries = new ArrayList<>(entries.subList((int) (index - first + 1), entries.size()));
    first = index + 1;
  }

  @Override
  public void sync() {
    syncs++;
  }

  public long syncCount() {
    return syncs;
  }

  /** The keys, in order (for tests and debugging). */
  public java.util.List<String> keys() {
    return Collections.unmodifiableList(new ArrayList<>(values.keySet()));
  }
}
