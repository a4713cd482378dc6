package dev.txlab.node.sim;

import dev.txlab.node.api.RandomSource;

/** A one-way message latency distribution for a simulated link. All values in nanoseconds. */
public sealed interface Latency {
  long sampleNanos(RandomSource random);

  record Constant(long nanos) implements Latency {
    public Constant {
      if (nanos < 0) throw new IllegalArgumentException("latency < 0: " + nanos);
    }

    @Override
    public long sampleNanos(RandomSource random) {
      return nanos;
    }
  }

  record Uniform(long minNanos, long maxNanos) implements Latency {
    public Uniform {
      if (minNanos < 0 || maxNanos < minNanos) {
        throw new IllegalArgumentException(
            "uniform latency needs 0 <= min <= max: " + minNanos + ", " + maxNanos);
      }
    }

    @Override
    public long sampleNanos(RandomSource random) {
      return random.between(minNanos, maxNanos);
    }
  }

  /** {@code minNanos} plus an exponential tail with the given mean, capped at 100 × the mean. */
  record Exponential(long minNanos, long meanNanos) implements Latency {
    public Exponential {
      if (minNanos < 0 || meanNanos <= 0) {
        throw new IllegalArgumentException("exponential latency needs min >= 0, mean > 0");
      }
    }

    @Override
    public long sampleNanos(RandomSource random) {
      return minNanos + Math.min(100 * meanNanos, (long) random.exponential(meanNanos));
    }
  }

  /** {@code baseNanos ± jitterNanos}, uniform, never below zero. */
  record Jitter(long baseNanos, long jitterNanos) implements Latency {
    public Jitter {
      if (baseNanos < 0 || jitterNanos < 0)
        throw new IllegalArgumentException("jitter needs base, jitter >= 0");
    }

    @Override
    public long sampleNanos(RandomSource random) {
      return Math.max(0, baseNanos + random.between(-jitterNanos, jitterNanos));
    }
  }
}
