package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.Operation;
import dev.txlab.checker.txn.ModelLattice;
import dev.txlab.coordinator.protocol.Protocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures {@code txlab compare} sets side by side, taken from one run's outcome the same way
 * for every protocol: the verdict of each consistency model and the anomalies, committed
 * transactions per simulated second, the latency of committed transactions, the protocol's aborts
 * and retries by cause, commit wait, blocked and in-doubt time, messages per commit — and the
 * scheduled faults the run never applied, so nothing a protocol was spared goes unsaid.
 */
public final class Comparison {
  private Comparison() {}

  /**
   * One run's figures.
   *
   * @param verdicts each checked model's verdict ({@code valid}, {@code INVALID}, {@code unknown})
   * @param anomalies the anomaly types found, over all checks
   * @param okPerSecond committed transactions (or operations) per second of the run's timeline
   * @param latencyNanos p50, p99 and max of the committed ones, from invocation to completion
   * @param retries the protocol's metrics that count aborts, restarts and retries, by name (nonzero
   *     only)
   * @param waits commit wait, blocked and in-doubt figures the protocol reports, in milliseconds
   * @param messagesPerCommit messages sent per committed transaction
   * @param notApplied scheduled faults the run never applied, each with why
   */
  public record Figures(
      Map<String, String> verdicts,
      List<String> anomalies,
      double okPerSecond,
      long[] latencyNanos,
      Map<String, Double> retries,
      Map<String, Double> waits,
      double messagesPerCommit,
      List<String> notApplied) {}

  /**
   * The models every compared protocol is checked against when the scenario names none: all the
   * models any of them promises, strongest first (the one that rules out most anomalies).
   */
  public static List<String> commonModels(Collection<Protocol> protocols) {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    for (Protocol p : protocols) {
      all.addAll(p.promises());
    }
    List<String> out = new ArrayList<>(all);
    out.sort(
        Comparator.comparingInt((String m) -> -ModelLattice.prohibitedBy(List.of(m)).size())
            .thenComparing(m -> m));
    return out;
  }

  public static Figures of(RunOutcome o) {
    Map<String, String> verdicts = new LinkedHashMap<>();
    LinkedHashSet<String> anomalies = new LinkedHashSet<>();
    for (Map.Entry<String, Check> c : o.checks().entrySet()) {
      Validity v = c.getValue().validity();
      verdicts.put(
          c.getKey(),
          v == Validity.VALID ? "valid" : v == Validity.INVALID ? "INVALID" : "unknown");
      anomalies.addAll(c.getValue().anomalyTypes());
    }
    Map<String, Double> m = o.metrics();
    double seconds = Math.max(1e-9, o.timings().runSeconds());
    double ok = m.getOrDefault("txns_ok", m.getOrDefault("ops_ok", 0.0));
    return new Figures(
        verdicts,
        List.copyOf(anomalies),
        ok / seconds,
        latencies(o),
        retries(m),
        waits(o),
        // A live run counts no messages (they go over real sockets): not zero, unknown.
        ok == 0 || !m.containsKey("messages") ? Double.NaN : m.get("messages") / ok,
        notApplied(o));
  }

  /** p50, p99 and max latency of the committed operations (all zero when none committed). */
  static long[] latencies(RunOutcome o) {
    List<Long> ls = new ArrayList<>();
    for (Operation op : o.history().operations()) {
      if (op.isOk()) {
        ls.add(op.completeTimeNanos() - op.invokeTimeNanos());
      }
    }
    if (ls.isEmpty()) {
      return new long[] {0, 0, 0};
    }
    long[] a = ls.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return new long[] {
      a[(int) Math.min(a.length - 1, Math.floor(0.5 * a.length))],
      a[(int) Math.min(a.length - 1, Math.floor(0.99 * a.length))],
      a[a.length - 1]
    };
  }

  /**
   * The protocol's counts of aborts, restarts and retries, by cause — whatever each protocol calls
   * them (2PC: {@code aborts_CAUSE}, {@code retries}; crdb: {@code restarts_CAUSE}, {@code
   * uncertainty_restarts}, {@code refresh_failures}, {@code deadlocks}, …). Zeros are left out.
   */
  static Map<String, Double> retries(Map<String, Double> metrics) {
    Map<String, Double> out = new TreeMap<>();
    metrics.forEach(
        (k, v) -> {
          boolean retry =
              k.contains("abort")
                  || k.contains("retr")
                  || k.contains("restart")
                  || k.contains("refresh_fail")
                  || k.contains("deadlock")
                  || k.contains("push");
          if (retry && v != null && v != 0) {
            out.put(k, v);
          }
        });
    return out;
  }

  /** Commit wait, blocked and in-doubt figures in milliseconds, where the protocol has them. */
  static Map<String, Double> waits(RunOutcome o) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String d : List.of("commit_wait", "in_doubt", "lock_hold")) {
      long[] v = o.distributions().get(d);
      if (v != null && v.length > 0) {
        long[] s = v.clone();
        Arrays.sort(s);
        out.put(d + "_ms_p50", s[s.length / 2] / 1e6);
        out.put(d + "_ms_max", s[s.length - 1] / 1e6);
      }
    }
    for (String k : List.of("blocked_txns", "blocked_ms_max")) {
      Double v = o.metrics().get(k);
      if (v != null) {
        out.put(k, v);
      }
    }
    return out;
  }

  /**
   * The scenario's faults that this run did not apply, each with why: a fault the nemesis could not
   * resolve (its reason, as the history records it), and a kill armed for a protocol phase that no
   * coordinator of this protocol ever reached.
   */
  static List<String> notApplied(RunOutcome o) {
    List<String> out = new ArrayList<>();
    List<String> nemesis = new ArrayList<>();
    for (Op e : o.history().events()) {
      if (e.isNemesis() && e.value() instanceof String s) {
        nemesis.add(s);
      }
    }
    for (String s : nemesis) {
      int at = s.indexOf(" (not applied: ");
      if (at >= 0 && !out.contains(s)) {
        out.add(s);
      }
    }
    for (FaultEvent e : o.planEvents()) {
      if (e.cause() != FaultEvent.Cause.START) {
        continue;
      }
      if (e.fault() instanceof Fault.Kill k && k.after().isPresent()) {
        String prefix = "kill coordinator after " + k.after().get().text() + " → ";
        boolean fired = nemesis.stream().anyMatch(s -> s.startsWith(prefix));
        if (!fired) {
          out.add(
              e.fault().text()
                  + " (never fired: no coordinator of this protocol reached that phase)");
        }
      }
    }
    return out;
  }
}
