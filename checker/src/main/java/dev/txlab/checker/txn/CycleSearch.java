package dev.txlab.checker.txn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the dependency cycles of one history and names their anomalies (ELLE-SPEC section 5).
 *
 * <p>The graph is split into strongly connected components (a cycle never leaves one). In each
 * component, a cheap pass first asks, model by model, whether the component projected on the edges
 * that model forbids in cycles holds any cycle at all ({@code <model>-cycle-exists}); a model with
 * no such cycle rules out searching for the anomalies it forbids. Then, from most to least severe,
 * it looks for a short cycle of each remaining anomaly type, skipping types implied by one already
 * found.
 *
 * <p>Each type is a small automaton over edge labels (how many rw edges so far, whether the last
 * edge was rw, whether a wr or a process/real-time edge has been seen). A search picks an "anchor"
 * edge of the type's rarest required kind, then runs a breadth-first search over (vertex, automaton
 * state) pairs from the anchor's head back to its tail, so the first hit is the shortest such cycle
 * through that anchor; paths that revisit a vertex are rejected, since Elle reports simple cycles.
 * Work per component is bounded by a time budget; when it runs out the component reports {@code
 * cycle-search-timeout} and a fallback cycle, as Elle does.
 *
 * <p>An edge is labelled, for classification, by the first relationship its workload's explainer
 * tries (ELLE-SPEC 5.5), so a found cycle always classifies as the type searched.
 */
final class CycleSearch {
  /** Types searched, most severe first (Elle's anomaly depth order). */
  static final List<String> TYPES =
      List.of(
          "G0",
          "G1c",
          "G-single-item",
          "G-nonadjacent-item",
          "G2-item",
          "G0-process",
          "G1c-process",
          "G-single-item-process",
          "G-nonadjacent-item-process",
          "G2-item-process",
          "G0-realtime",
          "G1c-realtime",
          "G-single-item-realtime",
          "G-nonadjacent-item-realtime",
          "G2-item-realtime");

  /** Every cycle anomaly type a search could report (for lattice queries). */
  static final Set<String> CYCLE_TYPES;

  static {
    Set<String> all = new HashSet<>();
    for (String base :
        List.of(
            "G0",
            "G1c",
            "G-single-item",
            "G-single",
            "G-nonadjacent-item",
            "G-nonadjacent",
            "G2-item",
            "G2")) {
      all.add(base);
      all.add(base + "-process");
      all.add(base + "-realtime");
    }
    CYCLE_TYPES = Set.copyOf(all);
  }

  /** A model whose forbidden cycles can be detected by projecting the graph. */
  record ExistenceSpec(String model, int mask, boolean extendedByRw) {
    String type() {
      return model + "-cycle-exists";
    }

    Object subgraph() {
      Object union = Rel.names(mask).size() == 1 ? Rel.names(mask).get(0) : union(mask);
      return extendedByRw ? List.of("extension", union, "rw") : union;
    }

    private static List<Object> union(int mask) {
      List<Object> u = new ArrayList<>();
      u.add("union");
      u.addAll(Rel.names(mask));
      return u;
    }
  }

  static final List<ExistenceSpec> EXISTENCE =
      List.of(
          new ExistenceSpec("PL-1", Rel.WW, false),
          new ExistenceSpec("PL-2", Rel.WW | Rel.WR, false),
          new ExistenceSpec("PL-SI", Rel.WW | Rel.WR, true),
          new ExistenceSpec("PL-3", Rel.DATA, false),
          new ExistenceSpec("strong-session-PL-1", Rel.WW | Rel.PROCESS, false),
          new ExistenceSpec("strong-session-PL-2", Rel.WW | Rel.WR | Rel.PROCESS, false),
          new ExistenceSpec(
              "strong-session-snapshot-isolation", Rel.WW | Rel.WR | Rel.PROCESS, true),
          new ExistenceSpec("strong-session-serializable", Rel.DATA | Rel.PROCESS, false),
          new ExistenceSpec("strong-PL-1", Rel.WW | Rel.REALTIME, false),
          new ExistenceSpec("strong-PL-2", Rel.WW | Rel.WR | Rel.REALTIME, false),
          new ExistenceSpec("strong-snapshot-isolation", Rel.WW | Rel.WR | Rel.REALTIME, true),
          new ExistenceSpec("PL-SS", Rel.DATA | Rel.REALTIME, false));

  private enum RwMode {
    NONE,
    SINGLE,
    NONADJACENT,
    ADJACENT
  }

  /** The shape of one anomaly type's cycles. */
  private record Shape(String type, int allowed, RwMode rw, boolean needsWr, int extra) {
    static Shape of(String type) {
      int extra =
          type.endsWith("-process") ? Rel.PROCESS : type.endsWith("-realtime") ? Rel.REALTIME : 0;
      String base = extra == 0 ? type : type.substring(0, type.lastIndexOf('-'));
      switch (base) {
        case "G0":
          return new Shape(type, Rel.WW | extra, RwMode.NONE, false, extra);
        case "G1c":
          return new Shape(type, Rel.WW | Rel.WR | extra, RwMode.NONE, true, extra);
        case "G-single-item":
          return new Shape(type, Rel.DATA | extra, RwMode.SINGLE, false, extra);
        case "G-nonadjacent-item":
          return new Shape(type, Rel.DATA | extra, RwMode.NONADJACENT, false, extra);
        case "G2-item":
          return new Shape(type, Rel.DATA | extra, RwMode.ADJACENT, false, extra);
        default:
          throw new IllegalArgumentException("no search for " + type);
      }
    }

    int anchor() {
      if (rw != RwMode.NONE) {
        return Rel.RW;
      }
      if (needsWr) {
        return Rel.WR;
      }
      return extra != 0 ? extra : Rel.WW;
    }
  }

  private static final class Timeout extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Timeout() {
      super(null, null, false, false);
    }
  }

  private final Digraph graph;

  /** Per thread, all -1 between uses; see {@link Digraph#induced(int[], int, int[])}. */
  private final ThreadLocal<int[]> scratch;

  private final Analysis analysis;
  private final long budgetNanos;

  /**
   * After the first hit, how many more anchors to try for a shorter cycle in a large component.
   * Components up to {@link #EXHAUSTIVE_SIZE} transactions try every anchor, so the cycle reported
   * there is the shortest of its type; beyond that, the bound keeps the search linear.
   */
  private static final int EXTRA_ANCHORS = 32;

  private static final int EXHAUSTIVE_SIZE = 500;

  CycleSearch(Digraph graph, Analysis analysis, long budgetNanos) {
    this.graph = graph;
    this.analysis = analysis;
    this.budgetNanos = budgetNanos;
    this.scratch =
        ThreadLocal.withInitial(
            () -> {
              int[] a = new int[graph.n];
              Arrays.fill(a, -1);
              return a;
            });
  }

  /**
   * Every case found, component by component (components in order of their first vertex).
   * Components are independent, so they are searched in parallel; results are gathered in component
   * order, so the output does not depend on scheduling (only on the time budget).
   */
  List<AnomalyCase> run() {
    List<int[]> sccs = Scc.nontrivial(graph, 0xff);
    List<List<AnomalyCase>> perComponent =
        java.util.stream.IntStream.range(0, sccs.size())
            .parallel()
            .mapToObj(i -> searchComponent(sccs.get(i)))
            .collect(java.util.stream.Collectors.toList());
    List<AnomalyCase> out = new ArrayList<>();
    perComponent.forEach(out::addAll);
    return out;
  }

  /** The effective label of each edge: the relationship its explanation will name. */
  private byte[] effectiveLabels(Digraph g) {
    int[] order = analysis.explainOrder();
    byte[] eff = new byte[g.rel.length];
    for (int e = 0; e < eff.length; e++) {
      int r = g.rel[e];
      int l = 0;
      for (int rel : order) {
        if ((r & rel) != 0) {
          l = rel;
          break;
        }
      }
      if (l == 0) {
        l = (r & Rel.REALTIME) != 0 ? Rel.REALTIME : Rel.PROCESS;
      }
      eff[e] = (byte) l;
    }
    return eff;
  }

  private List<AnomalyCase> searchComponent(int[] comp) {
    int[] local = scratch.get();
    Digraph s = graph.induced(comp, 0xff, local);
    List<AnomalyCase> existence = new ArrayList<>();
    Set<String> impossibleModels = new HashSet<>();
    int present = s.allLabels();
    // Projections that differ only by relationships absent from this component are the same
    // graph; decide each distinct one once.
    Map<Integer, int[]> decided = new HashMap<>();
    for (ExistenceSpec spec : EXISTENCE) {
      if (impossibleModels.contains(spec.model())) {
        continue;
      }
      int key = (spec.mask() & present) | (spec.extendedByRw() ? 1 << 8 : 0);
      int[] scc = decided.containsKey(key) ? decided.get(key) : smallestCycleComponent(s, spec);
      decided.put(key, scc);
      if (scc == null) {
        continue;
      }
      TreeSet<Long> indices = new TreeSet<>();
      for (int v : scc) {
        indices.add(analysis.txns.get(comp[v]).index());
      }
      existence.add(
          AnomalyCase.of(
              spec.type(),
              "not",
              ModelLattice.friendly(spec.model()),
              "subgraph",
              spec.subgraph(),
              "scc-size",
              scc.length,
              "scc",
              List.copyOf(indices)));
      impossibleModels.addAll(ModelLattice.modelsImplying(spec.model()));
    }
    Set<String> possible = new HashSet<>();
    for (ExistenceSpec spec : EXISTENCE) {
      if (!impossibleModels.contains(spec.model())) {
        possible.add(spec.model());
      }
    }
    Set<String> skip = new HashSet<>(ModelLattice.prohibitedBy(possible));

    Searcher searcher = new Searcher(s, effectiveLabels(s), comp, System.nanoTime() + budgetNanos);
    List<AnomalyCase> found = new ArrayList<>();
    List<String> searched = new ArrayList<>();
    try {
      for (String type : TYPES) {
        if (skip.contains(type)) {
          continue;
        }
        Shape shape = Shape.of(type);
        if (shape.extra != 0 && (present & shape.extra) == 0) {
          continue;
        }
        searched.add(type);
        Cycle c = searcher.find(shape);
        if (c != null) {
          found.add(AnomalyCase.of(c));
          skip.addAll(ModelLattice.impliedAnomalies(List.of(c.type())));
        }
      }
    } catch (Timeout t) {
      List<AnomalyCase> out = new ArrayList<>();
      Set<String> foundTypes = new HashSet<>();
      for (AnomalyCase c : found) {
        foundTypes.add(c.type());
      }
      List<String> notContained = new ArrayList<>();
      for (String type : searched.subList(0, searched.size() - 1)) {
        if (!foundTypes.contains(type)) {
          notContained.add(type);
        }
      }
      out.add(
          AnomalyCase.of(
              "cycle-search-timeout",
              "anomaly-spec-type",
              searched.get(searched.size() - 1),
              "does-not-contain",
              notContained,
              "scc-size",
              comp.length));
      Cycle fallback = searcher.fallback();
      if (fallback != null) {
        out.add(AnomalyCase.of(fallback));
      }
      out.addAll(existence);
      out.addAll(found);
      return out;
    }
    List<AnomalyCase> out = new ArrayList<>(existence);
    out.addAll(found);
    return out;
  }

  /**
   * The smallest cycle-holding component of the projection {@code spec} describes, or null. For
   * snapshot isolation the projection is A ∪ A;rw (a data path may take one rw step after each
   * ww/wr step); it is decided on a two-layer copy of the graph in which layer 1 means "arrived by
   * rw", and rw may only leave layer 0.
   */
  private static int[] smallestCycleComponent(Digraph s, ExistenceSpec spec) {
    List<int[]> sccs;
    if (!spec.extendedByRw()) {
      sccs = Scc.nontrivial(s, spec.mask());
    } else {
      int n = s.n;
      Digraph.Builder b = new Digraph.Builder(2 * n);
      for (int v = 0; v < n; v++) {
        for (int e = s.off[v]; e < s.off[v + 1]; e++) {
          int w = s.dst[e];
          int r = s.rel[e];
          if ((r & spec.mask()) != 0) {
            b.add(v, w, Rel.WW);
            b.add(v + n, w, Rel.WW);
          }
          if ((r & Rel.RW) != 0) {
            b.add(v, w + n, Rel.WW);
          }
        }
      }
      List<int[]> layered = Scc.nontrivial(b.build(), Rel.WW);
      sccs = new ArrayList<>();
      for (int[] c : layered) {
        TreeSet<Integer> vs = new TreeSet<>();
        for (int x : c) {
          vs.add(x % n);
        }
        int[] a = new int[vs.size()];
        int i = 0;
        for (int x : vs) {
          a[i++] = x;
        }
        sccs.add(a);
      }
    }
    int[] best = null;
    for (int[] c : sccs) {
      if (best == null || c.length < best.length) {
        best = c;
      }
    }
    return best;
  }

  /** Searches one component; holds the reusable BFS arrays. */
  private final class Searcher {
    /** Automaton states are 5-bit codes; {@link #dense} numbers the ones a shape can reach. */
    private static final int CODES = 32;

    private final int[] dense = new int[CODES];
    private final int[] sparse = new int[CODES];
    private int states;
    private final Digraph s;
    private final byte[] eff;
    private final Digraph effGraph;
    private final int[] comp;
    private final long deadline;
    private int[] stamp;
    private int[] parent;
    private int currentStamp;
    private int[] queue;
    private long steps;

    Searcher(Digraph s, byte[] eff, int[] comp, long deadline) {
      this.s = s;
      this.eff = eff;
      this.effGraph = s.relabelled(eff);
      this.comp = comp;
      this.deadline = deadline;
    }

    private void tick() {
      if ((steps++ & 0xfff) == 0 && System.nanoTime() > deadline) {
        throw new Timeout();
      }
    }

    // State bits: 0-1 rw count (2 = two or more), 2 last edge rw, 3 saw wr, 4 saw extra.
    // "Some rw pair adjacent" only matters for ADJACENT; it reuses bit 3, which ADJACENT
    // shapes do not need for wr.
    private int step(Shape sh, int st, int label) {
      if ((sh.allowed & label) == 0) {
        return -1;
      }
      int cnt = st & 3;
      boolean lastRw = (st & 4) != 0;
      int rest = st & ~7;
      if (label == Rel.RW) {
        if (sh.rw == RwMode.SINGLE && cnt >= 1) {
          return -1;
        }
        if (lastRw) {
          if (sh.rw == RwMode.NONADJACENT) {
            return -1;
          }
          if (sh.rw == RwMode.ADJACENT) {
            rest |= 8;
          }
        }
        return rest | 4 | Math.min(cnt + 1, 2);
      }
      if (label == Rel.WR && sh.rw != RwMode.ADJACENT) {
        rest |= 8;
      }
      if (label == sh.extra) {
        rest |= 16;
      }
      return rest | cnt;
    }

    /** Whether a path in state {@code st}, closed by the anchor edge, has the shape. */
    private boolean accepts(Shape sh, int st, int anchor) {
      int cnt = st & 3;
      boolean lastRw = (st & 4) != 0;
      boolean wrapAdjacent = lastRw && anchor == Rel.RW;
      switch (sh.rw) {
        case SINGLE:
          if (cnt != 1) {
            return false;
          }
          break;
        case NONADJACENT:
          if (cnt < 2 || wrapAdjacent) {
            return false;
          }
          break;
        case ADJACENT:
          if (cnt < 2 || !(wrapAdjacent || (st & 8) != 0)) {
            return false;
          }
          break;
        default:
          break;
      }
      if (sh.needsWr && (st & 8) == 0) {
        return false;
      }
      return sh.extra == 0 || (st & 16) != 0;
    }

    Cycle find(Shape sh) {
      int[] sub = Scc.componentOf(effGraph, sh.allowed);
      int anchor = sh.anchor();
      int[] best = null;
      int extraTries = 0;
      int extraAnchors = s.n <= EXHAUSTIVE_SIZE ? Integer.MAX_VALUE : EXTRA_ANCHORS;
      for (int u = 0; u < s.n && (best == null || extraTries < extraAnchors); u++) {
        if (sub[u] < 0) {
          continue;
        }
        for (int e = s.off[u]; e < s.off[u + 1]; e++) {
          int v = s.dst[e];
          if (eff[e] != anchor || sub[v] != sub[u]) {
            continue;
          }
          tick();
          int st0 = step(sh, 0, anchor);
          numberStates(sh, st0);
          int limit = best == null ? Integer.MAX_VALUE : best.length - 1;
          int[] path = bfs(sh, u, v, st0, anchor, sub, limit);
          if (path != null) {
            Cycle c = explain(path);
            if (c.type().equals(sh.type) && (best == null || path.length < best.length)) {
              best = path;
            }
          }
          if (best != null) {
            if (best.length == 2) {
              return explain(best);
            }
            if (++extraTries >= extraAnchors) {
              break;
            }
          }
        }
      }
      return best == null ? null : explain(best);
    }

    /**
     * Shortest simple path v → … → u whose labels, after the anchor edge u → v, reach an accepting
     * state; returned as the cycle's vertices starting at u. Null if none is found with fewer than
     * {@code limit} vertices.
     */
    /**
     * Numbers the automaton states reachable from {@code st0}, so the search arrays hold (vertex ×
     * reachable state) rather than (vertex × 32): G0 needs one state per vertex, the richest shapes
     * a dozen.
     */
    private void numberStates(Shape sh, int st0) {
      Arrays.fill(dense, -1);
      states = 0;
      int[] todo = new int[CODES];
      int n = 0;
      dense[st0] = states;
      sparse[states++] = st0;
      todo[n++] = st0;
      int[] labels = {Rel.WW, Rel.WR, Rel.RW, Rel.PROCESS, Rel.REALTIME};
      while (n > 0) {
        int st = todo[--n];
        for (int l : labels) {
          int next = step(sh, st, l);
          if (next >= 0 && dense[next] < 0) {
            dense[next] = states;
            sparse[states++] = next;
            todo[n++] = next;
          }
        }
      }
      long size = (long) s.n * states;
      if (size > Integer.MAX_VALUE) {
        throw new IllegalStateException("component too large to search: " + s.n);
      }
      if (stamp == null || stamp.length < size) {
        stamp = new int[(int) size];
        parent = new int[(int) size];
        queue = new int[(int) size];
        currentStamp = 0;
      }
    }

    private int[] bfs(Shape sh, int u, int v, int st0, int anchor, int[] sub, int limit) {
      final int S = states;
      currentStamp++;
      if (currentStamp == Integer.MAX_VALUE) {
        Arrays.fill(stamp, 0);
        currentStamp = 1;
      }
      int head = 0;
      int tail = 0;
      int start = v * S + dense[st0];
      stamp[start] = currentStamp;
      parent[start] = -1;
      queue[tail++] = start;
      int depthEnd = tail;
      int depth = 1; // vertices on the path so far, counting u
      while (head < tail) {
        if (head == depthEnd) {
          depth++;
          depthEnd = tail;
          if (depth > limit) {
            return null;
          }
        }
        int node = queue[head++];
        int x = node / S;
        int st = sparse[node % S];
        if (x == u) {
          if (accepts(sh, st, anchor)) {
            int[] path = reconstruct(node, u);
            if (path != null) {
              return path;
            }
          }
          continue;
        }
        for (int e = s.off[x]; e < s.off[x + 1]; e++) {
          int y = s.dst[e];
          if (sub[y] != sub[u] || y == v) {
            continue;
          }
          int st2 = step(sh, st, eff[e]);
          if (st2 < 0) {
            continue;
          }
          int next = y * S + dense[st2];
          if (stamp[next] == currentStamp) {
            continue;
          }
          tick();
          stamp[next] = currentStamp;
          parent[next] = node;
          queue[tail++] = next;
        }
      }
      return null;
    }

    /** The cycle u, v, …, ending before u again; null when the path repeats a vertex. */
    private int[] reconstruct(int node, int u) {
      List<Integer> rev = new ArrayList<>();
      for (int x = node; x >= 0; x = parent[x]) {
        rev.add(x / states);
      }
      // rev = u, ..., v (backwards); the cycle is u → v → ... → u.
      int k = rev.size();
      int[] cycle = new int[k];
      cycle[0] = u;
      for (int i = 1; i < k; i++) {
        cycle[i] = rev.get(k - i);
      }
      Set<Integer> seen = new HashSet<>();
      for (int x : cycle) {
        if (!seen.add(x)) {
          return null;
        }
      }
      return cycle;
    }

    /** Some cycle, when the budget ran out: Elle's fallback, tried on richer projections. */
    Cycle fallback() {
      int[] masks = {
        Rel.WW,
        Rel.WW | Rel.ORDER,
        Rel.WW | Rel.WR,
        Rel.WW | Rel.WR | Rel.ORDER,
        Rel.DATA,
        Rel.DATA | Rel.ORDER
      };
      for (int mask : masks) {
        List<int[]> sccs = Scc.nontrivial(s, mask);
        if (sccs.isEmpty()) {
          continue;
        }
        int[] c = sccs.get(0);
        boolean[] in = new boolean[s.n];
        for (int x : c) {
          in[x] = true;
        }
        int u = c[0];
        for (int e = s.off[u]; e < s.off[u + 1]; e++) {
          int v = s.dst[e];
          if (in[v] && (s.rel[e] & mask) != 0) {
            int[] path = plainPath(v, u, in, mask);
            if (path != null) {
              int[] cycle = new int[path.length];
              cycle[0] = u;
              System.arraycopy(path, 0, cycle, 1, path.length - 1);
              return explain(cycle);
            }
          }
        }
      }
      return null;
    }

    /** Shortest path from → to inside {@code in} over edges in mask; vertices from..to. */
    private int[] plainPath(int from, int to, boolean[] in, int mask) {
      int[] prev = new int[s.n];
      Arrays.fill(prev, -2);
      int[] q = new int[s.n];
      int h = 0;
      int t = 0;
      q[t++] = from;
      prev[from] = -1;
      while (h < t) {
        int x = q[h++];
        if (x == to) {
          List<Integer> rev = new ArrayList<>();
          for (int y = x; y >= 0; y = prev[y]) {
            rev.add(y);
          }
          int[] p = new int[rev.size()];
          for (int i = 0; i < p.length; i++) {
            p[i] = rev.get(p.length - 1 - i);
          }
          return p;
        }
        for (int e = s.off[x]; e < s.off[x + 1]; e++) {
          int y = s.dst[e];
          if (in[y] && prev[y] == -2 && (s.rel[e] & mask) != 0) {
            prev[y] = x;
            q[t++] = y;
          }
        }
      }
      return null;
    }

    /** Explains each edge of a cycle given as local vertices, and classifies it. */
    Cycle explain(int[] cycle) {
      List<Txn> txns = new ArrayList<>(cycle.length);
      List<Step> steps = new ArrayList<>(cycle.length);
      for (int i = 0; i < cycle.length; i++) {
        Txn a = analysis.txns.get(comp[cycle[i]]);
        Txn b = analysis.txns.get(comp[cycle[(i + 1) % cycle.length]]);
        txns.add(a);
        steps.add(explainEdge(a, b, s.label(cycle[i], cycle[(i + 1) % cycle.length])));
      }
      return new Cycle(classify(steps), List.copyOf(txns), List.copyOf(steps));
    }
  }

  Step explainEdge(Txn a, Txn b, int label) {
    for (int rel : analysis.explainOrder()) {
      if ((label & rel) != 0) {
        Step st = analysis.explain(a, b, rel);
        if (st != null) {
          return st;
        }
      }
    }
    if ((label & Rel.REALTIME) != 0) {
      return Step.order(Rel.REALTIME, a, b);
    }
    if ((label & Rel.PROCESS) != 0) {
      return Step.order(Rel.PROCESS, a, b);
    }
    throw new IllegalStateException(
        "edge "
            + a.index()
            + " -> "
            + b.index()
            + " labelled "
            + Rel.names(label)
            + " has no explanation");
  }

  /** Elle's classification of a cycle by the relationships of its explained steps. */
  static String classify(List<Step> steps) {
    int rw = 0;
    int wr = 0;
    int ww = 0;
    boolean rt = false;
    boolean proc = false;
    boolean adjacent = false;
    for (int i = 0; i < steps.size(); i++) {
      int r = steps.get(i).rel();
      int prev = steps.get((i + steps.size() - 1) % steps.size()).rel();
      if (r == Rel.RW) {
        rw++;
        adjacent |= prev == Rel.RW;
      } else if (r == Rel.WR) {
        wr++;
      } else if (r == Rel.WW) {
        ww++;
      } else if (r == Rel.REALTIME) {
        rt = true;
      } else {
        proc = true;
      }
    }
    String base;
    if (rw == 1) {
      base = "G-single-item";
    } else if (rw > 1) {
      base = adjacent ? "G2-item" : "G-nonadjacent-item";
    } else if (wr > 0) {
      base = "G1c";
    } else if (ww > 0) {
      base = "G0";
    } else {
      throw new IllegalStateException("a cycle of order edges only: " + steps);
    }
    return base + (rt ? "-realtime" : proc ? "-process" : "");
  }
}
