package dev.txlab.node.kv;

/**
 * How a shard serves reads — a guarantee knob ({@code reads: readindex|lease|local|follower}). Only
 * the first two are linearizable, and {@code lease} only while clocks respect the drift bound.
 */
public enum ReadMode {
  /** The leader confirms with a majority heartbeat round, then reads at its commit index. */
  READINDEX,
  /**
   * The leader reads at once while its lease holds (clock-dependent), else falls back to ReadIndex.
   */
  LEASE,
  /** Whoever believes it is leader reads its own state: stale after a partition deposes it. */
  LOCAL,
  /** Any replica reads its own state: stale whenever it lags. */
  FOLLOWER;

  public String knobName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Parses {@code readindex|lease|local|follower}. */
  public static ReadMode parse(String text) {
    for (ReadMode m : values()) if (m.knobName().equals(text)) return m;
    throw new IllegalArgumentException(
        "reads must be one of readindex|lease|local|follower, not '" + text + "'");
  }
}
