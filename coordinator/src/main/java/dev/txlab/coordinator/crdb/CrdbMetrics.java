package dev.txlab.coordinator.crdb;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code crdb} protocol's counters, fed by every gateway's {@link CrdbProbe} (synchronized: on
 * a live node the gateway's thread writes while the status page reads).
 */
public final class CrdbMetrics implements CrdbProbe {
  /**
   * The metrics, by the names results and expectations use ({@code restarts_CAUSE} and {@code
   * aborted_CAUSE} break the restarts and aborted attempts down by cause).
   */
  public static final List<String> NAMES =
      List.of(
          "commits",
          "uncertainty_restarts",
          "uncertainty_refreshes",
          "write_too_old_pushes",
          "ts_cache_pushes",
          "refreshes",
          "refresh_failures",
          "restarts",
          "txn_pushes",
          "deadlocks",
          "attempts_aborted",
          "clock_fenced",
          "commit_ms_p50",
          "commit_ms_max",
          "restarts_",
          "aborted_");

  private final TreeMap<String, Long> counts = new TreeMap<>();
  private final java.util.ArrayList<Long> commitNanos = new java.util.ArrayList<>();

  private synchronized void count(String name) {
    counts.merge(name, 1L, Long::sum);
  }

  @Override
  public synchronized void uncertainty(boolean refreshedInstead) {
    count(refreshedInstead ? "uncertainty_refreshes" : "uncertainty_restarts");
  }

  @Override
  public synchronized void writePushed(String why) {
    count(why.equals("write-too-old") ? "write_too_old_pushes" : "ts_cache_pushes");
  }

  @Override
  public synchronized void refreshed(boolean ok) {
    count(ok ? "refreshes" : "refresh_failures");
  }

  @Override
  public synchronized void restarted(String cause) {
    count("restarts");
    // An uncertainty restart is already counted as uncertainty_restarts.
    if (cause.equals("uncertainty")) return;
    count("restarts_" + cause.replace('-', '_'));
  }

  @Override
  public synchronized void pushSent(CrdbCommand.PushType type) {
    count("txn_pushes");
  }

  @Override
  public synchronized void deadlock() {
    count("deadlocks");
  }

  @Override
  public synchronized void attemptAborted(String cause) {
    count("attempts_aborted");
    count("aborted_" + cause.replace('-', '_'));
  }

  @Override
  public synchronized void fenced() {
    count("clock_fenced");
  }

  @Override
  public synchronized void committed(long nanos) {
    count("commits");
    commitNanos.add(Math.max(0, nanos));
  }

  /** Every metric (zero where nothing happened). */
  public synchronized Map<String, Double> summary() {
    TreeMap<String, Double> m = new TreeMap<>();
    for (String n : NAMES) if (!n.endsWith("_")) m.put(n, 0.0);
    counts.forEach((k, v) -> m.put(k, (double) v));
    long[] c = commitDistribution();
    if (c.length > 0) {
      m.put("commit_ms_p50", c[c.length / 2] / 1e6);
      m.put("commit_ms_max", c[c.length - 1] / 1e6);
    }
    return m;
  }

  /** Commit latencies at the gateways, sorted, in nanoseconds. */
  public synchronized long[] commitDistribution() {
    long[] a = commitNanos.stream().mapToLong(Long::longValue).toArray();
    java.util.Arrays.sort(a);
    return a;
  }
}
