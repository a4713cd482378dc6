package dev.txlab.node.time;

/**
 * How TrueTime's uncertainty ε evolves. Spanner's time daemons resynchronise every 30 s; between
 * syncs ε grows with the worst-case drift the daemon assumes (200 ppm), giving a sawtooth from
 * about 1 ms to 7 ms (Spanner paper, §3).
 */
public sealed interface EpsilonModel {
  /** ε in nanoseconds at true time {@code trueNanos}. */
  long epsilonNanos(long trueNanos);

  /** A fixed ε. */
  record Constant(long epsilonNanos) implements EpsilonModel {
    public Constant {
      if (epsilonNanos < 0) throw new IllegalArgumentException("epsilon < 0: " + epsilonNanos);
    }

    @Override
    public long epsilonNanos(long trueNanos) {
      return epsilonNanos;
    }
  }

  /** ε rises linearly from {@code minNanos} to {@code maxNanos} over each period, then resets. */
  record Sawtooth(long minNanos, long maxNanos, long periodNanos) implements EpsilonModel {
    public Sawtooth {
      if (minNanos < 0 || maxNanos < minNanos || periodNanos <= 0) {
        throw new IllegalArgumentException(
            "sawtooth needs 0 <= min <= max and period > 0: "
                + minNanos
                + ", "
                + maxNanos
                + ", "
                + periodNanos);
      }
    }

    /** Spanner's figures: 1 ms to 7 ms over 30 s. */
    public static Sawtooth spanner() {
      return new Sawtooth(1_000_000L, 7_000_000L, 30_000_000_000L);
    }

    @Override
    public long epsilonNanos(long trueNanos) {
      long phase = Math.floorMod(trueNanos, periodNanos);
      // (max - min) * phase / period without overflow for periods up to hours.
      return minNanos + (long) ((double) (maxNanos - minNanos) * phase / periodNanos);
    }

    /** The drift rate (ppm) the sawtooth tolerates between resyncs. */
    public long driftPpmBound() {
      return (maxNanos - minNanos) * 1_000_000L / periodNanos;
    }
  }
}
