package dev.txlab.checker.txn;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.history.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inference for the rw-register workload (ELLE-SPEC section 3). A register read reveals only one
 * version, so the version order of each key is built from assumptions, each a "source" added in
 * turn: the initial nil precedes everything; optionally writes follow reads inside a transaction,
 * sequential keys (process order) and linearizable keys (real-time order). A source that would make
 * some key's version graph cyclic is dropped for that key and reported as {@code cyclic-versions}.
 * Only external reads (a transaction's first access to a key, if a read) and external writes (its
 * last write to a key) create edges.
 *
 * <p>Invariant: each key's version graph is acyclic after every source.
 */
final class RwRegisterAnalysis extends Analysis {
  private static final int[] EXPLAIN_ORDER = {Rel.WR, Rel.WW, Rel.RW};

  /** Per transaction: key → index of its external read / write micro-op. */
  private final List<Map<Object, Integer>> extRead = new ArrayList<>();

  private final List<Map<Object, Integer>> extWrite = new ArrayList<>();
  private final Map<Object, VersionGraph> versions = new LinkedHashMap<>();

  /** One key's versions and the order inferred between them. */
  private static final class VersionGraph {
    final Object key;
    final Map<Object, Integer> id = new HashMap<>();
    final List<Object> value = new ArrayList<>();
    final Set<Long> edges = new HashSet<>();

    /** Ok transaction that externally wrote each version (by version id), or null. */
    final List<Txn> writer = new ArrayList<>();

    /** Ok transactions that externally read each version. */
    final List<List<Txn>> readers = new ArrayList<>();

    VersionGraph(Object key) {
      this.key = key;
      node(Initial.STATE);
    }

    int node(Object v) {
      Integer i = id.get(v);
      if (i == null) {
        i = value.size();
        id.put(v, i);
        value.add(v);
        writer.add(null);
        readers.add(new ArrayList<>(1));
      }
      return i;
    }

    boolean has(Object a, Object b) {
      Integer x = id.get(a);
      Integer y = id.get(b);
      return x != null && y != null && edges.contains(pack(x, y));
    }

    static long pack(int a, int b) {
      return ((long) a << 32) | (b & 0xffffffffL);
    }

    /** The values of a cycle-holding component, or null when the graph is acyclic. */
    List<Object> cycle() {
      Digraph.Builder b = new Digraph.Builder(value.size());
      for (long e : edges) {
        b.add((int) (e >>> 32), (int) e, Rel.WW);
      }
      List<int[]> sccs = Scc.nontrivial(b.build(), Rel.WW);
      if (sccs.isEmpty()) {
        return null;
      }
      List<Object> vs = new ArrayList<>();
      for (int v : sccs.get(0)) {
        vs.add(value.get(v) == Initial.STATE ? null : value.get(v));
      }
      return vs;
    }
  }

  RwRegisterAnalysis(List<Txn> txns, TxnSpec spec) throws UnfitHistoryException {
    super(txns);
    externals();
    indexVersions();
    List<String> sources = new ArrayList<>();
    addSource(sources, "initial-state", initialSource());
    if (spec.wfrKeys()) {
      addSource(sources, "wfr-keys", wfrSource());
    }
    if (spec.sequentialKeys()) {
      addSource(sources, "sequential-keys", sequentialSource());
    }
    if (spec.linearizableKeys()) {
      addSource(sources, "linearizable-keys", linearizableSource());
    }
    inferEdges();
    findNonCycleAnomalies();
    findLostUpdates();
  }

  @Override
  int[] explainOrder() {
    return EXPLAIN_ORDER;
  }

  private void externals() {
    for (Txn t : txns) {
      Map<Object, Integer> r = null;
      Map<Object, Integer> w = null;
      Set<Object> touched = null;
      List<Mop> mops = t.mops();
      for (int i = 0; i < mops.size(); i++) {
        Mop m = mops.get(i);
        if (touched == null) {
          touched = new HashSet<>(4);
          r = new HashMap<>(4);
          w = new HashMap<>(4);
        }
        if (touched.add(m.key()) && m.isRead()) {
          r.put(m.key(), i);
        }
        if (!m.isRead()) {
          w.put(m.key(), i);
        }
      }
      extRead.add(r == null || r.isEmpty() ? Map.of() : r);
      extWrite.add(w == null || w.isEmpty() ? Map.of() : w);
    }
  }

  private static Object version(Object v) {
    return v == null ? Initial.STATE : v;
  }

  private VersionGraph graph(Object k) {
    return versions.computeIfAbsent(k, VersionGraph::new);
  }

  private void indexVersions() throws UnfitHistoryException {
    Map<Object, Map<Object, Txn>> written = new HashMap<>();
    for (Txn t : txns) {
      if (!t.isPossible()) {
        continue;
      }
      for (Map.Entry<Object, Integer> e : extWrite.get(t.id()).entrySet()) {
        Object v = t.mops().get(e.getValue()).value();
        Txn prev = written.computeIfAbsent(e.getKey(), k -> new HashMap<>()).putIfAbsent(v, t);
        if (prev != null) {
          throw new UnfitHistoryException(
              t.index(),
              "key "
                  + e.getKey()
                  + " had value "
                  + v
                  + " written by more than one operation ("
                  + prev.index()
                  + " and "
                  + t.index()
                  + "); rw-register needs unique writes per key");
        }
        VersionGraph g = graph(e.getKey());
        int id = g.node(version(v));
        if (t.isOk()) {
          g.writer.set(id, t);
        }
      }
      if (!t.isOk()) {
        continue;
      }
      for (Map.Entry<Object, Integer> e : extRead.get(t.id()).entrySet()) {
        VersionGraph g = graph(e.getKey());
        int id = g.node(version(t.mops().get(e.getValue()).value()));
        g.readers.get(id).add(t);
      }
    }
  }

  /** Proposed version edges of one source: key → list of (from, to) version pairs. */
  private static final class Proposal {
    final Map<Object, List<Object[]>> byKey = new LinkedHashMap<>();

    void add(Object k, Object a, Object b) {
      if (!a.equals(b)) {
        byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(new Object[] {a, b});
      }
    }
  }

  /**
   * Adds one source's version edges; if they make any key's version graph cyclic, the whole source
   * is withdrawn (its assumption is evidently false for this history) and each cyclic key is
   * reported.
   */
  private void addSource(List<String> sources, String name, Proposal p) {
    sources.add(name);
    Map<VersionGraph, List<Long>> added = new LinkedHashMap<>();
    for (Map.Entry<Object, List<Object[]>> e : p.byKey.entrySet()) {
      VersionGraph g = graph(e.getKey());
      List<Long> mine = new ArrayList<>();
      for (Object[] ab : e.getValue()) {
        long edge = VersionGraph.pack(g.node(ab[0]), g.node(ab[1]));
        if (g.edges.add(edge)) {
          mine.add(edge);
        }
      }
      if (!mine.isEmpty()) {
        added.put(g, mine);
      }
    }
    if (name.equals("initial-state")) {
      return;
    }
    boolean cyclic = false;
    for (VersionGraph g : added.keySet()) {
      List<Object> cycle = g.cycle();
      if (cycle != null) {
        cyclic = true;
        report(
            AnomalyCase.of(
                "cyclic-versions", "key", g.key, "scc", cycle, "sources", List.copyOf(sources)));
      }
    }
    if (cyclic) {
      added.forEach((g, mine) -> g.edges.removeAll(mine));
    }
  }

  private Proposal initialSource() {
    Proposal p = new Proposal();
    for (VersionGraph g : versions.values()) {
      for (Object v : g.value) {
        if (v != Initial.STATE) {
          p.add(g.key, Initial.STATE, v);
        }
      }
    }
    return p;
  }

  private Proposal wfrSource() {
    Proposal p = new Proposal();
    for (Txn t : txns) {
      if (!t.isOk()) {
        continue;
      }
      for (Map.Entry<Object, Integer> r : extRead.get(t.id()).entrySet()) {
        Integer w = extWrite.get(t.id()).get(r.getKey());
        if (w != null) {
          p.add(
              r.getKey(),
              version(t.mops().get(r.getValue()).value()),
              version(t.mops().get(w).value()));
        }
      }
    }
    return p;
  }

  /** The first and last version a transaction saw or wrote for each key it touched. */
  private static Map<Object, Object[]> firstLast(Txn t) {
    Map<Object, Object[]> fl = new LinkedHashMap<>();
    for (Mop m : t.mops()) {
      Object v = version(m.value());
      Object[] x = fl.get(m.key());
      if (x == null) {
        fl.put(m.key(), new Object[] {v, v});
      } else {
        x[1] = v;
      }
    }
    return fl;
  }

  private Proposal sequentialSource() {
    Proposal p = new Proposal();
    Map<Integer, Map<Object, Object>> lastByProcess = new HashMap<>();
    for (Txn t : txns) {
      if (!t.isOk()) {
        continue;
      }
      Map<Object, Object> last = lastByProcess.computeIfAbsent(t.process(), x -> new HashMap<>());
      for (Map.Entry<Object, Object[]> e : firstLast(t).entrySet()) {
        Object prev = last.put(e.getKey(), e.getValue()[1]);
        if (prev != null) {
          p.add(e.getKey(), prev, e.getValue()[0]);
        }
      }
    }
    return p;
  }

  /**
   * Real-time order projected on each key: for every key, the transactions touching it that had
   * completed when another one touching it was invoked precede it. A per-key frontier of recent
   * completions keeps this linear rather than quadratic.
   */
  private Proposal linearizableSource() {
    Proposal p = new Proposal();
    List<long[]> events = new ArrayList<>();
    for (Txn t : txns) {
      if (t.isOk()) {
        Operation op = t.op();
        events.add(new long[] {op.invokePosition(), t.id(), 0});
        events.add(new long[] {op.completePosition(), t.id(), 1});
      }
    }
    events.sort((a, b) -> Long.compare(a[0], b[0]));
    Map<Object, List<Txn>> frontier = new HashMap<>();
    Map<Integer, Map<Object, List<Txn>>> seenAtInvoke = new HashMap<>();
    Map<Integer, Map<Object, Object[]>> fls = new HashMap<>();
    for (long[] ev : events) {
      Txn t = txns.get((int) ev[1]);
      Map<Object, Object[]> fl = fls.computeIfAbsent(t.id(), x -> firstLast(t));
      if (ev[2] == 0) {
        Map<Object, List<Txn>> seen = new HashMap<>();
        for (Map.Entry<Object, Object[]> e : fl.entrySet()) {
          List<Txn> f = frontier.getOrDefault(e.getKey(), List.of());
          seen.put(e.getKey(), new ArrayList<>(f));
          for (Txn before : f) {
            p.add(e.getKey(), fls.get(before.id()).get(e.getKey())[1], e.getValue()[0]);
          }
        }
        seenAtInvoke.put(t.id(), seen);
      } else {
        Map<Object, List<Txn>> seen = seenAtInvoke.remove(t.id());
        for (Object k : fl.keySet()) {
          List<Txn> f = frontier.computeIfAbsent(k, x -> new ArrayList<>());
          f.removeAll(seen.get(k));
          f.add(t);
        }
      }
    }
    return p;
  }

  private void inferEdges() {
    for (VersionGraph g : versions.values()) {
      for (int v = 0; v < g.value.size(); v++) {
        Txn w = g.writer.get(v);
        if (w != null) {
          for (Txn r : g.readers.get(v)) {
            edges.add(w.id(), r.id(), Rel.WR);
          }
        }
      }
      for (long e : g.edges) {
        int a = (int) (e >>> 32);
        int b = (int) e;
        Txn wb = g.writer.get(b);
        if (wb == null) {
          continue;
        }
        Txn wa = g.writer.get(a);
        if (wa != null) {
          edges.add(wa.id(), wb.id(), Rel.WW);
        }
        for (Txn r : g.readers.get(a)) {
          edges.add(r.id(), wb.id(), Rel.RW);
        }
      }
    }
  }

  private void findNonCycleAnomalies() {
    Map<Object, Map<Object, Txn>> failed = new HashMap<>();
    Map<Object, Map<Object, Txn>> intermediate = new HashMap<>();
    for (Txn t : txns) {
      Map<Object, Integer> w = extWrite.get(t.id());
      List<Mop> mops = t.mops();
      for (int i = 0; i < mops.size(); i++) {
        Mop m = mops.get(i);
        if (m.isRead()) {
          continue;
        }
        if (t.isFail()) {
          failed.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.value(), t);
        }
        if (w.get(m.key()) != i) {
          intermediate.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.value(), t);
        }
      }
    }
    for (Txn t : txns) {
      if (!t.isOk()) {
        continue;
      }
      for (Map.Entry<Object, Integer> e : extRead.get(t.id()).entrySet()) {
        Mop m = t.mops().get(e.getValue());
        if (m.value() == null) {
          continue;
        }
        Map<Object, Txn> f = failed.get(m.key());
        if (f != null && f.containsKey(m.value())) {
          report(
              AnomalyCase.of(
                  "G1a", "op", t, "mop", m, "writer", f.get(m.value()), "element", m.value()));
        }
        Map<Object, Txn> im = intermediate.get(m.key());
        Txn iw = im == null ? null : im.get(m.value());
        if (iw != null && iw != t) {
          report(AnomalyCase.of("G1b", "op", t, "mop", m, "writer", iw, "element", m.value()));
        }
      }
      Map<Object, Object> state = new HashMap<>(4);
      for (Mop m : t.mops()) {
        Object v = version(m.value());
        if (m.isRead() && state.containsKey(m.key()) && !state.get(m.key()).equals(v)) {
          Object expected = state.get(m.key());
          report(
              AnomalyCase.of(
                  "internal",
                  "op",
                  t,
                  "mop",
                  m,
                  "expected",
                  expected == Initial.STATE ? null : expected));
        }
        state.put(m.key(), v);
      }
    }
  }

  @Override
  Step explain(Txn a, Txn b, int rel) {
    Map<Object, Integer> aw = extWrite.get(a.id());
    Map<Object, Integer> ar = extRead.get(a.id());
    if (rel == Rel.WR) {
      for (Map.Entry<Object, Integer> e : sorted(extRead.get(b.id()))) {
        Integer i = aw.get(e.getKey());
        Object v = b.mops().get(e.getValue()).value();
        if (i != null && java.util.Objects.equals(a.mops().get(i).value(), v)) {
          return new Step(Rel.WR, a, b, e.getKey(), v, null, i, e.getValue());
        }
      }
      return null;
    }
    Map<Object, Integer> from = rel == Rel.WW ? aw : ar;
    for (Map.Entry<Object, Integer> e : sorted(extWrite.get(b.id()))) {
      Integer i = from.get(e.getKey());
      if (i == null) {
        continue;
      }
      Object v1 = version(a.mops().get(i).value());
      Object v2 = b.mops().get(e.getValue()).value();
      VersionGraph g = versions.get(e.getKey());
      if (g != null && g.has(v1, version(v2))) {
        // Elle names the initial register state nil.
        return new Step(
            rel, a, b, e.getKey(), v1 == Initial.STATE ? null : v1, v2, i, e.getValue());
      }
    }
    return null;
  }

  /** Entries by micro-op index, so explanations do not depend on hash order. */
  private static List<Map.Entry<Object, Integer>> sorted(Map<Object, Integer> m) {
    List<Map.Entry<Object, Integer>> es = new ArrayList<>(m.entrySet());
    es.sort(Map.Entry.comparingByValue());
    return es;
  }
}
