package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.protocol.CoordinatorPhase;
import dev.txlab.node.api.Address;

/** What a gateway tells about its work, for the run's metrics and phase-armed faults. */
public interface PercolatorProbe {
  /** A batch of {@code count} timestamps was asked of the oracle (one request; resends not). */
  default void tsoRequested(int count) {}

  /** A timestamp was handed to its waiter after {@code nanos}. */
  default void tsoWaited(long nanos) {}

  /** A prewrite met a write committed after its start: the attempt aborts. */
  default void writeConflict() {}

  /** A lock met by a reader or a prewrite was settled from its primary: committed or not. */
  default void lockResolved(boolean forward, boolean byScan) {}

  /** A read or prewrite waited {@code nanos} on locks before it got through. */
  default void lockWaited(long nanos) {}

  /** An attempt was aborted (and rolled back) for {@code cause}. */
  default void attemptAborted(String cause) {}

  /** A transaction committed after {@code nanos} at its gateway. */
  default void committed(long nanos) {}

  /**
   * The gateway {@code gateway} reached {@code phase}: {@code PREPARE} (every key prewritten, the
   * primary's commit not sent), {@code DECIDE} (the primary committed, the secondaries not yet).
   */
  default void reached(CoordinatorPhase phase, Address gateway) {}

  PercolatorProbe NONE = new PercolatorProbe() {};
}
