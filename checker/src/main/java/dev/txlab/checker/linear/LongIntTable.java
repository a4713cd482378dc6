package dev.txlab.checker.linear;

/** A map from long to int with open addressing and no boxing: the search's transition cache. */
final class LongIntTable {
  static final int ABSENT = Integer.MIN_VALUE;
  private static final long EMPTY = Long.MIN_VALUE;

  private long[] keys;
  private int[] values;
  private int size;

  /** A table sized for about {@code expected} entries before it first grows. */
  LongIntTable(int expected) {
    int cap = Integer.highestOneBit(Math.max(64, Math.min(1 << 20, expected * 2)) - 1) << 1;
    keys = filled(cap);
    values = new int[cap];
  }

  private static long[] filled(int n) {
    long[] k = new long[n];
    java.util.Arrays.fill(k, EMPTY);
    return k;
  }

  int get(long key) {
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != EMPTY) {
      if (keys[i] == key) {
        return values[i];
      }
      i = (i + 1) & mask;
    }
    return ABSENT;
  }

  void put(long key, int value) {
    if (key == EMPTY) {
      throw new IllegalArgumentException("reserved key");
    }
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != EMPTY) {
      if (keys[i] == key) {
        values[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    if (++size * 2 > keys.length) {
      long[] oldKeys = keys;
      int[] oldValues = values;
      keys = filled(oldKeys.length * 2);
      values = new int[oldKeys.length * 2];
      size = 0;
      for (int j = 0; j < oldKeys.length; j++) {
        if (oldKeys[j] != EMPTY) {
          put(oldKeys[j], oldValues[j]);
        }
      }
    }
  }

  private static int mix(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
