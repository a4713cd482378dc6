package dev.txlab.node.live;

import dev.txlab.node.api.TrueTimeInterval;
import java.time.Instant;

/**
 * A node's clock in the live host: the system clock (nanoseconds since the epoch, as precise as
 * the JVM reads it) plus an injected offset — the clock-skew fault. TrueTime is the local reading
 * widened by the configured uncertainty ε; with an injected offset larger than ε the interval no
 * longer contains true time, which is exactly the lie a clock-skew scenario is about.
 * Thread-safe: the offset may be changed from an admin thread at any time.
 */
public final class LiveClock {
  private volatile long offsetNanos;
  private volatile long epsilonNanos;

  public LiveClock(long epsilonNanos) {
    setEpsilonNanos(epsilonNanos);
  }

  /** The system clock, which the live host takes as true time. */
  public static long systemNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  public long localNanos() {
    return systemNanos() + offsetNanos;
  }

  public TrueTimeInterval trueTime() {
    return TrueTimeInterval.around(localNanos(), epsilonNanos);
  }

  public long offsetNanos() {
    return offsetNanos;
  }

  public void setOffsetNanos(long nanos) {
    offsetNanos = nanos;
  }

  public long epsilonNanos() {
    return epsilonNanos;
  }

  public void setEpsilonNanos(long nanos) {
    if (nanos < 0) throw new IllegalArgumentException("epsilon < 0: " + nanos);
    epsilonNanos = nanos;
  }
}
