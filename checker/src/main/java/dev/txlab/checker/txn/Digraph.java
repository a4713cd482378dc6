package dev.txlab.checker.txn;

import java.util.Arrays;

/**
 * A directed graph over dense int vertices in compressed sparse row form: the out-edges of {@code
 * v} are {@code dst[off[v] .. off[v+1])}, each labelled with a byte of {@link Rel} bits. No boxing
 * anywhere, because a 100k-transaction history has millions of edges.
 *
 * <p>Invariants: no self-loops; at most one edge per ordered pair (parallel relationships are OR-ed
 * into its label); each vertex's targets are sorted ascending, so iteration order is deterministic.
 */
final class Digraph {
  final int n;
  final int[] off;
  final int[] dst;
  final byte[] rel;

  private Digraph(int n, int[] off, int[] dst, byte[] rel) {
    this.n = n;
    this.off = off;
    this.dst = dst;
    this.rel = rel;
  }

  int edgeCount() {
    return off[n];
  }

  /** The label of edge a → b, or 0 if there is none (binary search on a's sorted targets). */
  int label(int a, int b) {
    int i = Arrays.binarySearch(dst, off[a], off[a + 1], b);
    return i >= 0 ? rel[i] : 0;
  }

  /** Union of all labels, to tell which relationships are present at all. */
  int allLabels() {
    int all = 0;
    for (int i = 0; i < off[n]; i++) {
      all |= rel[i];
    }
    return all;
  }

  /**
   * The subgraph induced by {@code vertices} (global ids, ascending), renumbered 0..k-1 in that
   * order, keeping only edges whose label intersects {@code mask}; labels are masked too.
   */
  Digraph induced(int[] vertices, int mask) {
    int[] local = new int[n];
    Arrays.fill(local, -1);
    return induced(vertices, mask, local);
  }

  /**
   * As {@link #induced(int[], int)}, with a caller-owned scratch array of n entries that must hold
   * -1 everywhere; it is restored before returning, so many small components can be cut out of a
   * large graph without allocating n ints each time.
   */
  Digraph induced(int[] vertices, int mask, int[] local) {
    for (int i = 0; i < vertices.length; i++) {
      local[vertices[i]] = i;
    }
    Builder b = new Builder(vertices.length);
    for (int i = 0; i < vertices.length; i++) {
      int v = vertices[i];
      for (int e = off[v]; e < off[v + 1]; e++) {
        int w = local[dst[e]];
        int r = rel[e] & mask;
        if (w >= 0 && r != 0) {
          b.add(i, w, r);
        }
      }
    }
    for (int v : vertices) {
      local[v] = -1;
    }
    return b.build();
  }

  /** The same edges with other labels (one byte per edge, in edge order). */
  Digraph relabelled(byte[] labels) {
    if (labels.length != dst.length) {
      throw new IllegalArgumentException("one label per edge expected");
    }
    return new Digraph(n, off, dst, labels);
  }

  /** Accumulates edges in flat arrays, then sorts them into rows by counting. */
  static final class Builder {
    private final int n;
    private int[] from = new int[1024];
    private int[] to = new int[1024];
    private byte[] bits = new byte[1024];
    private int size;

    Builder(int n) {
      this.n = n;
    }

    /** Adds a → b with relationships {@code r}; self-loops are dropped (Elle never has them). */
    void add(int a, int b, int r) {
      if (a == b) {
        return;
      }
      if (size == from.length) {
        int cap = size * 2;
        from = Arrays.copyOf(from, cap);
        to = Arrays.copyOf(to, cap);
        bits = Arrays.copyOf(bits, cap);
      }
      from[size] = a;
      to[size] = b;
      bits[size] = (byte) r;
      size++;
    }

    int size() {
      return size;
    }

    /** Adds every edge another builder (over the same vertices) holds. */
    void addAll(Builder other) {
      for (int i = 0; i < other.size; i++) {
        add(other.from[i], other.to[i], other.bits[i]);
      }
    }

    Digraph build() {
      int[] count = new int[n + 1];
      for (int i = 0; i < size; i++) {
        count[from[i] + 1]++;
      }
      for (int v = 0; v < n; v++) {
        count[v + 1] += count[v];
      }
      int[] cursor = Arrays.copyOf(count, n);
      long[] packed = new long[size];
      for (int i = 0; i < size; i++) {
        // Target in the high bits and label in the low ones, so sorting a row orders targets.
        packed[cursor[from[i]]++] = ((long) to[i] << 8) | (bits[i] & 0xff);
      }
      from = null;
      to = null;
      bits = null;
      int[] off = new int[n + 1];
      int[] dst = new int[size];
      byte[] rel = new byte[size];
      int w = 0;
      for (int v = 0; v < n; v++) {
        off[v] = w;
        int lo = count[v];
        int hi = count[v + 1];
        if (hi - lo > 1) {
          Arrays.sort(packed, lo, hi);
        }
        for (int i = lo; i < hi; i++) {
          int t = (int) (packed[i] >>> 8);
          byte r = (byte) (packed[i] & 0xff);
          if (w > off[v] && dst[w - 1] == t) {
            rel[w - 1] |= r;
          } else {
            dst[w] = t;
            rel[w] = r;
            w++;
          }
        }
      }
      off[n] = w;
      return new Digraph(n, off, Arrays.copyOf(dst, w), Arrays.copyOf(rel, w));
    }
  }
}
