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

  /** Choreography, at the orders service: a client's flow starts as saga {@code sagaId}. */
  record Start(
      String sagaId,
      dev.txlab.node.api.Address client,
      long seq,
      List<dev.txlab.coordinator.txn.MicroOp> plan)
      implements ServiceCommand {
    public Start {
      plan = List.copyOf(plan);
    }
  }

  /** Choreography: the event at offset {@code at} of the event log, consumed. */
  record Consume(long at, Choreography.Event event) implements ServiceCommand {}

  /** Choreography: the event log acknowledged outbox entry {@code outboxId}. */
  record Acked(long outboxId) implements ServiceCommand {}
}
