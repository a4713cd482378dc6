package dev.txlab.node.kv;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A multi-version key-value map: each key holds versions ordered by a version timestamp (a Raft
 * index for plain writes; a commit timestamp for the transactions built on top). A read at
 * timestamp {@code ts} sees the newest version with timestamp ≤ ts. Deterministic (sorted maps
 * only). Old versions beyond {@code versionsRetainedPerKey} are garbage-collected; a read older
 * than the oldest retained version is refused rather than answered wrongly.
 */
public final class MvccStore {
  /** A read fell below the retained versions of a key. */
  public static final class VersionGarbageCollected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VersionGarbageCollected(String key, long ts, long oldest) {
      super(
          "key " + key + ": read at " + ts + " but versions before " + oldest + " were collected");
    }
  }

  private final int versionsRetainedPerKey;
  private final TreeMap<String, TreeMap<Long, String>> data = new TreeMap<>();
  private final TreeMap<String, Long> collectedBelow = new TreeMap<>();

  public MvccStore(int versionsRetainedPerKey) {
    if (versionsRetainedPerKey < 1)
      throw new IllegalArgumentException("retain at least one version");
    this.versionsRetainedPerKey = versionsRetainedPerKey;
  }

  /**
   * Writes {@code value} (null: delete) at {@code versionTs}, which must exceed the key's newest.
   */
  public void put(String key, long versionTs, String value) {
    TreeMap<Long, String> versions = data.computeIfAbsent(key, k -> new TreeMap<>());
    if (!versions.isEmpty() && versions.lastKey() >= versionTs) {
      throw new IllegalStateException(
          "key " + key + ": version " + versionTs + " not after newest " + versions.lastKey());
    }
    versions.put(versionTs, value);
    while (versions.size() > versionsRetainedPerKey) {
      versions.pollFirstEntry();
      // A read below the oldest retained version would need what was just collected.
      collectedBelow.put(key, versions.firstKey());
    }
  }

  /** The newest value, or null. */
  public String latest(String key) {
    TreeMap<Long, String> versions = data.get(key);
    return versions == null || versions.isEmpty() ? null : versions.lastEntry().getValue();
  }

  /** The newest version timestamp of {@code key}, or 0. */
  public long latestVersion(String key) {
    TreeMap<Long, String> versions = data.get(key);
    return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
  }

  /** The value as of {@code versionTs}. */
  public String readAt(String key, long versionTs) {
    Long gc = collectedBelow.get(key);
    TreeMap<Long, String> versions = data.get(key);
    if (gc != null && versionTs < gc) {
      throw new VersionGarbageCollected(key, versionTs, versions.firstKey());
    }
    if (versions == null) return null;
    Map.Entry<Long, String> e = versions.floorEntry(versionTs);
    return e == null ? null : e.getValue();
  }

  /** Every retained version of {@code key}, oldest first (read-only). */
  public NavigableMap<Long, String> versions(String key) {
    TreeMap<Long, String> v = data.get(key);
    return v == null ? Collections.emptyNavigableMap() : Collections.unmodifiableNavigableMap(v);
  }

  /** An immutable copy of the whole store, for snapshots. */
  public Image image() {
    TreeMap<String, TreeMap<Long, String>> copy = new TreeMap<>();
    for (Map.Entry<String, TreeMap<Long, String>> e : data.entrySet())
      copy.put(e.getKey(), new TreeMap<>(e.getValue()));
    return new Image(
        Collections.unmodifiableNavigableMap(copy),
        Collections.unmodifiableNavigableMap(new TreeMap<>(collectedBelow)));
  }

  /** Replaces the contents with an image. */
  public void restore(Image image) {
    data.clear();
    collectedBelow.clear();
    for (Map.Entry<String, TreeMap<Long, String>> e : image.data().entrySet())
      data.put(e.getKey(), new TreeMap<>(e.getValue()));
    collectedBelow.putAll(image.collectedBelow());
  }

  /** An immutable copy of the store; its maps must not be modified. */
  public record Image(
      NavigableMap<String, TreeMap<Long, String>> data,
      NavigableMap<String, Long> collectedBelow) {}
}
