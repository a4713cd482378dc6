package dev.txlab.checker.linear;

import java.util.Arrays;

/**
 * The search's memo: the set of configurations (linearized operations as a bit set, model state)
 * already explored. Open addressing keyed by a 64-bit hash the search maintains incrementally
 * (Zobrist hashing of the bit set, mixed with the state), so a lookup that hits — the common case
 * on a search that backtracks a lot — allocates nothing; only new configurations copy their bits.
 */
final class ConfigSet {
  private long[] hashes;
  private int[] states;
  private long[][] bits;
  private int size;

  /** A set sized for about {@code expected} configurations before it first grows. */
  ConfigSet(int expected) {
    int cap = Integer.highestOneBit(Math.max(64, Math.min(1 << 20, expected * 2)) - 1) << 1;
    hashes = new long[cap];
    states = new int[cap];
    bits = new long[cap][];
  }

  int size() {
    return size;
  }

  /**
   * Adds (bits, state) under {@code hash}; false if it was already there. Copies bits on insert.
   */
  boolean add(long hash, int state, long[] b) {
    long h = hash == 0 ? 1 : hash;
    int mask = hashes.length - 1;
    int i = (int) (h ^ (h >>> 29)) & mask;
    while (hashes[i] != 0) {
      if (hashes[i] == h && states[i] == state && Arrays.equals(bits[i], b)) {
        return false;
      }
      i = (i + 1) & mask;
    }
    hashes[i] = h;
    states[i] = state;
    bits[i] = b.clone();
    if (++size * 2 > hashes.length) {
      grow();
    }
    return true;
  }

  private void grow() {
    long[] oldHashes = hashes;
    int[] oldStates = states;
    long[][] oldBits = bits;
    int cap = oldHashes.length * 2;
    hashes = new long[cap];
    states = new int[cap];
    bits = new long[cap][];
    int mask = cap - 1;
    for (int j = 0; j < oldHashes.length; j++) {
      long h = oldHashes[j];
      if (h == 0) {
        continue;
      }
      int i = (int) (h ^ (h >>> 29)) & mask;
      while (hashes[i] != 0) {
        i = (i + 1) & mask;
      }
      hashes[i] = h;
      states[i] = oldStates[j];
      bits[i] = oldBits[j];
    }
  }
}
