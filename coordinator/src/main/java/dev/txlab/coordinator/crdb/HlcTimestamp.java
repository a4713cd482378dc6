package dev.txlab.coordinator.crdb;

/**
 * A hybrid logical clock reading (Kulkarni et al., "Logical Physical Clocks", 2014): a wall time in
 * nanoseconds — the largest physical time its node has seen, its own or another's — and a logical
 * counter that orders events within one wall time. Ordered by wall time, then counter.
 */
public record HlcTimestamp(long wallNanos, int logical) implements Comparable<HlcTimestamp> {
  public static final HlcTimestamp ZERO = new HlcTimestamp(0, 0);

  public HlcTimestamp {
    if (wallNanos < 0 || logical < 0)
      throw new IllegalArgumentException("negative timestamp " + wallNanos + "," + logical);
  }

  /** The smallest timestamp after this one. */
  public HlcTimestamp next() {
    return new HlcTimestamp(wallNanos, logical + 1);
  }

  /** This timestamp moved {@code nanos} later in wall time (an uncertainty limit). */
  public HlcTimestamp plusWall(long nanos) {
    return new HlcTimestamp(wallNanos + nanos, logical);
  }

  public static HlcTimestamp max(HlcTimestamp a, HlcTimestamp b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public int compareTo(HlcTimestamp o) {
    int c = Long.compare(wallNanos, o.wallNanos);
    return c != 0 ? c : Integer.compare(logical, o.logical);
  }

  /** Milliseconds with microsecond precision, then the counter: {@code 1000.250ms+2}. */
  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "%d.%03dms+%d",
        wallNanos / 1_000_000,
        wallNanos / 1_000 % 1_000,
        logical);
  }
}
