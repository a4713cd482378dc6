package dev.txlab.coordinator.crdb;

/** What a gateway tells about the retries it performs, for the run's metrics. */
public interface CrdbProbe {
  /** A read met a value inside its uncertainty interval. */
  default void uncertainty(boolean refreshedInstead) {}

  /** A write was pushed above its timestamp: {@code write-too-old} or {@code timestamp-cache}. */
  default void writePushed(String why) {}

  /** A refresh: whether the reads held. */
  default void refreshed(boolean ok) {}

  /** A transaction was restarted (a new epoch) for {@code cause}. */
  default void restarted(String cause) {}

  /** A push was sent for a conflicting intent. */
  default void pushSent(CrdbCommand.PushType type) {}

  /** A push found a deadlock (a cycle of transactions waiting on each other). */
  default void deadlock() {}

  /**
   * An attempt was aborted (its record was aborted by a pusher, or it gave up) for {@code cause}.
   */
  default void attemptAborted(String cause) {}

  /** A transaction committed after {@code nanos} at its gateway. */
  default void committed(long nanos) {}

  /** A gateway refused a transaction: its clock is beyond the bound (clock guard). */
  default void fenced() {}

  CrdbProbe NONE = new CrdbProbe() {};
}
