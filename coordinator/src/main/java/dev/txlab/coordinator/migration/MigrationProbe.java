package dev.txlab.coordinator.migration;

/**
 * What the migration's processes report to whoever measures a run: called inside their steps, never
 * read back by them, so observing changes nothing a process does. The host adds the time. The
 * simulator's measurements ({@link MigrationMeasurements}) survive crashes; the processes' state
 * does not.
 */
public interface MigrationProbe {
  /** The old store appended a change to the migration's stream; it now retains {@code bytes}. */
  void committed(long position, String key, long retainedBytes);

  /** The old store discarded changes (slot advanced, outbox acknowledged). */
  void retained(long retainedBytes);

  /** The old store refused a write: its disk cap is reached. */
  void refused();

  /** The consumer applied the row change at {@code position} to the new store. */
  void applied(long position, String key);

  /** The backfill copied a row to the new store. */
  void backfilled(String key);

  /** A shadow read found the new store disagreeing with the old. */
  void shadowMismatch(String key, String oldValue, String newValue);

  /** A shadow read was compared (matching or not). */
  void shadowCompared();

  /**
   * The router switched {@code range} to the new store ({@code toNew}) or back, after draining
   * writes for {@code drainNanos}.
   */
  void switched(int range, boolean toNew, long drainNanos);

  /** A dual write reached the old store but its new-store leg was lost or failed. */
  default void dualWriteLegLost() {}

  /** A probe that ignores everything. */
  static MigrationProbe none() {
    return new MigrationProbe() {
      @Override
      public void committed(long position, String key, long retainedBytes) {}

      @Override
      public void retained(long retainedBytes) {}

      @Override
      public void refused() {}

      @Override
      public void applied(long position, String key) {}

      @Override
      public void backfilled(String key) {}

      @Override
      public void shadowMismatch(String key, String oldValue, String newValue) {}

      @Override
      public void shadowCompared() {}

      @Override
      public void switched(int range, boolean toNew, long drainNanos) {}
    };
  }
}
