package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Message;
import java.util.List;

/** The {@code saga} protocol's messages (besides Raft's). */
public sealed interface SagaMessage extends Message {
  /** A client asks the orchestrator to run flow {@code seq} as a saga (again, if unanswered). */
  record StartSaga(long seq, List<MicroOp> ops) implements SagaMessage {
    public StartSaga {
      ops = List.copyOf(ops);
    }
  }

  /**
   * The saga ended: what took effect, and whether it {@code completed} or was {@code compensated}.
   */
  record SagaDone(long seq, List<MicroOp> effects, String outcome) implements SagaMessage {
    public SagaDone {
      effects = List.copyOf(effects);
    }
  }

  /** A local transaction for a service (sent to every replica; its leader runs it). */
  record ServiceRequest(String requestId, ServiceCommand command) implements SagaMessage {}

  /** A step's, or a release's, outcome. */
  record StepDone(String requestId, String outcome) implements SagaMessage {}

  /** A read's answer. */
  record ReadDone(String requestId, ServiceState.ReadResult result) implements SagaMessage {}

  /** Choreography: a service's relay publishes outbox entry {@code outboxId} to the event log. */
  record Publish(long outboxId, Choreography.Event event) implements SagaMessage {}

  /** Choreography: the event log appended outbox entry {@code outboxId}. */
  record Published(long outboxId) implements SagaMessage {}

  /** Choreography: a consumer asks for the events from offset {@code from} on. */
  record Fetch(long from) implements SagaMessage {}

  /** Choreography: the events from offset {@code from} on (at most a batch). */
  record Events(long from, List<Choreography.Event> events) implements SagaMessage {
    public Events {
      events = List.copyOf(events);
    }
  }
}
