package dev.txlab.coordinator.participant;

import dev.txlab.coordinator.txn.TxnId;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Shared/exclusive key locks held by transactions. Pure bookkeeping: who may wait for whom
 * (wound-wait) is decided by {@link TxnStateMachine}. Sorted maps only, so iteration is
 * deterministic.
 */
public final class LockTable {
  public enum Mode {
    SHARED,
    EXCLUSIVE
  }

  private final TreeMap<String, TreeMap<TxnId, Mode>> holders = new TreeMap<>();

  /** The holders other than {@code txn} whose locks conflict with what {@code txn} wants. */
  public TreeSet<TxnId> conflicts(TxnId txn, SortedMap<String, Mode> wanted) {
    TreeSet<TxnId> out = new TreeSet<>();
    for (Map.Entry<String, Mode> w : wanted.entrySet()) {
      TreeMap<TxnId, Mode> h = holders.get(w.getKey());
      if (h == null) continue;
      for (Map.Entry<TxnId, Mode> e : h.entrySet()) {
        if (e.getKey().equals(txn)) continue;
        if (w.getValue() == Mode.EXCLUSIVE || e.getValue() == Mode.EXCLUSIVE) out.add(e.getKey());
      }
    }
    return out;
  }

  public void acquire(TxnId txn, SortedMap<String, Mode> wanted) {
    if (!conflicts(txn, wanted).isEmpty())
      throw new IllegalStateException(txn + " acquires conflicting locks");
    for (Map.Entry<String, Mode> w : wanted.entrySet()) {
      holders.computeIfAbsent(w.getKey(), k -> new TreeMap<>()).put(txn, w.getValue());
    }
  }

  public void release(TxnId txn, Iterable<String> keys) {
    for (String k : keys) {
      TreeMap<TxnId, Mode> h = holders.get(k);
      if (h == null) continue;
      h.remove(txn);
      if (h.isEmpty()) holders.remove(k);
    }
  }

  public boolean holds(TxnId txn, String key) {
    TreeMap<TxnId, Mode> h = holders.get(key);
    return h != null && h.containsKey(txn);
  }

  public int lockedKeys() {
    return holders.size();
  }

  public void clear() {
    holders.clear();
  }

  /**
   * The locks a transaction's micro-ops need: exclusive for keys it writes, shared for keys it only
   * reads.
   */
  public static TreeMap<String, Mode> wanted(Iterable<dev.txlab.coordinator.txn.MicroOp> ops) {
    TreeMap<String, Mode> w = new TreeMap<>();
    for (dev.txlab.coordinator.txn.MicroOp op : ops) {
      if (op.isWrite()) w.put(op.key(), Mode.EXCLUSIVE);
      else w.putIfAbsent(op.key(), Mode.SHARED);
    }
    return w;
  }
}
