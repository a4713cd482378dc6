package dev.txlab.checker.txn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The session (process) and real-time orders that strong models add to the data dependencies
 * (ELLE-SPEC section 4).
 *
 * <p>Real time is a transitive reduction of "T1 completed ok before T2 was invoked", computed in
 * one pass over the history with a frontier of recent ok completions: a new invocation follows
 * everything in the frontier, and a completion evicts from the frontier what it already follows.
 * The frontier stays about as large as the number of concurrent clients, so the pass is linear.
 * Nothing follows an indeterminate or failed transaction, since it has no definite end.
 */
final class OrderEdges {
  private OrderEdges() {}

  /** Consecutive committed transactions of each process. */
  static void process(List<Txn> txns, Digraph.Builder out) {
    Map<Integer, Txn> last = new HashMap<>();
    for (Txn t : txns) {
      if (!t.isOk()) {
        continue;
      }
      Txn prev = last.put(t.process(), t);
      if (prev != null) {
        out.add(prev.id(), t.id(), Rel.PROCESS);
      }
    }
  }

  static void realtime(List<Txn> txns, Digraph.Builder out) {
    // Events: (position << 1 | isCompletion) so sorting interleaves them in history order.
    long[] events = new long[txns.size() * 2];
    int n = 0;
    for (Txn t : txns) {
      if (!t.isPossible()) {
        continue;
      }
      events[n++] = ((long) t.op().invokePosition() << 1) << 24 | t.id();
      if (t.isOk()) {
        events[n++] = (((long) t.op().completePosition() << 1) | 1) << 24 | t.id();
      }
    }
    if (txns.size() >= (1 << 24)) {
      throw new IllegalStateException(
          "too many transactions for the real-time pass: " + txns.size());
    }
    Arrays.sort(events, 0, n);
    // The frontier as a primitive list; eviction marks what a completing transaction followed.
    int[] frontier = new int[16];
    int size = 0;
    // What each open transaction followed at its invocation, kept in one pool of ints (offset
    // and length per transaction) instead of a small array per transaction.
    int[] pool = new int[1024];
    int poolSize = 0;
    int[] beforeOffset = new int[txns.size()];
    int[] beforeLength = new int[txns.size()];
    int[] mark = new int[txns.size()];
    int stamp = 0;
    for (int i = 0; i < n; i++) {
      int id = (int) (events[i] & 0xffffff);
      boolean completion = ((events[i] >>> 24) & 1) == 1;
      if (!completion) {
        if (poolSize + size > pool.length) {
          pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + size));
        }
        beforeOffset[id] = poolSize;
        beforeLength[id] = size;
        for (int j = 0; j < size; j++) {
          out.add(frontier[j], id, Rel.REALTIME);
          pool[poolSize++] = frontier[j];
        }
      } else {
        stamp++;
        for (int j = beforeOffset[id], end = j + beforeLength[id]; j < end; j++) {
          mark[pool[j]] = stamp;
        }
        int w = 0;
        for (int j = 0; j < size; j++) {
          if (mark[frontier[j]] != stamp) {
            frontier[w++] = frontier[j];
          }
        }
        size = w;
        if (size == frontier.length) {
          frontier = Arrays.copyOf(frontier, size * 2);
        }
        frontier[size++] = id;
      }
    }
  }
}
