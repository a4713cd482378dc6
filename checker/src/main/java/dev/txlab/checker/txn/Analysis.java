package dev.txlab.checker.txn;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a workload's inference produces from a history: the transactions, the data-dependency edges
 * (ww, wr, rw) between them, the anomalies visible without any cycle, and a way to explain any edge
 * afterwards. Explanations are recomputed on demand from the indexes rather than stored with every
 * edge, because only the few edges on reported cycles are ever explained.
 *
 * <p>Invariant: every edge added has a data relationship its workload's {@link #explain} can
 * justify.
 */
abstract class Analysis {
  final List<Txn> txns;
  final Digraph.Builder edges;
  final Map<String, List<AnomalyCase>> cases = new TreeMap<>();

  Analysis(List<Txn> txns) {
    this.txns = txns;
    this.edges = new Digraph.Builder(txns.size());
  }

  /**
   * The order in which relationships are tried when explaining an edge that carries several; the
   * first that applies names the step, and so decides the cycle's anomaly type (Elle tries ww
   * before wr for list-append, wr before ww for rw-register).
   */
  abstract int[] explainOrder();

  /** Explains a → b by data relationship {@code rel}, or null if it does not hold. */
  abstract Step explain(Txn a, Txn b, int rel);

  void report(AnomalyCase c) {
    cases.computeIfAbsent(c.type(), t -> new ArrayList<>()).add(c);
  }

  /**
   * Lost updates: two or more committed transactions that read the same version of a key (their
   * first, external read of it) and then wrote it. Needs no version order.
   */
  void findLostUpdates() {
    Map<Object, Map<Object, List<Txn>>> byKey = new LinkedHashMap<>();
    // The version as first read, for the report ([] rather than the normalized initial state).
    Map<Object, Object> asRead = new HashMap<>();
    for (Txn t : txns) {
      if (!t.isOk() || !readsThenWritesAKey(t)) {
        continue;
      }
      Map<Object, Object> firstRead = null;
      List<Object> written = null;
      for (Mop m : t.mops()) {
        if (m.isRead()) {
          if (firstRead == null) {
            firstRead = new HashMap<>(4);
          }
          if (!firstRead.containsKey(m.key()) && (written == null || !written.contains(m.key()))) {
            Object version = m.value() == null ? Initial.STATE : normalize(m.value());
            firstRead.put(m.key(), version);
            asRead.putIfAbsent(version, m.value());
          }
        } else {
          if (written == null) {
            written = new ArrayList<>(4);
          }
          if (written.contains(m.key())) {
            continue;
          }
          written.add(m.key());
          if (firstRead != null && firstRead.containsKey(m.key())) {
            byKey
                .computeIfAbsent(m.key(), k -> new LinkedHashMap<>())
                .computeIfAbsent(firstRead.get(m.key()), v -> new ArrayList<>(2))
                .add(t);
          }
        }
      }
    }
    byKey.forEach(
        (k, byValue) ->
            byValue.forEach(
                (v, ts) -> {
                  if (ts.size() >= 2) {
                    report(
                        AnomalyCase.of(
                            "lost-update",
                            "key",
                            k,
                            "value",
                            asRead.get(v),
                            "txns",
                            List.copyOf(ts)));
                  }
                }));
  }

  /** Whether some key is read and later written by the transaction (cheap pre-check). */
  private static boolean readsThenWritesAKey(Txn t) {
    List<Mop> mops = t.mops();
    for (int j = 1; j < mops.size(); j++) {
      Mop w = mops.get(j);
      if (w.isRead()) {
        continue;
      }
      for (int i = 0; i < j; i++) {
        if (mops.get(i).isRead() && mops.get(i).key().equals(w.key())) {
          return true;
        }
      }
    }
    return false;
  }

  /** An empty list read and a nil read are the same initial version. */
  static Object normalize(Object read) {
    if (read instanceof List && ((List<?>) read).isEmpty()) {
      return Initial.STATE;
    }
    return read;
  }

  /**
   * Turns the history's client operations into transactions, checking that every micro-op has the
   * workload's shape.
   */
  static List<Txn> transactions(History h, String workload) throws UnfitHistoryException {
    List<Operation> ops = h.operations();
    List<Txn> out = new ArrayList<>(ops.size());
    boolean append = workload.equals("list-append");
    for (Operation op : ops) {
      Object v;
      if (op.isOk() && op.completion().value() != null) {
        v = op.completion().value();
      } else if (op.completion() != null
          && !op.isFail()
          && op.completion().value() instanceof List
          && op.invocation().value() == null) {
        v = op.completion().value();
      } else {
        v = op.invocation().value();
      }
      long index =
          op.completion() != null && op.isOk() ? op.completion().index() : op.invocation().index();
      List<Mop> mops;
      if (v == null) {
        mops = List.of();
      } else if (!(v instanceof List)) {
        throw new UnfitHistoryException(
            index, "expected a transaction (a vector of micro-ops like [:r k v]), found " + v);
      } else {
        List<?> raw = (List<?>) v;
        Mop[] ms = new Mop[raw.size()];
        for (int i = 0; i < ms.length; i++) {
          ms[i] = microOp(raw.get(i), op, append, index);
        }
        // A read-only view of the array: no copy (a million transactions make this matter).
        mops = java.util.Collections.unmodifiableList(java.util.Arrays.asList(ms));
      }
      out.add(new Txn(out.size(), op, mops));
    }
    return out;
  }

  private static Mop microOp(Object raw, Operation op, boolean append, long index)
      throws UnfitHistoryException {
    if (!(raw instanceof List) || ((List<?>) raw).size() != 3) {
      throw new UnfitHistoryException(index, "expected a micro-op [f k v], found " + raw);
    }
    List<?> m = (List<?>) raw;
    String f = TxnSpec.name(m.get(0));
    Mop.Kind kind;
    if ("r".equals(f)) {
      kind = Mop.Kind.READ;
    } else if (append && "append".equals(f)) {
      kind = Mop.Kind.APPEND;
    } else if (!append && "w".equals(f)) {
      kind = Mop.Kind.WRITE;
    } else {
      throw new UnfitHistoryException(
          index,
          "micro-op "
              + raw
              + " is not one of the "
              + (append
                  ? "list-append micro-ops [:r k list] and [:append k v]"
                  : "rw-register micro-ops [:r k v] and [:w k v]"));
    }
    if (m.get(1) == null) {
      throw new UnfitHistoryException(index, "micro-op " + raw + " has no key");
    }
    if (kind != Mop.Kind.READ && m.get(2) == null) {
      throw new UnfitHistoryException(
          index,
          "micro-op " + raw + " writes nil, which cannot be told apart from the initial state");
    }
    Object value = m.get(2);
    if (kind == Mop.Kind.READ && !op.isOk()) {
      // A read's value is only known from an ok completion.
      value = null;
    } else if (kind == Mop.Kind.READ && append && value == null) {
      // A committed list read of nil is the empty list.
      value = List.of();
    }
    if (append && kind == Mop.Kind.READ && value != null && !(value instanceof List)) {
      throw new UnfitHistoryException(index, "list-append read " + raw + " should return a list");
    }
    return new Mop(kind, m.get(1), value);
  }
}
