package dev.txlab.node.api;

/**
 * Spanner's {@code TT.now()}: an interval {@code [earliest, latest]} (nanoseconds) that is
 * guaranteed, as long as the clock-uncertainty bound holds, to contain true time. Both ends are
 * inclusive.
 */
public record TrueTimeInterval(long earliest, long latest) {
  public TrueTimeInterval {
    if (earliest > latest) {
      throw new IllegalArgumentException("earliest " + earliest + " > latest " + latest);
    }
  }

  /** The interval {@code [t - epsilon, t + epsilon]}. */
  public static TrueTimeInterval around(long t, long epsilonNanos) {
    if (epsilonNanos < 0) throw new IllegalArgumentException("epsilon < 0: " + epsilonNanos);
    return new TrueTimeInterval(t - epsilonNanos, t + epsilonNanos);
  }

  public boolean contains(long t) {
    return earliest <= t && t <= latest;
  }

  /** Half the width: the uncertainty ε. */
  public long epsilonNanos() {
    return (latest - earliest) / 2;
  }

  /** {@code TT.after(t)}: t has definitely passed. */
  public boolean after(long t) {
    return t < earliest;
  }

  /** {@code TT.before(t)}: t has definitely not arrived. */
  public boolean before(long t) {
    return t > latest;
  }

  /** Every instant of this interval precedes every instant of {@code other}. */
  public boolean definitelyBefore(TrueTimeInterval other) {
    return latest < other.earliest;
  }

  public boolean overlaps(TrueTimeInterval other) {
    return earliest <= other.latest && other.earliest <= latest;
  }
}
