package dev.txlab.node.time;

/**
 * A node's local clock as a function of true time:
 *
 * <pre>local(t) = t + offset + drift_ppm · (t − anchor(t)) / 10⁶</pre>
 *
 * where {@code anchor(t)} is the last resynchronisation instant (multiples of the resync period)
 * or, without periodic resync, the instant the drift was last set. Periodic resync gives the
 * sawtooth error Spanner's time masters bound with ε. Steps change the offset at once.
 *
 * <p>Mutable, used by one thread (the simulator's or the live host's clock source).
 */
public final class DriftingClock {
  private long offsetNanos;
  private long driftPpm;
  private long driftSinceNanos;
  private final long resyncPeriodNanos;

  /**
   * @param resyncPeriodNanos the drift error resets at every multiple of this period (0: never)
   */
  public DriftingClock(long offsetNanos, long driftPpm, long resyncPeriodNanos) {
    if (resyncPeriodNanos < 0) throw new IllegalArgumentException("resync period < 0");
    this.offsetNanos = offsetNanos;
    this.driftPpm = driftPpm;
    this.resyncPeriodNanos = resyncPeriodNanos;
  }

  public long read(long trueNanos) {
    return trueNanos + errorNanos(trueNanos);
  }

  /** {@code local(t) − t}. */
  public long errorNanos(long trueNanos) {
    long anchor =
        resyncPeriodNanos > 0
            ? trueNanos - Math.floorMod(trueNanos, resyncPeriodNanos)
            : driftSinceNanos;
    long elapsed = trueNanos - anchor;
    return offsetNanos + Math.multiplyExact(elapsed, driftPpm) / 1_000_000L;
  }

  /** Sets the offset (clears the accumulated drift when there is no periodic resync). */
  public void setOffset(long trueNanos, long offsetNanos) {
    this.offsetNanos = offsetNanos;
    this.driftSinceNanos = trueNanos;
  }

  /** Jumps the clock by {@code deltaNanos} (positive: forward). */
  public void step(long deltaNanos) {
    offsetNanos += deltaNanos;
  }

  /** Changes the drift rate from {@code trueNanos} on, without a jump when resync is off. */
  public void setDriftPpm(long trueNanos, long driftPpm) {
    if (resyncPeriodNanos == 0) {
      offsetNanos = errorNanos(trueNanos);
      driftSinceNanos = trueNanos;
    }
    this.driftPpm = driftPpm;
  }

  public long offsetNanos() {
    return offsetNanos;
  }

  public long driftPpm() {
    return driftPpm;
  }
}
