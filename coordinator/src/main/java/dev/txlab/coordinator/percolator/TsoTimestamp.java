package dev.txlab.coordinator.percolator;

/**
 * A timestamp as PD's oracle hands it out: a physical part in milliseconds shifted left by {@link
 * #LOGICAL_BITS}, and a logical counter below it ({@code physical << 18 | logical}). Timestamps are
 * plain {@code long}s everywhere; this class only composes and prints them.
 */
public final class TsoTimestamp {
  private TsoTimestamp() {}

  public static final int LOGICAL_BITS = 18;

  /** The largest logical part: a physical millisecond holds this many timestamps. */
  public static final long LOGICAL_MAX = (1L << LOGICAL_BITS) - 1;

  public static long compose(long physicalMs, long logical) {
    if (physicalMs < 0 || logical < 0 || logical > LOGICAL_MAX)
      throw new IllegalArgumentException("bad timestamp parts " + physicalMs + "." + logical);
    return (physicalMs << LOGICAL_BITS) | logical;
  }

  public static long physicalMs(long ts) {
    return ts >>> LOGICAL_BITS;
  }

  public static long logical(long ts) {
    return ts & LOGICAL_MAX;
  }

  /** {@code physical.logical}, as the golden scripts and logs print a timestamp. */
  public static String text(long ts) {
    return physicalMs(ts) + "." + logical(ts);
  }
}
