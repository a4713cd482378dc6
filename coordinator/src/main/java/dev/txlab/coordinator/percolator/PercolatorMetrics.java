package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.protocol.CoordinatorPhase;
import dev.txlab.node.api.Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The {@code percolator} protocol's counters, fed by every gateway's {@link PercolatorProbe}
 * (synchronized: on a live node the gateway's thread writes while the status page reads). It also
 * passes the gateways' phases on to whoever arms phase-triggered faults.
 */
public final class PercolatorMetrics implements PercolatorProbe {
  /**
   * The metrics, by the names results and expectations use ({@code aborted_CAUSE} breaks aborted
   * attempts down by cause). {@code locks_left} is counted by the cluster at the end of a run.
   */
  public static final List<String> NAMES =
      List.of(
          "commits",
          "tso_requests",
          "tso_timestamps",
          "tso_wait_ms_p99",
          "tso_wait_ms_max",
          "write_conflicts",
          "locks_resolved_forward",
          "locks_resolved_back",
          "locks_resolved_by_scan",
          "lock_waits",
          "lock_wait_ms_p99",
          "lock_wait_ms_max",
          "attempts_aborted",
          "commit_ms_p50",
          "locks_left",
          "aborted_");

  private final TreeMap<String, Long> counts = new TreeMap<>();
  private final ArrayList<Long> tsoWaitNanos = new ArrayList<>();
  private final ArrayList<Long> lockWaitNanos = new ArrayList<>();
  private final ArrayList<Long> commitNanos = new ArrayList<>();
  private BiConsumer<CoordinatorPhase, Address> phaseHook = (p, a) -> {};

  private void count(String name, long n) {
    counts.merge(name, n, Long::sum);
  }

  /** Who hears that a gateway reached a phase (the simulator's phase-armed kills). */
  public synchronized void onPhase(BiConsumer<CoordinatorPhase, Address> hook) {
    this.phaseHook = hook;
  }

  @Override
  public synchronized void tsoRequested(int count) {
    count("tso_requests", 1);
    count("tso_timestamps", count);
  }

  @Override
  public synchronized void tsoWaited(long nanos) {
    tsoWaitNanos.add(Math.max(0, nanos));
  }

  @Override
  public synchronized void writeConflict() {
    count("write_conflicts", 1);
  }

  @Override
  public synchronized void lockResolved(boolean forward, boolean byScan) {
    count(forward ? "locks_resolved_forward" : "locks_resolved_back", 1);
    if (byScan) count("locks_resolved_by_scan", 1);
  }

  @Override
  public synchronized void lockWaited(long nanos) {
    count("lock_waits", 1);
    lockWaitNanos.add(Math.max(0, nanos));
  }

  @Override
  public synchronized void attemptAborted(String cause) {
    count("attempts_aborted", 1);
    count("aborted_" + cause.replace('-', '_'), 1);
  }

  @Override
  public synchronized void committed(long nanos) {
    count("commits", 1);
    commitNanos.add(Math.max(0, nanos));
  }

  @Override
  public void reached(CoordinatorPhase phase, Address gateway) {
    BiConsumer<CoordinatorPhase, Address> hook;
    synchronized (this) {
      hook = phaseHook;
    }
    hook.accept(phase, gateway);
  }

  /** Every metric (zero where nothing happened). */
  public synchronized Map<String, Double> summary() {
    TreeMap<String, Double> m = new TreeMap<>();
    for (String n : NAMES) if (!n.endsWith("_")) m.put(n, 0.0);
    counts.forEach((k, v) -> m.put(k, (double) v));
    long[] t = sorted(tsoWaitNanos);
    if (t.length > 0) {
      m.put("tso_wait_ms_p99", percentile(t, 0.99) / 1e6);
      m.put("tso_wait_ms_max", t[t.length - 1] / 1e6);
    }
    long[] l = sorted(lockWaitNanos);
    if (l.length > 0) {
      m.put("lock_wait_ms_p99", percentile(l, 0.99) / 1e6);
      m.put("lock_wait_ms_max", l[l.length - 1] / 1e6);
    }
    long[] c = sorted(commitNanos);
    if (c.length > 0) m.put("commit_ms_p50", c[c.length / 2] / 1e6);
    return m;
  }

  static long percentile(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static long[] sorted(List<Long> xs) {
    long[] a = xs.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a;
  }

  /** Distributions in nanoseconds: the oracle's waits, lock waits, commit latencies. */
  public synchronized Map<String, long[]> distributions() {
    TreeMap<String, long[]> d = new TreeMap<>();
    d.put("commit", sorted(commitNanos));
    d.put("tso_wait", sorted(tsoWaitNanos));
    d.put("lock_wait", sorted(lockWaitNanos));
    return d;
  }
}
