package dev.txlab.coordinator.saga;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import dev.txlab.node.raft.Command;
import dev.txlab.node.raft.LogEntry;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftListener;
import dev.txlab.node.raft.RaftMessage;
import dev.txlab.node.raft.RaftReplica;
import dev.txlab.node.raft.RaftTimer;
import dev.txlab.node.raft.Role;
import dev.txlab.node.raft.StateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One replica of the choreography's event log (a topic): a Raft group whose state is the list of
 * events appended so far. Its leader appends what a service publishes and acknowledges it once
 * applied; it serves a consumer's fetch from the events it has applied (committed events never
 * change, so any prefix it has is true). It does not deduplicate: a publish retried after a lost
 * acknowledgement is appended twice — delivery is at least once.
 */
public final class EventLogReplica implements Process {
  /** An event as the log's Raft log carries it, with whom to acknowledge. */
  public record Append(Address publisher, long outboxId, Choreography.Event event)
      implements Command {}

  /** At most this many events per fetch. */
  static final int BATCH = 32;

  private final Env env;
  private final RaftReplica raft;
  private List<Choreography.Event> events = new ArrayList<>();
  private final TreeSet<String> inFlight = new TreeSet<>();

  public EventLogReplica(Env env, RaftConfig config) {
    this.env = env;
    this.raft = new RaftReplica(env, config, new Acting(), new Listener());
  }

  private final class Acting implements StateMachine {
    @Override
    public Object apply(LogEntry entry) {
      if (!(entry.command() instanceof Append a)) return null;
      events.add(a.event());
      inFlight.remove(a.publisher() + " " + a.outboxId());
      if (raft.isLeader()) env.send(a.publisher(), new SagaMessage.Published(a.outboxId()));
      return null;
    }

    @Override
    public Object snapshot() {
      return List.copyOf(events);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(Object snapshot) {
      events = new ArrayList<>((List<Choreography.Event>) snapshot);
    }
  }

  private final class Listener implements RaftListener {
    @Override
    public void onRoleChanged(Role role, long term, Address leaderId) {
      if (role != Role.LEADER) inFlight.clear();
    }
  }

  @Override
  public void onStart() {
    raft.onStart();
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof RaftMessage m) {
      raft.onMessage(from, m);
    } else if (!raft.isLeader()) {
      return; // publishers and consumers ask every replica; the leader answers
    } else if (message instanceof SagaMessage.Publish p) {
      String key = from + " " + p.outboxId();
      if (inFlight.contains(key)) return;
      if (raft.propose(new Append(from, p.outboxId(), p.event())) >= 0) inFlight.add(key);
    } else if (message instanceof SagaMessage.Fetch f) {
      if (f.from() < 0 || f.from() >= events.size()) return;
      int to = (int) Math.min(events.size(), f.from() + BATCH);
      env.send(from, new SagaMessage.Events(f.from(), events.subList((int) f.from(), to)));
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof RaftTimer t) raft.onTimer(t);
  }

  @Override
  public void checkInvariants() {
    raft.checkInvariants();
  }

  /** The message types it handles (besides Raft's). */
  public static final List<Class<?>> HANDLED =
      List.of(SagaMessage.Publish.class, SagaMessage.Fetch.class);

  public RaftReplica raft() {
    return raft;
  }

  /** The events applied here. */
  public List<Choreography.Event> events() {
    return java.util.Collections.unmodifiableList(events);
  }
}
