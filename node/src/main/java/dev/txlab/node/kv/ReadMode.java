package dev.txlab.node.kv;

/**
 * How a shard serves reads — a guarantee knob ({@code reads:
 * readindex|lease|local|follower|readindex-any}). {@code readindex}, {@code readindex-any} and
 * {@code lease} are linearizable, {@code lease} only while clocks respect the drift bound.
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
  FOLLOWER,
  /**
   * Any replica serves linearizable reads through the leader's ReadIndex (thesis §6.4): a follower
   * asks the leader for its confirmed commit index and answers once it has applied up to it.
   * Clients send reads to any replica.
   */
  READINDEX_ANY,
  /**
   * Not a knob value ({@link #parse} refuses it): a mutant for the tests — {@code readindex-any}
   * whose followers answer as soon as the leader's read index arrives, without applying up to it.
   */
  MUTANT_READINDEX_ANY_UNAPPLIED;

  /** The knob values, in the order they are listed. */
  private static final String CHOICES = "readindex|lease|local|follower|readindex-any";

  public String knobName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** Whether clients send reads to any replica rather than to the leader. */
  public boolean servedByAnyReplica() {
    return this == FOLLOWER || this == READINDEX_ANY || this == MUTANT_READINDEX_ANY_UNAPPLIED;
  }

  /** Parses {@code readindex|lease|local|follower|readindex-any}. */
  public static ReadMode parse(String text) {
    for (ReadMode m : values())
      if (m != MUTANT_READINDEX_ANY_UNAPPLIED && m.knobName().equals(text)) return m;
    throw new IllegalArgumentException("reads must be one of " + CHOICES + ", not '" + text + "'");
  }
}
