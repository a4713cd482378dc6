package dev.txlab.checker.txn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Strongly connected components by Tarjan's algorithm, iterative (a recursive version overflows the
 * stack on the long chains of a 100k-transaction history). Only edges whose label intersects a mask
 * count, so one graph serves every projection (ww only, ww+wr, ...).
 */
final class Scc {
  private Scc() {}

  /**
   * The components with at least two vertices (the graph has no self-loops, so these are exactly
   * the ones holding a cycle), each as ascending vertex ids, ordered by their smallest vertex.
   */
  static List<int[]> nontrivial(Digraph g, int mask) {
    int n = g.n;
    int[] index = new int[n];
    int[] low = new int[n];
    Arrays.fill(index, -1);
    boolean[] onStack = new boolean[n];
    int[] stack = new int[n];
    int sp = 0;
    int[] callV = new int[n];
    int[] callE = new int[n];
    int next = 0;
    List<int[]> out = new ArrayList<>();
    for (int root = 0; root < n; root++) {
      if (index[root] >= 0) {
        continue;
      }
      int depth = 0;
      callV[0] = root;
      callE[0] = g.off[root];
      index[root] = low[root] = next++;
      stack[sp++] = root;
      onStack[root] = true;
      while (depth >= 0) {
        int v = callV[depth];
        int e = callE[depth];
        boolean descended = false;
        while (e < g.off[v + 1]) {
          int w = g.dst[e];
          int r = g.rel[e];
          e++;
          if ((r & mask) == 0) {
            continue;
          }
          if (index[w] < 0) {
            callE[depth] = e;
            index[w] = low[w] = next++;
            stack[sp++] = w;
            onStack[w] = true;
            depth++;
            callV[depth] = w;
            callE[depth] = g.off[w];
            descended = true;
            break;
          } else if (onStack[w] && index[w] < low[v]) {
            low[v] = index[w];
          }
        }
        if (descended) {
          continue;
        }
        if (low[v] == index[v]) {
          int start = sp;
          do {
            start--;
          } while (stack[start] != v);
          if (sp - start > 1) {
            int[] comp = Arrays.copyOfRange(stack, start, sp);
            Arrays.sort(comp);
            out.add(comp);
          }
          for (int i = start; i < sp; i++) {
            onStack[stack[i]] = false;
          }
          sp = start;
        }
        depth--;
        if (depth >= 0) {
          int u = callV[depth];
          if (low[v] < low[u]) {
            low[u] = low[v];
          }
        }
      }
    }
    out.sort((a, b) -> Integer.compare(a[0], b[0]));
    return out;
  }

  /** Component number of every vertex under {@code mask}; vertices on no cycle get -1. */
  static int[] componentOf(Digraph g, int mask) {
    int[] comp = new int[g.n];
    Arrays.fill(comp, -1);
    List<int[]> sccs = nontrivial(g, mask);
    for (int c = 0; c < sccs.size(); c++) {
      for (int v : sccs.get(c)) {
        comp[v] = c;
      }
    }
    return comp;
  }
}
