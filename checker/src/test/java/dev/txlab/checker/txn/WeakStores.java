package dev.txlab.checker.txn;

import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.history.Keyword;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded simulations of list-append stores at several isolation levels, producing the histories
 * their clients would record. Clients run concurrently: each step either starts a transaction, runs
 * its next micro-op, or finishes it; some finishes crash (info, effect applied or not) or abort
 * (fail). What a micro-op sees depends on the level:
 *
 * <ul>
 *   <li>SERIAL: the whole transaction takes effect atomically when it finishes (strictly
 *       serializable by construction);
 *   <li>SNAPSHOT_ISOLATION: reads see the snapshot taken at start plus own appends; the first
 *       committer wins (a conflicting writer aborts);
 *   <li>PREFIX: snapshot isolation whose snapshot is some earlier prefix of the commit order,
 *       possibly stale (first committer still wins against that snapshot);
 *   <li>READ_COMMITTED: each read sees what is committed when it runs, plus own appends; appends
 *       take a write lock held to the end (no dirty writes), so updates based on an earlier read
 *       can be lost;
 *   <li>NONE: every micro-op acts on the shared state at once, aborted effects stay.
 * </ul>
 */
final class WeakStores {
  private WeakStores() {}

  enum Level {
    SERIAL,
    SNAPSHOT_ISOLATION,
    PREFIX,
    READ_COMMITTED,
    NONE
  }

  private static final Keyword APPEND = Keyword.of("append");
  private static final Keyword R = Keyword.of("r");

  /** A running transaction. */
  private static final class Running {
    int process;
    long[] keys;
    long[] values; // -1 for reads
    Object[] reads;
    int next;
    Map<Long, List<Long>> snapshot;
    int snapshotCommit;
    Map<Long, List<Long>> buffer = new HashMap<>();
    int blocked;
  }

  static History history(Level level, long seed, int txns, int concurrency) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<Long, List<Long>> db = new HashMap<>();
    List<Map<Long, List<Long>>> commits = new ArrayList<>();
    Map<Long, Integer> lastWriteCommit = new HashMap<>();
    commits.add(copy(db));
    Map<Long, Long> counter = new HashMap<>();
    int keyPool = 4;
    long[] slotKey = {0, 1, 2, 3};
    int[] slotAppends = new int[keyPool];
    long nextKey = keyPool;
    Running[] running = new Running[concurrency];
    int[] processOf = new int[concurrency];
    for (int i = 0; i < concurrency; i++) {
      processOf[i] = i;
    }
    int nextProcess = concurrency;
    List<Op> events = new ArrayList<>();
    Map<Long, Running> locks = new HashMap<>();
    int started = 0;
    int finished = 0;
    while (finished < txns) {
      int c = rnd.nextInt(concurrency);
      Running t = running[c];
      long index = events.size();
      if (t == null) {
        if (started == txns) {
          continue;
        }
        started++;
        t = new Running();
        t.process = processOf[c];
        int n = 1 + rnd.nextInt(4);
        t.keys = new long[n];
        t.values = new long[n];
        t.reads = new Object[n];
        List<Object> inv = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int slot = rnd.nextInt(keyPool);
          boolean append = rnd.nextBoolean();
          if (append && slotAppends[slot] >= 12) {
            slotKey[slot] = nextKey++;
            slotAppends[slot] = 0;
          }
          if (append) {
            slotAppends[slot]++;
          }
          t.keys[i] = slotKey[slot];
          t.values[i] = append ? counter.merge(t.keys[i], 1L, Long::sum) : -1;
          inv.add(mop(append, t.keys[i], append ? (Object) t.values[i] : null));
        }
        t.snapshotCommit = level == Level.PREFIX ? rnd.nextInt(commits.size()) : commits.size() - 1;
        t.snapshot = commits.get(t.snapshotCommit);
        running[c] = t;
        events.add(new Op(index, index, t.process, OpType.INVOKE, "txn", List.copyOf(inv)));
        continue;
      }
      if (t.next < t.keys.length && level != Level.SERIAL) {
        int i = t.next++;
        long k = t.keys[i];
        if (t.values[i] >= 0 && level == Level.READ_COMMITTED) {
          Running owner = locks.get(k);
          if (owner != null && owner != t) {
            t.next--; // wait for the lock
            if (++t.blocked <= 20) {
              continue;
            }
            t.next = t.keys.length; // give up: abort below
            t.buffer.clear();
            t.blocked = -1;
          } else {
            locks.put(k, t);
          }
        }
        if (t.blocked < 0) {
          continue;
        }
        if (t.values[i] >= 0) {
          if (level == Level.NONE) {
            db.computeIfAbsent(k, x -> new ArrayList<>()).add(t.values[i]);
          } else {
            t.buffer.computeIfAbsent(k, x -> new ArrayList<>()).add(t.values[i]);
          }
        } else {
          List<Long> seen = new ArrayList<>();
          if (level == Level.NONE || level == Level.READ_COMMITTED) {
            seen.addAll(db.getOrDefault(k, List.of()));
          } else {
            seen.addAll(t.snapshot.getOrDefault(k, List.of()));
          }
          seen.addAll(t.buffer.getOrDefault(k, List.of()));
          t.reads[i] = List.copyOf(seen);
        }
        continue;
      }
      // Finish.
      running[c] = null;
      finished++;
      double roll = rnd.nextDouble();
      OpType outcome = roll < 0.03 ? OpType.INFO : roll < 0.06 ? OpType.FAIL : OpType.OK;
      if (t.blocked < 0) {
        outcome = OpType.FAIL; // deadlock victim
      }
      Running done = t;
      locks.values().removeIf(owner -> owner == done);
      if ((level == Level.SNAPSHOT_ISOLATION || level == Level.PREFIX) && outcome != OpType.FAIL) {
        for (long k : t.buffer.keySet()) {
          if (lastWriteCommit.getOrDefault(k, 0) > t.snapshotCommit) {
            outcome = OpType.FAIL; // first committer wins
          }
        }
      }
      boolean applies = outcome == OpType.OK || (outcome == OpType.INFO && rnd.nextBoolean());
      if (level == Level.SERIAL && applies) {
        for (int i = 0; i < t.keys.length; i++) {
          List<Long> l = db.computeIfAbsent(t.keys[i], x -> new ArrayList<>());
          if (t.values[i] >= 0) {
            l.add(t.values[i]);
          } else {
            t.reads[i] = List.copyOf(l);
          }
        }
      } else if (level != Level.NONE && level != Level.SERIAL && applies) {
        for (Map.Entry<Long, List<Long>> e : t.buffer.entrySet()) {
          db.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).addAll(e.getValue());
        }
      }
      if (applies || level == Level.NONE) {
        commits.add(copy(db));
        for (long k : t.buffer.keySet()) {
          lastWriteCommit.put(k, commits.size() - 1);
        }
      }
      List<Object> value = new ArrayList<>();
      for (int i = 0; i < t.keys.length; i++) {
        boolean append = t.values[i] >= 0;
        value.add(
            mop(
                append,
                t.keys[i],
                append ? (Object) t.values[i] : outcome == OpType.OK ? t.reads[i] : null));
      }
      events.add(new Op(index, index, t.process, outcome, "txn", List.copyOf(value)));
      if (outcome == OpType.INFO) {
        processOf[c] = nextProcess++; // a crashed client comes back as a new process
      }
    }
    try {
      return History.of(level + "-" + seed, events);
    } catch (HistoryException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Object> mop(boolean append, long k, Object v) {
    List<Object> m = new ArrayList<>(3);
    m.add(append ? APPEND : R);
    m.add(k);
    m.add(v);
    return java.util.Collections.unmodifiableList(m);
  }

  private static Map<Long, List<Long>> copy(Map<Long, List<Long>> db) {
    Map<Long, List<Long>> c = new HashMap<>();
    db.forEach((k, v) -> c.put(k, List.copyOf(v)));
    return c;
  }
}
