package dev.txlab.coordinator.saga;

import java.util.List;

/** What a service's local transactions are: the commands its Raft log carries. */
public sealed interface ServiceCommand {
  /**
   * One saga step as a local transaction: append {@code element} to {@code key}.
   *
   * @param sagaId the saga it belongs to
   * @param stepKey its idempotency key ({@code sagaId/step/f} or {@code …/c})
   * @param compensation whether it undoes an earlier step
   * @param undoes for a compensation, the element of the step it undoes (what a re-read looks for)
   */
  record Step(
      String sagaId, String stepKey, String key, long element, boolean compensation, long undoes)
      implements ServiceCommand {}

  /** The saga is over: its pending flags on {@code keys} go. */
  record Release(String sagaId, List<String> keys) implements ServiceCommand {
    public Release {
      keys = List.copyOf(keys);
    }
  }

  /** A read of {@code keys}, served after every earlier local transaction. */
  record Read(List<String> keys) implements ServiceCommand {
    public Read {
      keys = List.copyOf(keys);
    }
  }
}
