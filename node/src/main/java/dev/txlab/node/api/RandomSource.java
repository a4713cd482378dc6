package dev.txlab.node.api;

/**
 * A seeded, splittable source of randomness (SplitMix64). Each component takes its own source with
 * {@link #fork(String)}; a fork is derived from the seed this source was created with and the name
 * alone — not from how many values have been drawn — so adding a consumer, or drawing more values
 * in one component, never shifts the numbers another component sees.
 *
 * <p>Not thread-safe: like the process that owns it, it is used by one thread.
 */
public final class RandomSource {
  private final long forkSeed;
  private long state;

  public RandomSource(long seed) {
    this.forkSeed = mix(seed ^ 0x5DEECE66DL);
    this.state = forkSeed;
  }

  /** A new independent source named {@code name}, a pure function of (this seed, name). */
  public RandomSource fork(String name) {
    return new RandomSource(mix(forkSeed * 31 + hash64(name)));
  }

  public long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  /** Uniform in {@code [0, bound)}. */
  public int nextInt(int bound) {
    if (bound <= 0) throw new IllegalArgumentException("bound must be > 0: " + bound);
    return (int) nextLong(bound);
  }

  /** Uniform in {@code [0, bound)}. */
  public long nextLong(long bound) {
    if (bound <= 0) throw new IllegalArgumentException("bound must be > 0: " + bound);
    // Rejection sampling keeps the distribution exactly uniform.
    long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
    while (true) {
      long r = nextLong() >>> 1;
      if (r < limit) return r % bound;
    }
  }

  /** Uniform in {@code [min, max]} (both inclusive). */
  public long between(long min, long max) {
    if (min > max) throw new IllegalArgumentException("min " + min + " > max " + max);
    if (min == max) return min;
    return min + nextLong(max - min + 1);
  }

  /** Uniform in {@code [0, 1)}. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** True with probability p. */
  public boolean chance(double p) {
    return p > 0 && (p >= 1 || nextDouble() < p);
  }

  /** Exponentially distributed with the given mean. */
  public double exponential(double mean) {
    return -mean * Math.log(1.0 - nextDouble());
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** FNV-1a over the UTF-16 code units: stable across JVMs, unlike String.hashCode's contract. */
  static long hash64(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
