package dev.txlab.coordinator.saga;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import dev.txlab.node.raft.LogEntry;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftListener;
import dev.txlab.node.raft.RaftMessage;
import dev.txlab.node.raft.RaftReplica;
import dev.txlab.node.raft.RaftTimer;
import dev.txlab.node.raft.Role;
import dev.txlab.node.raft.StateMachine;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One replica of a service ({@code orders}, {@code payments}, …): a Raft group replicating the
 * service's {@link ServiceState}, so each local transaction — a step, a release, a read — is
 * applied by a majority before its sender hears the outcome from the leader. A request is sent to
 * every replica; only the leader proposes it, once while it is in flight (a retry of a request
 * already applied is proposed again: only the idempotency key stops it taking effect twice).
 *
 * <p>Under choreography the replica also replicates the service's {@link Choreography} — its
 * consumer offset and outbox — in the same log: its leader fetches the event log from the offset
 * every {@link #POLL_NANOS}, proposes each event it gets as a {@link ServiceCommand.Consume},
 * relays its outbox to the event log and logs each acknowledgement; the orders service's leader
 * starts the sagas clients ask for and tells them when their saga ended.
 */
public final class ServiceReplica implements Process {
  /**
   * @param eventLog choreography: the event log's replicas (empty: orchestration, no event log)
   * @param pivotLast choreography, at the orders service: whether the email runs after the pivot
   */
  public record Config(
      SagaKeys.Service service,
      RaftConfig raft,
      ServiceState.Config state,
      List<Address> eventLog,
      boolean pivotLast) {
    public Config {
      eventLog = List.copyOf(eventLog);
    }

    public Config(SagaKeys.Service service, RaftConfig raft, ServiceState.Config state) {
      this(service, raft, state, List.of(), true);
    }

    boolean choreography() {
      return !eventLog.isEmpty();
    }
  }

  /** How often a choreographed service fetches events; its relay republishes every tenth time. */
  static final long POLL_NANOS = 30_000_000L;

  private final Env env;
  private final Config config;
  private final ServiceState state;
  private final Choreography choreography;
  private final RaftReplica raft;
  private final SagaProbe probe;
  private final TreeSet<String> inFlight = new TreeSet<>();
  // The choreography leader's working state.
  private long proposedThrough = -1;
  private final TreeSet<Long> ackProposed = new TreeSet<>();
  private final TreeMap<Long, Long> lastPublished = new TreeMap<>();

  public ServiceReplica(Env env, Config config) {
    this(env, config, SagaProbe.NONE);
  }

  public ServiceReplica(Env env, Config config, SagaProbe probe) {
    this.env = env;
    this.config = config;
    this.probe = probe;
    this.state = new ServiceState(config.state());
    this.choreography =
        config.choreography()
            ? new Choreography(
                config.service(),
                state,
                config.state().idempotency(),
                config.state().semanticLock())
            : null;
    this.raft = new RaftReplica(env, config.raft(), new Acting(), new Listener());
  }

  private final class Acting implements StateMachine {
    @Override
    public Object apply(LogEntry entry) {
      if (!(entry.command() instanceof ServiceProposal p)) return null;
      inFlight.remove(p.replyTo() + " " + p.requestId());
      if (choreography != null && isChoreography(p.command())) {
        choreographed(p.command());
        return null;
      }
      Object result = state.apply(p.command());
      if (raft.isLeader()) {
        env.send(
            p.replyTo(),
            result instanceof ServiceState.ReadResult r
                ? new SagaMessage.ReadDone(p.requestId(), r)
                : new SagaMessage.StepDone(p.requestId(), (String) result));
      }
      return result;
    }

    @Override
    public Object snapshot() {
      return choreography == null
          ? state.snapshot()
          : List.of(state.snapshot(), choreography.snapshot());
    }

    @Override
    public void restore(Object snapshot) {
      if (choreography == null) {
        state.restore(snapshot);
      } else {
        state.restore(((List<?>) snapshot).get(0));
        choreography.restore(((List<?>) snapshot).get(1));
      }
    }
  }

  private static boolean isChoreography(ServiceCommand c) {
    return c instanceof ServiceCommand.Start
        || c instanceof ServiceCommand.Consume
        || c instanceof ServiceCommand.Acked;
  }

  /** Applies a choreography command; the leader tells the client of a saga that ended. */
  private void choreographed(ServiceCommand c) {
    Choreography.Outcome o;
    if (c instanceof ServiceCommand.Start st) {
      boolean known = choreography.sagas().containsKey(st.sagaId());
      o = choreography.start(st.sagaId(), st.client(), st.seq(), st.plan());
      if (!known && raft.isLeader()) probe.begun(st.sagaId());
    } else if (c instanceof ServiceCommand.Consume k) {
      o = choreography.consume(k.at(), k.event());
    } else {
      choreography.published(((ServiceCommand.Acked) c).outboxId());
      return;
    }
    if (o == null || !raft.isLeader()) return;
    if (o.stepped() != null) {
      SagaLog.Next n = SagaLog.nextOf(o.stepped()).get(0);
      probe.logged(
          n.sagaId(),
          n.step(),
          n.compensation(),
          config.service().label(),
          n.command() instanceof ServiceCommand.Step s ? s.key() : "",
          o.stepOutcome());
      relay();
    }
    if (o.ended() != null) {
      SagaLog.Saga s = o.ended();
      String outcome = s.status() == SagaLog.Status.COMPLETED ? "completed" : "compensated";
      probe.ended(s.id(), outcome);
      env.send(s.client(), new SagaMessage.SagaDone(s.seq(), s.effects(), outcome));
    }
  }

  /** Publishes every outbox entry not sent in the last ten polls. */
  private void relay() {
    long now = env.localClockNanos();
    for (Map.Entry<Long, Choreography.Event> e : choreography.outbox().entrySet()) {
      Long at = lastPublished.get(e.getKey());
      if (at != null && now - at < 10 * POLL_NANOS) continue;
      lastPublished.put(e.getKey(), now);
      for (Address a : config.eventLog()) {
        env.send(a, new SagaMessage.Publish(e.getKey(), e.getValue()));
      }
    }
    lastPublished.keySet().removeIf(id -> !choreography.outbox().containsKey(id));
  }

  private final class Listener implements RaftListener {
    @Override
    public void onRoleChanged(Role role, long term, Address leaderId) {
      if (role != Role.LEADER) inFlight.clear();
      proposedThrough = -1;
      ackProposed.clear();
      lastPublished.clear();
    }
  }

  @Override
  public void onStart() {
    raft.onStart();
    if (choreography != null) env.setTimer(POLL_NANOS, new SagaTimer.Poll(0));
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof RaftMessage m) {
      raft.onMessage(from, m);
    } else if (!raft.isLeader()) {
      return; // requests go to every replica; the leader answers
    } else if (message instanceof SagaMessage.ServiceRequest r) {
      String key = from + " " + r.requestId();
      if (inFlight.contains(key)) return;
      if (raft.propose(new ServiceProposal(from, r.requestId(), r.command())) >= 0) {
        inFlight.add(key);
      }
    } else if (choreography != null) {
      onChoreography(from, message);
    }
  }

  private void onChoreography(Address from, Message message) {
    if (message instanceof SagaMessage.StartSaga st
        && config.service() == SagaKeys.Service.ORDERS) {
      start(from, st);
    } else if (message instanceof SagaMessage.Events ev) {
      long next = Math.max(choreography.offset(), proposedThrough);
      for (int i = 0; i < ev.events().size(); i++) {
        long at = ev.from() + i;
        if (at < next) continue;
        if (at > next) return; // a gap: fetch again
        ServiceCommand c = new ServiceCommand.Consume(at, ev.events().get(i));
        if (raft.propose(new ServiceProposal(env.self(), "consume/" + at, c)) < 0) return;
        proposedThrough = at + 1;
        next = at + 1;
      }
    } else if (message instanceof SagaMessage.Published p) {
      if (choreography.outbox().containsKey(p.outboxId()) && ackProposed.add(p.outboxId())) {
        raft.propose(
            new ServiceProposal(
                env.self(), "ack/" + p.outboxId(), new ServiceCommand.Acked(p.outboxId())));
      }
    }
  }

  private void start(Address client, SagaMessage.StartSaga st) {
    String id = client + "#" + st.seq();
    SagaLog.Saga known = choreography.sagas().get(id);
    if (!SagaKeys.isFlow(st.ops())) {
      env.send(client, new SagaMessage.SagaDone(st.seq(), List.of(), "rejected"));
    } else if (known != null) {
      if (known.status().terminal()) {
        env.send(
            client,
            new SagaMessage.SagaDone(
                st.seq(),
                known.effects(),
                known.status() == SagaLog.Status.COMPLETED ? "completed" : "compensated"));
      }
    } else if (!inFlight.contains(client + " " + id)) {
      ServiceCommand c =
          new ServiceCommand.Start(
              id, client, st.seq(), SagaLog.plan(st.ops(), config.pivotLast()));
      if (raft.propose(new ServiceProposal(client, id, c)) >= 0) inFlight.add(client + " " + id);
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof RaftTimer t) {
      raft.onTimer(t);
    } else if (timer instanceof SagaTimer.Poll p) {
      if (raft.isLeader()) {
        if (proposedThrough > choreography.offset() && p.n() % 10 == 0) {
          proposedThrough = -1; // consumes proposed long ago and not applied: fetch them again
        }
        long from = Math.max(choreography.offset(), proposedThrough);
        for (Address a : config.eventLog()) env.send(a, new SagaMessage.Fetch(from));
        relay();
      }
      env.setTimer(POLL_NANOS, new SagaTimer.Poll(p.n() + 1));
    }
  }

  @Override
  public void checkInvariants() {
    raft.checkInvariants();
  }

  /** The message types a replica handles (besides Raft's). */
  public static final List<Class<?>> HANDLED =
      List.of(
          SagaMessage.ServiceRequest.class,
          SagaMessage.StartSaga.class,
          SagaMessage.Events.class,
          SagaMessage.Published.class);

  public RaftReplica raft() {
    return raft;
  }

  public ServiceState state() {
    return state;
  }

  /** Choreography: its consumer state (null under orchestration). */
  public Choreography choreography() {
    return choreography;
  }

  public Config config() {
    return config;
  }
}
