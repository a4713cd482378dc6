package dev.txlab.coordinator.migration;

import dev.txlab.coordinator.protocol.TimeSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The simulator's {@link MigrationProbe}: it stamps what the processes report with the simulator's
 * true time and keeps what the metrics, the checks and the plots need. It lives outside every
 * process, so it survives their crashes; it counts a change applied twice (a duplicate) and a
 * change of a key applied for the first time after a later change of the same key (a reordering,
 * which must never happen: it throws, and the simulator reports the seed). Memory is bounded:
 * positions are forgotten once applied and older than the newest applied by {@link #WINDOW}, and
 * series and lists keep at most a fixed number of points.
 */
public final class MigrationMeasurements implements MigrationProbe {
  /** A reported mismatch of a shadow read. */
  public record Mismatch(long atNanos, String key, String oldValue, String newValue) {}

  /** A range switched between the stores. */
  public record Switch(long atNanos, int range, boolean toNew, long drainNanos) {}

  static final int SERIES_POINTS_MAX = 4000;
  static final int MISMATCHES_LISTED_MAX = 50;
  static final long WINDOW = 1 << 16;

  private final LongSupplier now;
  private final TreeMap<Long, Long> committedAt = new TreeMap<>();
  private final TreeSet<Long> applied = new TreeSet<>();
  private final TreeMap<String, Long> lastAppliedOfKey = new TreeMap<>();
  private final List<Long> lagNanos = new ArrayList<>();
  private final List<TimeSeries.Point> lagSeries = new ArrayList<>();
  private final List<TimeSeries.Point> retainedSeries = new ArrayList<>();
  private final List<Mismatch> mismatches = new ArrayList<>();
  private final List<Switch> switches = new ArrayList<>();
  private long retainedMax;
  private long refusals;
  private long backfillRows;
  private long duplicates;
  private long reordered;
  private long changesApplied;
  private long shadowCompared;
  private long shadowMismatches;
  private long appliedMax;

  public MigrationMeasurements(LongSupplier now) {
    this.now = now;
  }

  @Override
  public void committed(long position, String key, long retainedBytes) {
    if (key != null) {
      committedAt.put(position, now.getAsLong());
    }
    retained(retainedBytes);
  }

  @Override
  public void retained(long retainedBytes) {
    retainedMax = Math.max(retainedMax, retainedBytes);
    addPoint(retainedSeries, retainedBytes);
  }

  private void addPoint(List<TimeSeries.Point> series, double value) {
    long t = now.getAsLong();
    if (series.size() >= SERIES_POINTS_MAX) {
      return;
    }
    // One point per millisecond is plenty for a plot: replace the last one within it.
    if (!series.isEmpty() && t - series.get(series.size() - 1).atNanos() < 1_000_000L) {
      series.set(
          series.size() - 1, new TimeSeries.Point(series.get(series.size() - 1).atNanos(), value));
    } else {
      series.add(new TimeSeries.Point(t, value));
    }
  }

  @Override
  public void refused() {
    refusals++;
  }

  @Override
  public void applied(long position, String key) {
    if (!applied.add(position) || position <= appliedMax - WINDOW) {
      duplicates++;
      return;
    }
    changesApplied++;
    appliedMax = Math.max(appliedMax, position);
    Long last = lastAppliedOfKey.put(key, position);
    if (last != null && last > position) {
      // The stream-order monitor: a change applied after a later change of its key is our bug.
      reordered++;
      throw new IllegalStateException(
          "stream order: change " + position + " of key " + key + " applied after change " + last);
    }
    Long at = committedAt.remove(position);
    if (at != null) {
      long lag = now.getAsLong() - at;
      lagNanos.add(lag);
      addPoint(lagSeries, lag / 1e6);
    }
    while (!applied.isEmpty() && applied.first() <= appliedMax - WINDOW) {
      applied.pollFirst();
    }
    // Changes never applied (write-backs, filtered by origin) are forgotten as they fall behind.
    committedAt.headMap(appliedMax - WINDOW).clear();
  }

  @Override
  public void backfilled(String key) {
    backfillRows++;
  }

  @Override
  public void shadowMismatch(String key, String oldValue, String newValue) {
    shadowMismatches++;
    if (mismatches.size() < MISMATCHES_LISTED_MAX) {
      mismatches.add(new Mismatch(now.getAsLong(), key, oldValue, newValue));
    }
  }

  @Override
  public void shadowCompared() {
    shadowCompared++;
  }

  @Override
  public void switched(int range, boolean toNew, long drainNanos) {
    switches.add(new Switch(now.getAsLong(), range, toNew, drainNanos));
  }

  /** The p99 of the lag between a change's commit on the old store and its apply on the new. */
  public double lagMsP99() {
    if (lagNanos.isEmpty()) {
      return 0;
    }
    long[] sorted = lagNanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int i = (int) Math.ceil(0.99 * sorted.length) - 1;
    return sorted[Math.max(0, i)] / 1e6;
  }

  public long retainedMax() {
    return retainedMax;
  }

  public long refusals() {
    return refusals;
  }

  public long backfillRows() {
    return backfillRows;
  }

  public long duplicates() {
    return duplicates;
  }

  public long reordered() {
    return reordered;
  }

  public long changesApplied() {
    return changesApplied;
  }

  public long shadowReadsCompared() {
    return shadowCompared;
  }

  public long shadowMismatches() {
    return shadowMismatches;
  }

  public List<Mismatch> mismatches() {
    return List.copyOf(mismatches);
  }

  public List<Switch> switches() {
    return List.copyOf(switches);
  }

  public List<TimeSeries> series() {
    return List.of(
        new TimeSeries("CDC lag", "ms", lagSeries),
        new TimeSeries("retained log", "bytes", retainedSeries));
  }
}
