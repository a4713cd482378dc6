package dev.txlab.coordinator;

import dev.txlab.coordinator.cluster.SimTxnCluster;
import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Serial-oracle checks of a list-append history against the cluster's final state (not a full Elle
 * check — that is the scenarios module's job): per key, the committed versions extend one another;
 * every OK read is a prefix of the final list; every OK append is in it exactly once; no FAILed
 * append is in it.
 */
final class Oracle {
  private Oracle() {}

  static List<String> checkListAppend(SimTxnCluster cluster, History history) {
    List<String> problems = new ArrayList<>();
    TreeMap<String, List<Long>> finalLists = new TreeMap<>();
    for (ShardId s : cluster.shardMap().allShards()) {
      Address leader = cluster.leaderOf(s);
      if (leader == null) {
        problems.add("no leader for " + s + " at the end");
        continue;
      }
      TxnShardReplica r = cluster.replica(leader);
      for (Map.Entry<String, String> e : latestValues(r).entrySet()) {
        finalLists.put(
            e.getKey(), MicroOp.readList(e.getKey()).withValue(e.getValue()).listValue());
        // Version order: each committed version extends the previous one.
        List<Long> prev = List.of();
        for (String v : r.machine().store().versions(e.getKey()).values()) {
          List<Long> cur = MicroOp.readList(e.getKey()).withValue(v).listValue();
          if (!isPrefix(prev, cur))
            problems.add("key " + e.getKey() + ": version " + cur + " does not extend " + prev);
          prev = cur;
        }
      }
    }
    TreeMap<Long, Integer> okAppends = new TreeMap<>();
    TreeSet<Long> failedAppends = new TreeSet<>();
    for (History.Done d : history.done) {
      for (MicroOp op : d.ops()) {
        if (op.kind() == MicroOp.Kind.APPEND) {
          long v = Long.parseLong(op.value());
          if (d.outcome() == Outcome.OK) okAppends.put(v, 1);
          if (d.outcome() == Outcome.FAIL) failedAppends.add(v);
        } else if (op.kind() == MicroOp.Kind.READ_LIST && d.outcome() == Outcome.OK) {
          List<Long> fin = finalLists.getOrDefault(op.key(), List.of());
          if (!isPrefix(op.listValue(), fin))
            problems.add("read " + op + " by " + d.client() + " is not a prefix of final " + fin);
        }
      }
    }
    for (Map.Entry<String, List<Long>> e : finalLists.entrySet()) {
      TreeSet<Long> seen = new TreeSet<>();
      for (long v : e.getValue()) {
        if (!seen.add(v)) problems.add("key " + e.getKey() + ": " + v + " appended twice");
        if (failedAppends.contains(v))
          problems.add("key " + e.getKey() + ": failed append " + v + " is visible");
        okAppends.remove(v);
      }
    }
    for (long v : okAppends.keySet()) problems.add("committed append " + v + " is missing");
    return problems;
  }

  private static NavigableMap<String, String> latestValues(TxnShardReplica r) {
    TreeMap<String, String> out = new TreeMap<>();
    var store = r.machine().store();
    var image = store.image();
    for (String k : image.data().keySet()) out.put(k, store.latest(k));
    return out;
  }

  /**
   * Real-time order (external consistency) on list-append: a committed read invoked after a
   * committed append to its key completed must contain that append.
   */
  static List<String> checkRealTime(History history) {
    List<String> problems = new ArrayList<>();
    TreeMap<String, List<long[]>> appends = new TreeMap<>(); // key -> (value, completedNanos)
    for (History.Done d : history.done) {
      if (d.outcome() != Outcome.OK) continue;
      for (MicroOp op : d.ops()) {
        if (op.kind() == MicroOp.Kind.APPEND)
          appends
              .computeIfAbsent(op.key(), k -> new ArrayList<>())
              .add(new long[] {Long.parseLong(op.value()), d.completedNanos()});
      }
    }
    for (History.Done d : history.done) {
      if (d.outcome() != Outcome.OK) continue;
      for (MicroOp op : d.ops()) {
        if (op.kind() != MicroOp.Kind.READ_LIST) continue;
        TreeSet<Long> seen = new TreeSet<>(op.listValue());
        for (long[] a : appends.getOrDefault(op.key(), List.of())) {
          if (a[1] < d.invokedNanos() && !seen.contains(a[0])) {
            problems.add(
                "stale read "
                    + op
                    + " by "
                    + d.client()
                    + " invoked at "
                    + d.invokedNanos()
                    + " misses "
                    + a[0]
                    + " committed by "
                    + a[1]);
          }
        }
      }
    }
    return problems;
  }

  static boolean isPrefix(List<Long> a, List<Long> b) {
    return a.size() <= b.size() && b.subList(0, a.size()).equals(a);
  }
}
