package dev.txlab.coordinator.protocol;

import java.util.List;

/**
 * A quantity a protocol measured over a run's time ({@code cdc_lag_ms}, {@code
 * retained_log_bytes}), for the report to plot next to the fault bands.
 *
 * @param name what it is, as people read it
 * @param unit its unit ({@code ms}, {@code bytes})
 * @param points (time in nanoseconds, value) pairs in time order, bounded by the protocol
 */
public record TimeSeries(String name, String unit, List<Point> points) {
  /** One sample. */
  public record Point(long atNanos, double value) {}

  public TimeSeries {
    points = List.copyOf(points);
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).atNanos() < points.get(i - 1).atNanos()) {
        throw new IllegalArgumentException(name + ": points out of time order");
      }
    }
  }
}
