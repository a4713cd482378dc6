package dev.txlab.node.live;

import dev.txlab.node.api.TrueTimeInterval;
import java.time.Instant;

/**
 * A node's clock in the live host: the system clock (nanoseconds since the epoch, as precise as the
 * JVM reads it) moved by three injectable clock faults, which add up:
 *
 * <ul>
 *   <li>a skew ({@code clock-skew n3 +40ms}): a fixed offset;
 *   <li>a drift ({@code clock-drift n2 200ppm}): the clock runs fast (or slow) by this rate from
 *       the moment it is set; the distance it has drifted is kept when the rate changes, so the
 *       clock never jumps because of a drift change;
 *   <li>a TrueTime violation ({@code truetime-violation n4 15ms}): the clock is moved ahead of true
 *       time by ε plus the amount (behind, if negative) while TrueTime keeps claiming ε.
 * </ul>
 *
 * TrueTime is the local reading widened by the configured uncertainty ε; with faults larger than ε
 * the interval no longer contains true time, which is exactly the lie a clock scenario is about.
 * Thread-safe: faults may be changed from an admin thread at any time.
 */
public final class LiveClock {
  /** One immutable set of clock faults, swapped atomically. */
  private record State(
      long skewNanos,
      long driftPpm,
      long driftOriginNanos,
      long driftedBeforeNanos,
      long violationNanos) {
    long offsetAt(long systemNanos, long epsilonNanos) {
      long drifted =
          driftedBeforeNanos
              + (driftPpm == 0 ? 0 : (systemNanos - driftOriginNanos) / 1_000_000L * driftPpm);
      long violation =
          violationNanos == 0 ? 0 : violationNanos + Long.signum(violationNanos) * epsilonNanos;
      return skewNanos + drifted + violation;
    }
  }

  private volatile State state = new State(0, 0, 0, 0, 0);
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
    long now = systemNanos();
    return now + state.offsetAt(now, epsilonNanos);
  }

  public TrueTimeInterval trueTime() {
    return TrueTimeInterval.around(localNanos(), epsilonNanos);
  }

  /** How far this clock is from true time now (all faults together). */
  public long offsetNanos() {
    return state.offsetAt(systemNanos(), epsilonNanos);
  }

  /** The injected skew alone. */
  public long skewNanos() {
    return state.skewNanos();
  }

  public long driftPpm() {
    return state.driftPpm();
  }

  /** How far beyond ε a TrueTime violation puts the clock (signed), or 0. */
  public long violationNanos() {
    return state.violationNanos();
  }

  /** Sets the skew (replacing any earlier skew). Kept under this name for the existing callers. */
  public synchronized void setOffsetNanos(long nanos) {
    State s = state;
    state =
        new State(
            nanos, s.driftPpm(), s.driftOriginNanos(), s.driftedBeforeNanos(), s.violationNanos());
  }

  /** Sets the drift rate from now on; what the clock drifted so far stays. */
  public synchronized void setDriftPpm(long ppm) {
    if (Math.abs(ppm) > 1_000_000)
      throw new IllegalArgumentException("drift beyond ±1000000ppm: " + ppm);
    State s = state;
    long now = systemNanos();
    long drifted =
        s.driftedBeforeNanos()
            + (s.driftPpm() == 0 ? 0 : (now - s.driftOriginNanos()) / 1_000_000L * s.driftPpm());
    state = new State(s.skewNanos(), ppm, now, drifted, s.violationNanos());
  }

  /**
   * Moves the clock ε plus {@code beyondEpsilonNanos} away from true time (0 ends the violation).
   */
  public synchronized void setViolationNanos(long beyondEpsilonNanos) {
    State s = state;
    state =
        new State(
            s.skewNanos(),
            s.driftPpm(),
            s.driftOriginNanos(),
            s.driftedBeforeNanos(),
            beyondEpsilonNanos);
  }

  /** Ends skew, drift (and what it drifted) and violations: the clock reads true time again. */
  public synchronized void reset() {
    state = new State(0, 0, 0, 0, 0);
  }

  public long epsilonNanos() {
    return epsilonNanos;
  }

  public void setEpsilonNanos(long nanos) {
    if (nanos < 0) throw new IllegalArgumentException("epsilon < 0: " + nanos);
    epsilonNanos = nanos;
  }
}
