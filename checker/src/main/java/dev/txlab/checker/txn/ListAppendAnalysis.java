package dev.txlab.checker.txn;

import dev.txlab.checker.UnfitHistoryException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inference for the list-append workload (ELLE-SPEC section 2). Because every appended element is
 * unique and reads return whole lists, each read reveals a prefix of its key's version order; the
 * longest read is the order itself. From that order come ww edges (an append follows the append
 * before it), wr edges (a read ends with an element, so it follows its writer) and rw edges (a read
 * that ended at version p precedes whoever appended after p).
 *
 * <p>Invariants: each (key, element) has at most one appender in the whole history (else the
 * history is refused); a key's {@code order} never contains an element twice.
 */
final class ListAppendAnalysis extends Analysis {
  private static final int[] EXPLAIN_ORDER = {Rel.WW, Rel.WR, Rel.RW};

  /** Everything known about one key. */
  private static final class KeyInfo {
    final Object key;

    /** Element → the transaction that appended it (any outcome). */
    final Map<Object, Txn> writer = new HashMap<>();

    /** Reads of this key by ok/info transactions with a known value, in history order. */
    final List<List<?>> reads = new ArrayList<>();

    /** The inferred version order: distinct elements of the longest read. */
    List<Object> order = List.of();

    /** Element → its position in {@link #order}. */
    Map<Object, Integer> position = Map.of();

    /**
     * True when every read of the key is a prefix of {@link #order} (no incompatible reads, no
     * duplicate in the longest): then per-read prefix checks can be skipped.
     */
    boolean readsArePrefixes;

    /** Position in {@link #order} of the first element a failed transaction appended. */
    int firstFailed = Integer.MAX_VALUE;

    /** Last element read (or {@link Initial#STATE}) → ids of transactions that read that state. */
    final Map<Object, int[]> readersOf = new HashMap<>();

    int appends;

    /** Whether any failed transaction appended to this key (else no dirty update is possible). */
    boolean failedAppend;

    KeyInfo(Object key) {
      this.key = key;
    }

    /** Slot 0 of each array holds the count; arrays double as they fill. */
    void addReader(Object state, int txn) {
      int[] r = readersOf.get(state);
      if (r == null) {
        readersOf.put(state, new int[] {1, txn});
      } else if (r[r[0]] != txn) {
        if (r[0] + 1 == r.length) {
          r = Arrays.copyOf(r, r.length * 2);
          readersOf.put(state, r);
        }
        r[++r[0]] = txn;
      }
    }

    /** The version an append of {@code e} must have followed. */
    Object predecessor(Object e) {
      Integer pos = position.get(e);
      if (pos == null) {
        // Never read: it came after everything anyone observed.
        return order.isEmpty() ? Initial.STATE : order.get(order.size() - 1);
      }
      return pos == 0 ? Initial.STATE : order.get(pos - 1);
    }
  }

  private final Map<Object, KeyInfo> keys = new LinkedHashMap<>();

  ListAppendAnalysis(List<Txn> txns) throws UnfitHistoryException {
    super(txns);
    index();
    versionOrders();
    // Edges and the non-cycle anomalies only read the indexes built above, and write to
    // different places (edges vs cases), so they run side by side.
    java.util.concurrent.ForkJoinTask<?> edgeTask =
        java.util.concurrent.ForkJoinPool.commonPool().submit(this::inferEdges);
    findNonCycleAnomalies();
    findLostUpdates();
    edgeTask.join();
  }

  @Override
  int[] explainOrder() {
    return EXPLAIN_ORDER;
  }

  private KeyInfo key(Object k) {
    KeyInfo ki = keys.get(k);
    if (ki == null) {
      ki = new KeyInfo(k);
      keys.put(k, ki);
    }
    return ki;
  }

  private void index() throws UnfitHistoryException {
    for (Txn t : txns) {
      List<Mop> mops = t.mops();
      for (int i = 0; i < mops.size(); i++) {
        Mop m = mops.get(i);
        KeyInfo ki = key(m.key());
        if (m.kind() == Mop.Kind.APPEND) {
          Txn prev = ki.writer.putIfAbsent(m.value(), t);
          if (prev != null) {
            throw new UnfitHistoryException(
                t.index(),
                "duplicate appends: "
                    + m.value()
                    + " is appended to key "
                    + m.key()
                    + " by operation "
                    + prev.index()
                    + " and again by operation "
                    + t.index()
                    + " (list-append needs every appended element to be unique per key)");
          }
          ki.appends++;
          ki.failedAppend |= t.isFail();
        } else if (t.isPossible() && m.value() != null) {
          List<?> v = (List<?>) m.value();
          ki.reads.add(v);
          ki.addReader(v.isEmpty() ? Initial.STATE : v.get(v.size() - 1), t.id());
        }
      }
    }
  }

  private void versionOrders() {
    for (KeyInfo ki : keys.values()) {
      List<List<?>> nonEmpty = new ArrayList<>();
      for (List<?> r : ki.reads) {
        if (!r.isEmpty()) {
          nonEmpty.add(r);
        }
      }
      if (nonEmpty.isEmpty()) {
        if (ki.appends == 1) {
          ki.order = List.of(ki.writer.keySet().iterator().next());
          ki.position = Map.of(ki.order.get(0), 0);
        }
        continue;
      }
      // Stable sort by length keeps history order among equal lengths, so results are
      // deterministic.
      nonEmpty.sort((a, b) -> Integer.compare(a.size(), b.size()));
      List<?> prev = null;
      boolean reported = false;
      for (List<?> cur : nonEmpty) {
        if (prev != null && prev != cur && !reported && !isPrefix(prev, cur)) {
          report(AnomalyCase.of("incompatible-order", "key", ki.key, "values", List.of(prev, cur)));
          reported = true;
        }
        prev = cur;
      }
      List<?> longest = nonEmpty.get(nonEmpty.size() - 1);
      List<Object> order = new ArrayList<>(longest.size());
      Map<Object, Integer> pos = new HashMap<>(longest.size() * 2);
      for (Object e : longest) {
        if (pos.putIfAbsent(e, order.size()) == null) {
          order.add(e);
        }
      }
      ki.order = order;
      ki.position = pos;
      // Each read was checked to be a prefix of the next longer one, so with no failure they
      // are all prefixes of the longest, which is the order when it has no duplicates.
      ki.readsArePrefixes = !reported && order.size() == longest.size();
      for (int i = 0; i < order.size(); i++) {
        Txn w = ki.writer.get(order.get(i));
        if (w != null && w.isFail()) {
          ki.firstFailed = i;
          break;
        }
      }
    }
  }

  /** Whether read {@code v} holds {@code e}; a prefix of the order answers by position. */
  private static boolean readContains(KeyInfo ki, List<?> v, boolean prefix, Object e) {
    if (prefix) {
      Integer pos = ki.position.get(e);
      return pos != null && pos < v.size();
    }
    return v.contains(e);
  }

  /** Whether a read is a prefix of its key's order: the common case, which needs no more checks. */
  private static boolean prefixOfOrder(KeyInfo ki, List<?> v) {
    if (v.size() > ki.order.size()) {
      return false;
    }
    for (int i = v.size() - 1; i >= 0; i--) {
      if (!ki.order.get(i).equals(v.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPrefix(List<?> a, List<?> b) {
    if (a.size() > b.size()) {
      return false;
    }
    for (int i = a.size() - 1; i >= 0; i--) {
      if (!java.util.Objects.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private void inferEdges() {
    for (Txn t : txns) {
      if (!t.isPossible()) {
        continue;
      }
      for (Mop m : t.mops()) {
        KeyInfo ki = keys.get(m.key());
        if (m.isRead()) {
          List<?> v = (List<?>) m.value();
          if (v != null && !v.isEmpty()) {
            Txn w = ki.writer.get(v.get(v.size() - 1));
            if (w != null && w.isPossible()) {
              edges.add(w.id(), t.id(), Rel.WR);
            }
          }
        } else {
          Object p = ki.predecessor(m.value());
          if (p != Initial.STATE) {
            Txn w = ki.writer.get(p);
            if (w != null && w.isPossible()) {
              edges.add(w.id(), t.id(), Rel.WW);
            }
          }
          int[] readers = ki.readersOf.get(p);
          if (readers != null) {
            for (int i = 1; i <= readers[0]; i++) {
              edges.add(readers[i], t.id(), Rel.RW);
            }
          }
        }
      }
    }
  }

  private void findNonCycleAnomalies() {
    // Elements appended by a transaction and then followed by another append of its own.
    Map<Object, Map<Object, Txn>> intermediate = new HashMap<>();
    for (Txn t : txns) {
      // An append is intermediate when the same transaction appends to its key again later;
      // transactions are short, so pairwise comparison beats a map per transaction.
      List<Mop> mops = t.mops();
      for (int i = 0; i < mops.size(); i++) {
        Mop m = mops.get(i);
        if (m.kind() != Mop.Kind.APPEND) {
          continue;
        }
        for (int j = i + 1; j < mops.size(); j++) {
          Mop later = mops.get(j);
          if (later.kind() == Mop.Kind.APPEND && later.key().equals(m.key())) {
            intermediate.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.value(), t);
            break;
          }
        }
      }
    }
    for (Txn t : txns) {
      List<Mop> mops = t.mops();
      for (int i = 0; i < mops.size(); i++) {
        Mop m = mops.get(i);
        if (!m.isRead() || m.value() == null) {
          continue;
        }
        List<?> v = (List<?>) m.value();
        KeyInfo ki = keys.get(m.key());
        // A prefix of the key's order has distinct elements, and its failed elements (if any)
        // start at a known position; only other reads need a full scan.
        boolean prefix = ki.readsArePrefixes || prefixOfOrder(ki, v);
        if (!prefix) {
          duplicates(t, m, v);
        }
        if (!t.isOk()) {
          continue;
        }
        for (int j = prefix ? Math.min(ki.firstFailed, v.size()) : 0; j < v.size(); j++) {
          Object e = v.get(j);
          Txn w = ki.writer.get(e);
          if (w != null && w.isFail()) {
            report(AnomalyCase.of("G1a", "op", t, "mop", m, "writer", w, "element", e));
          }
        }
        if (!v.isEmpty()) {
          Object lastElem = v.get(v.size() - 1);
          Map<Object, Txn> im = intermediate.get(m.key());
          Txn w = im == null ? null : im.get(lastElem);
          if (w != null && w != t) {
            report(AnomalyCase.of("G1b", "op", t, "mop", m, "writer", w, "element", lastElem));
          }
          for (int j = i + 1; j < mops.size(); j++) {
            Mop later = mops.get(j);
            if (later.kind() == Mop.Kind.APPEND
                && later.key().equals(m.key())
                && readContains(ki, v, prefix, later.value())) {
              report(AnomalyCase.of("future-read", "op", t, "mop", m, "element", later.value()));
              break;
            }
          }
        }
      }
      if (t.isOk() && touchesAKeyTwiceWithARead(t)) {
        internal(t);
      }
    }
    dirtyUpdates();
  }

  private void duplicates(Txn t, Mop m, List<?> v) {
    if (v.size() < 2) {
      return;
    }
    Set<Object> seen = new HashSet<>(v.size() * 2);
    Map<Object, Integer> dups = null;
    for (Object e : v) {
      if (!seen.add(e)) {
        if (dups == null) {
          dups = new LinkedHashMap<>();
        }
        dups.merge(e, 2, (a, b) -> a + 1);
      }
    }
    if (dups != null) {
      report(AnomalyCase.of("duplicate-elements", "op", t, "mop", m, "duplicates", dups));
    }
  }

  /**
   * Within one committed transaction, a read must agree with what the transaction already knows
   * about the key: its own earlier read, extended by its own appends since; or, if it never read
   * the key, its appends must be the read's tail.
   */
  private void internal(Txn t) {
    List<Mop> mops = t.mops();
    if (mops.size() < 2) {
      return;
    }
    // Per key: the last list read (or null if none) and the appends made since.
    Map<Object, List<?>> lastRead = new HashMap<>(4);
    Map<Object, List<Object>> since = new HashMap<>(4);
    for (Mop m : mops) {
      Object k = m.key();
      if (m.kind() == Mop.Kind.APPEND) {
        since.computeIfAbsent(k, x -> new ArrayList<>(2)).add(m.value());
        continue;
      }
      List<?> v = (List<?>) m.value();
      if (v == null) {
        continue;
      }
      List<?> base = lastRead.get(k);
      List<Object> added = since.getOrDefault(k, List.of());
      if (base != null) {
        if (!equalsConcat(v, base, added)) {
          List<Object> expected = new ArrayList<>(base);
          expected.addAll(added);
          report(AnomalyCase.of("internal", "op", t, "mop", m, "expected", expected));
        }
      } else if (!added.isEmpty() && !endsWith(v, added)) {
        List<Object> expected = new ArrayList<>();
        expected.add(Ellipsis.INSTANCE);
        expected.addAll(added);
        report(AnomalyCase.of("internal", "op", t, "mop", m, "expected", expected));
      }
      lastRead.put(k, v);
      since.remove(k);
    }
  }

  /** Internal consistency can only fail when some key is read after another access to it. */
  static boolean touchesAKeyTwiceWithARead(Txn t) {
    List<Mop> mops = t.mops();
    for (int j = 1; j < mops.size(); j++) {
      Mop m = mops.get(j);
      if (!m.isRead()) {
        continue;
      }
      for (int i = 0; i < j; i++) {
        if (mops.get(i).key().equals(m.key())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean equalsConcat(List<?> v, List<?> base, List<?> added) {
    if (v.size() != base.size() + added.size()) {
      return false;
    }
    for (int i = 0; i < base.size(); i++) {
      if (!java.util.Objects.equals(v.get(i), base.get(i))) {
        return false;
      }
    }
    return endsWith(v, added);
  }

  private static boolean endsWith(List<?> v, List<?> tail) {
    if (tail.size() > v.size()) {
      return false;
    }
    int off = v.size() - tail.size();
    for (int i = 0; i < tail.size(); i++) {
      if (!java.util.Objects.equals(v.get(off + i), tail.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** A committed append right after an aborted one in a key's order (info appends between). */
  private void dirtyUpdates() {
    for (KeyInfo ki : keys.values()) {
      if (!ki.failedAppend) {
        continue;
      }
      List<Object> values = new ArrayList<>();
      List<Txn> writers = new ArrayList<>();
      for (Object e : ki.order) {
        Txn w = ki.writer.get(e);
        if (w == null) {
          values.clear();
          writers.clear();
        } else if (w.isFail()) {
          values.clear();
          writers.clear();
          values.add(e);
          writers.add(w);
        } else if (!w.isOk()) {
          if (!values.isEmpty()) {
            values.add(e);
            writers.add(w);
          }
        } else {
          if (!values.isEmpty()) {
            values.add(e);
            writers.add(w);
            report(
                AnomalyCase.of(
                    "dirty-update",
                    "key",
                    ki.key,
                    "values",
                    List.copyOf(values),
                    "txns",
                    List.copyOf(writers)));
          }
          values.clear();
          writers.clear();
        }
      }
    }
  }

  @Override
  Step explain(Txn a, Txn b, int rel) {
    List<Mop> bm = b.mops();
    for (int j = 0; j < bm.size(); j++) {
      Mop m = bm.get(j);
      KeyInfo ki = keys.get(m.key());
      if (rel == Rel.WR) {
        if (m.isRead() && m.value() != null && !((List<?>) m.value()).isEmpty()) {
          List<?> v = (List<?>) m.value();
          Object e = v.get(v.size() - 1);
          if (ki.writer.get(e) == a) {
            return new Step(Rel.WR, a, b, m.key(), e, null, appendIndex(a, m.key(), e), j);
          }
        }
        continue;
      }
      if (m.kind() != Mop.Kind.APPEND) {
        continue;
      }
      Object p = ki.predecessor(m.value());
      if (rel == Rel.WW) {
        if (p != Initial.STATE && ki.writer.get(p) == a) {
          return new Step(Rel.WW, a, b, m.key(), p, m.value(), appendIndex(a, m.key(), p), j);
        }
      } else if (rel == Rel.RW) {
        List<Mop> am = a.mops();
        for (int i = 0; i < am.size(); i++) {
          Mop r = am.get(i);
          if (r.isRead() && r.key().equals(m.key()) && r.value() != null) {
            List<?> v = (List<?>) r.value();
            Object state = v.isEmpty() ? Initial.STATE : v.get(v.size() - 1);
            if (state.equals(p)) {
              return new Step(Rel.RW, a, b, m.key(), p, m.value(), i, j);
            }
          }
        }
      }
    }
    return null;
  }

  private static int appendIndex(Txn t, Object k, Object e) {
    List<Mop> mops = t.mops();
    for (int i = 0; i < mops.size(); i++) {
      Mop m = mops.get(i);
      if (m.kind() == Mop.Kind.APPEND && m.key().equals(k) && m.value().equals(e)) {
        return i;
      }
    }
    return -1;
  }

  /** Stands for an unknown prefix in an expected list ({@code [... 3]}). */
  enum Ellipsis {
    INSTANCE;

    @Override
    public String toString() {
      return "...";
    }
  }
}
