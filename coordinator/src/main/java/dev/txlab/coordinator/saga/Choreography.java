package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A service's part in a choreographed saga, pure, replicated with the service's data in the same
 * Raft log (so a consumed event, the step it caused and the event it emits commit together). The
 * service reads the replicated event log from its consumer offset — stored here, with its state —
 * and for each event whose saga's next step is its own, runs that step as a local transaction and
 * puts the saga's next event (the next step, or a compensation) in its outbox; a relay publishes
 * the outbox to the event log until the log acknowledges it. Delivery is at least once: a relay
 * whose acknowledgement is lost publishes again, and the log keeps both copies. With idempotency a
 * consumer skips an event id it has consumed (and the step's idempotency key stops a second
 * effect); without, a redelivered event charges again. The plan travels in the event (a {@link
 * SagaLog.Saga}), and every service applies the same transitions the orchestrator would ({@link
 * SagaLog#advance}): no one sequences the saga, each service reacts.
 */
public final class Choreography {
  /** One event of the log: a saga as it stands after a step; its id names that transition. */
  public record Event(String eventId, SagaLog.Saga saga) {
    public static Event of(SagaLog.Saga s) {
      return new Event(s.id() + "@" + SagaLog.progress(s), s);
    }
  }

  /** What applying a command tells the replica's leader: a saga to report to its client. */
  public record Outcome(SagaLog.Saga ended, SagaLog.Saga stepped, String stepOutcome) {}

  private final SagaKeys.Service service;
  private final ServiceState data;
  private final boolean idempotency;
  private final boolean releaseFlags;
  private long offset;
  private long nextOutboxId;
  private TreeMap<Long, Event> outbox = new TreeMap<>();
  private TreeSet<String> consumed = new TreeSet<>();
  private TreeMap<String, SagaLog.Saga> sagas = new TreeMap<>();

  public Choreography(
      SagaKeys.Service service, ServiceState data, boolean idempotency, boolean releaseFlags) {
    this.service = service;
    this.data = data;
    this.idempotency = idempotency;
    this.releaseFlags = releaseFlags;
  }

  /** The orders service starts a saga: its first step, the order, runs here and now. */
  public Outcome start(String sagaId, Address client, long seq, List<MicroOp> plan) {
    SagaLog.Saga known = sagas.get(sagaId);
    if (known != null) return new Outcome(known.status().terminal() ? known : null, null, null);
    SagaLog.Saga s = SagaLog.begin(sagaId, client, seq, plan);
    sagas.put(sagaId, s);
    return step(s);
  }

  /** Consumes the event at {@code at} (ignored unless it is the next one). */
  public Outcome consume(long at, Event e) {
    if (at != offset) return null;
    offset++;
    if (idempotency && !consumed.add(e.eventId())) return null;
    SagaLog.Saga s = e.saga();
    SagaLog.Saga ended = null;
    if (service == SagaKeys.Service.ORDERS) {
      SagaLog.Saga known = sagas.get(s.id());
      if (known == null || SagaLog.progress(s) > SagaLog.progress(known)) {
        sagas.put(s.id(), s);
        if (s.status().terminal()) ended = s;
      }
    }
    if (s.status().terminal()) {
      if (releaseFlags) {
        List<String> mine = new ArrayList<>();
        for (String k : s.touchedKeys()) if (SagaKeys.serviceOf(k) == service) mine.add(k);
        if (!mine.isEmpty()) data.apply(new ServiceCommand.Release(s.id(), mine));
      }
      return new Outcome(ended, null, null);
    }
    return step(s);
  }

  /** Runs {@code s}'s next step if it is this service's, and emits the saga's next event. */
  private Outcome step(SagaLog.Saga s) {
    List<SagaLog.Next> next = SagaLog.nextOf(s);
    if (next.isEmpty() || next.get(0).service() != service) return null;
    SagaLog.Next n = next.get(0);
    String out = (String) data.apply(n.command());
    SagaLog.Saga after =
        SagaLog.advance(s, new SagaLogCommand.Result(s.id(), n.step(), n.compensation(), out));
    outbox.put(nextOutboxId++, Event.of(after));
    SagaLog.Saga ended = null;
    if (service == SagaKeys.Service.ORDERS) {
      sagas.put(after.id(), after);
      if (after.status().terminal()) ended = after; // a cancellation ends a compensated saga here
    }
    return new Outcome(ended, s, out);
  }

  /** The log acknowledged outbox entry {@code id}. */
  public void published(long id) {
    outbox.remove(id);
  }

  /** The next event to consume. */
  public long offset() {
    return offset;
  }

  /** Events not yet acknowledged by the log, by outbox id. */
  public Map<Long, Event> outbox() {
    return java.util.Collections.unmodifiableMap(outbox);
  }

  /** For the orders service: every saga it started, as the latest event it saw tells it. */
  public Map<String, SagaLog.Saga> sagas() {
    return java.util.Collections.unmodifiableMap(sagas);
  }

  Object snapshot() {
    return new Snap(
        offset, nextOutboxId, Map.copyOf(outbox), List.copyOf(consumed), Map.copyOf(sagas));
  }

  /** The consumer state's snapshot (package-visible for the live codec). */
  record Snap(
      long offset,
      long nextOutboxId,
      Map<Long, Event> outbox,
      List<String> consumed,
      Map<String, SagaLog.Saga> sagas) {}

  void restore(Object snapshot) {
    Snap s = (Snap) snapshot;
    offset = s.offset();
    nextOutboxId = s.nextOutboxId();
    outbox = new TreeMap<>(s.outbox());
    consumed = new TreeSet<>(s.consumed());
    sagas = new TreeMap<>(s.sagas());
  }
}
