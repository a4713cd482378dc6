package dev.txlab.node.cluster;

import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * A test oracle for an append-only workload: every append writes a unique token, so the final value
 * of a key is the order in which the cluster applied them. Checks the properties a linearizable,
 * durable, exactly-once store must have:
 *
 * <ul>
 *   <li>an acknowledged append is in the final value (never lost), exactly once (sessions);
 *   <li>no token appears that nobody appended; none appears twice;
 *   <li>appends ordered in real time appear in that order;
 *   <li>a read returns a prefix of the final value that contains every append acknowledged before
 *       the read began, and reads ordered in real time never go backwards.
 * </ul>
 *
 * Not a general linearizability checker (that is the checker module's job); a naive oracle whose
 * failures name the operations involved.
 */
final class AppendOracle implements ClientObserver {
  record Op(
      String client,
      long seq,
      KvOp op,
      long invokeNanos,
      long completeNanos,
      Outcome outcome,
      String value) {}

  private final LongSupplier clock;
  private final Map<String, Op> open = new HashMap<>();
  private final List<Op> done = new ArrayList<>();

  AppendOracle(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public void invoked(String clientId, long seq, KvOp op) {
    open.put(clientId, new Op(clientId, seq, op, clock.getAsLong(), -1, null, null));
  }

  @Override
  public void completed(String clientId, long seq, KvOp op, Outcome outcome, String value) {
    Op o = open.remove(clientId);
    done.add(new Op(clientId, seq, op, o.invokeNanos(), clock.getAsLong(), outcome, value));
  }

  List<Op> ops() {
    return done;
  }

  long count(Outcome outcome) {
    return done.stream().filter(o -> o.outcome() == outcome).count();
  }

  /** Violations found against the final values (key → value); empty means the history passed. */
  List<String> check(Map<String, String> finalValues) {
    List<String> problems = new ArrayList<>();
    TreeMap<String, List<String>> tokensByKey = new TreeMap<>();
    for (Map.Entry<String, String> e : finalValues.entrySet()) {
      tokensByKey.put(e.getKey(), tokens(e.getValue()));
    }
    HashMap<String, Op> appendsByToken = new HashMap<>();
    List<Op> all = new ArrayList<>(done);
    for (Op o : open.values()) all.add(o);
    for (Op o : all) if (o.op() instanceof KvOp.Append a) appendsByToken.put(a.value(), o);

    for (Map.Entry<String, List<String>> e : tokensByKey.entrySet()) {
      List<String> toks = e.getValue();
      java.util.HashSet<String> seen = new java.util.HashSet<>();
      for (String t : toks) {
        if (!seen.add(t)) problems.add("token " + t + " applied twice on " + e.getKey());
        if (!appendsByToken.containsKey(t + ","))
          problems.add("token " + t + " on " + e.getKey() + " was never appended");
      }
    }
    for (Op o : done) {
      if (!(o.op() instanceof KvOp.Append a) || o.outcome() != Outcome.OK) continue;
      List<String> toks = tokensByKey.getOrDefault(a.key(), List.of());
      if (!toks.contains(strip(a.value()))) problems.add("acknowledged append lost: " + o);
    }
    // Real-time order of acknowledged appends, per key.
    for (Op a : done) {
      if (!(a.op() instanceof KvOp.Append aa) || a.outcome() != Outcome.OK) continue;
      List<String> toks = tokensByKey.getOrDefault(aa.key(), List.of());
      int ia = toks.indexOf(strip(aa.value()));
      for (Op b : done) {
        if (!(b.op() instanceof KvOp.Append bb)
            || b.outcome() != Outcome.OK
            || !bb.key().equals(aa.key())) continue;
        if (a.completeNanos() < b.invokeNanos()) {
          int ib = toks.indexOf(strip(bb.value()));
          if (ia >= 0 && ib >= 0 && ia > ib)
            problems.add("real-time order broken: " + a + " before " + b);
        }
      }
    }
    // Reads.
    for (Op r : done) {
      if (!(r.op() instanceof KvOp.Get g) || r.outcome() != Outcome.OK) continue;
      String fin = finalValues.get(g.key());
      String v = r.value() == null ? "" : r.value();
      if (fin == null ? !v.isEmpty() : !fin.startsWith(v)) {
        problems.add("read returned a value that is not a prefix of the final value: " + r);
        continue;
      }
      List<String> readToks = tokens(v);
      for (Op a : done) {
        if (!(a.op() instanceof KvOp.Append aa)
            || a.outcome() != Outcome.OK
            || !aa.key().equals(g.key())) continue;
        if (a.completeNanos() < r.invokeNanos() && !readToks.contains(strip(aa.value()))) {
          problems.add("stale read: " + r + " misses " + a);
          break;
        }
      }
    }
    return problems;
  }

  private static String strip(String token) {
    return token.endsWith(",") ? token.substring(0, token.length() - 1) : token;
  }

  static List<String> tokens(String value) {
    List<String> out = new ArrayList<>();
    if (value == null || value.isEmpty()) return out;
    for (String t : value.split(",")) if (!t.isEmpty()) out.add(t);
    return out;
  }
}
