package dev.txlab.coordinator.saga;

import dev.txlab.node.api.Timer;

/** The {@code saga} protocol's timers; none is cancelled, each knows when it is stale. */
public sealed interface SagaTimer extends Timer {
  /** The orchestrator's periodic retry of every step in flight. */
  record Retry(long n) implements SagaTimer {}

  /** Choreography: a service's periodic fetch from the event log and its outbox relay. */
  record Poll(long n) implements SagaTimer {}

  /** A client's next operation. */
  record ClientNext(long afterSeq) implements SagaTimer {}

  /** A client asks again for op {@code seq} if it is still waiting. */
  record ClientResend(long seq) implements SagaTimer {}

  /** A client gives up on op {@code seq} if it is still waiting. */
  record ClientTimeout(long seq) implements SagaTimer {}
}
