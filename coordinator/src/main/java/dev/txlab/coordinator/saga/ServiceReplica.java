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
import java.util.TreeSet;

/**
 * One replica of a service ({@code orders}, {@code payments}, …): a Raft group replicating the
 * service's {@link ServiceState}, so each local transaction — a step, a release, a read — is
 * applied by a majority before its sender hears the outcome from the leader. A request is sent to
 * every replica; only the leader proposes it, once while it is in flight (a retry of a request
 * already applied is proposed again: only the idempotency key stops it taking effect twice).
 */
public final class ServiceReplica implements Process {
  public record Config(SagaKeys.Service service, RaftConfig raft, ServiceState.Config state) {}

  private final Env env;
  private final Config config;
  private final ServiceState state;
  private final RaftReplica raft;
  private final TreeSet<String> inFlight = new TreeSet<>();

  public ServiceReplica(Env env, Config config) {
    this.env = env;
    this.config = config;
    this.state = new ServiceState(config.state());
    this.raft = new RaftReplica(env, config.raft(), new Acting(), new Listener());
  }

  private final class Acting implements StateMachine {
    @Override
    public Object apply(LogEntry entry) {
      if (!(entry.command() instanceof ServiceProposal p)) return null;
      Object result = state.apply(p.command());
      inFlight.remove(p.replyTo() + " " + p.requestId());
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
      return state.snapshot();
    }

    @Override
    public void restore(Object snapshot) {
      state.restore(snapshot);
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
    } else if (message instanceof SagaMessage.ServiceRequest r && raft.isLeader()) {
      String key = from + " " + r.requestId();
      if (inFlight.contains(key)) return;
      if (raft.propose(new ServiceProposal(from, r.requestId(), r.command())) >= 0)
        inFlight.add(key);
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

  /** The message types a replica handles (besides Raft's). */
  public static final List<Class<?>> HANDLED = List.of(SagaMessage.ServiceRequest.class);

  public RaftReplica raft() {
    return raft;
  }

  public ServiceState state() {
    return state;
  }

  public Config config() {
    return config;
  }
}
