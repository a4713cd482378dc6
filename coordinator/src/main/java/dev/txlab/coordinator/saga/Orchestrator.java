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
 * One replica of the saga orchestrator: a Raft group replicating the {@link SagaLog}. Its leader
 * logs each saga before running it, sends each step to the step's service and logs the outcome
 * before going on, so every decision survives it; it retries a step unanswered after {@link
 * #RETRY_NANOS} under the same idempotency key. A new leader finds every saga in flight in the log
 * and drives it on from the step the log says — the step its predecessor may already have run,
 * which is why steps need idempotency keys.
 */
public final class Orchestrator implements Process {
  /**
   * @param services each service's replicas
   * @param pivotLast whether the irreversible step runs last (after the pivot)
   * @param releaseFlags whether sagas end by releasing pending flags (semantic-lock)
   */
  public record Config(
      RaftConfig raft,
      Map<SagaKeys.Service, List<Address>> services,
      boolean pivotLast,
      boolean releaseFlags) {
    public Config {
      services = Map.copyOf(services);
    }
  }

  /** A step unanswered this long is sent again. */
  public static final long RETRY_NANOS = 300_000_000L;

  private final Env env;
  private final Config config;
  private final SagaLog log;
  private final RaftReplica raft;
  private final SagaProbe probe;

  // The leader's working state, rebuilt from the log by each new leader.
  private final TreeSet<String> beginsProposed = new TreeSet<>();
  private final TreeSet<String> resultsProposed = new TreeSet<>();
  private final TreeMap<String, SagaLog.Next> outstanding = new TreeMap<>();
  private final TreeMap<String, Long> lastSent = new TreeMap<>();
  private final TreeMap<String, TreeSet<SagaKeys.Service>> releasesAcked = new TreeMap<>();
  private final TreeSet<String> taken = new TreeSet<>();
  private long retries;

  public Orchestrator(Env env, Config config, SagaProbe probe) {
    this.env = env;
    this.config = config;
    this.probe = probe;
    this.log = new SagaLog(config.releaseFlags());
    this.raft = new RaftReplica(env, config.raft(), new Acting(), new Listener());
  }

  private final class Acting implements StateMachine {
    @Override
    public Object apply(LogEntry entry) {
      if (!(entry.command() instanceof SagaLogCommand c)) return null;
      SagaLog.Saga before = c instanceof SagaLogCommand.Begin ? null : log.get(sagaOf(c));
      SagaLog.Saga s = log.apply(c);
      if (s == null || !raft.isLeader()) return null;
      if (c instanceof SagaLogCommand.Begin) {
        taken.add(s.id());
        probe.begun(s.id());
      } else if (c instanceof SagaLogCommand.Result r) {
        SagaLog.Next done = nextOf(before, r);
        probe.logged(
            s.id(), r.step(), r.compensation(), done.service().label(), key(done), r.outcome());
        probe.leaderLogged(env.self(), s.status().terminal());
        if (s.status().terminal()) {
          String outcome = s.status() == SagaLog.Status.COMPLETED ? "completed" : "compensated";
          probe.ended(s.id(), outcome);
          env.send(s.client(), new SagaMessage.SagaDone(s.seq(), s.effects(), outcome));
        }
      } else {
        probe.released(s.id());
        lastSent.remove(s.id());
        releasesAcked.remove(s.id());
        return null;
      }
      drive(s.id(), false);
      return null;
    }

    @Override
    public Object snapshot() {
      return log.snapshot();
    }

    @Override
    public void restore(Object snapshot) {
      log.restore(snapshot);
    }
  }

  private static String sagaOf(SagaLogCommand c) {
    if (c instanceof SagaLogCommand.Result r) return r.sagaId();
    return ((SagaLogCommand.Released) c).sagaId();
  }

  /** The request a logged result answered (the saga as it stood before the result). */
  private SagaLog.Next nextOf(SagaLog.Saga before, SagaLogCommand.Result r) {
    SagaLog probeLog = new SagaLog(config.releaseFlags());
    probeLog.restore(Map.of(before.id(), before));
    return probeLog.next(before.id()).get(0);
  }

  private static String key(SagaLog.Next n) {
    return n.command() instanceof ServiceCommand.Step s ? s.key() : "";
  }

  private final class Listener implements RaftListener {
    @Override
    public void onRoleChanged(Role role, long term, Address leaderId) {
      beginsProposed.clear();
      resultsProposed.clear();
      outstanding.clear();
      lastSent.clear();
      releasesAcked.clear();
      taken.clear();
    }
  }

  @Override
  public void onStart() {
    raft.onStart();
    env.setTimer(RETRY_NANOS, new SagaTimer.Retry(0));
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof RaftMessage m) {
      raft.onMessage(from, m);
      return;
    }
    if (!raft.isLeader()) return; // requests go to every replica; the leader answers
    if (message instanceof SagaMessage.StartSaga s) {
      start(from, s);
    } else if (message instanceof SagaMessage.StepDone d) {
      SagaLog.Next n = outstanding.get(d.requestId());
      if (n == null) return;
      if (n.step() < 0) {
        TreeSet<SagaKeys.Service> acked =
            releasesAcked.computeIfAbsent(n.sagaId(), x -> new TreeSet<>());
        acked.add(n.service());
        if (acked.size() == log.next(n.sagaId()).size()
            && resultsProposed.add(n.sagaId() + "/released")) {
          raft.propose(new SagaLogCommand.Released(n.sagaId()));
        }
      } else if (resultsProposed.add(d.requestId())) {
        raft.propose(
            new SagaLogCommand.Result(n.sagaId(), n.step(), n.compensation(), d.outcome()));
      }
    }
  }

  private void start(Address client, SagaMessage.StartSaga s) {
    String id = client + "#" + s.seq();
    if (!SagaKeys.isFlow(s.ops())) {
      env.send(client, new SagaMessage.SagaDone(s.seq(), List.of(), "rejected"));
      return;
    }
    SagaLog.Saga saga = log.get(id);
    if (saga != null) {
      if (saga.status().terminal()) {
        env.send(
            client,
            new SagaMessage.SagaDone(
                s.seq(),
                saga.effects(),
                saga.status() == SagaLog.Status.COMPLETED ? "completed" : "compensated"));
      }
      return;
    }
    if (beginsProposed.add(id)) {
      if (raft.propose(
              new SagaLogCommand.Begin(
                  id, client, s.seq(), SagaLog.plan(s.ops(), config.pivotLast())))
          < 0) beginsProposed.remove(id);
    }
  }

  /** Sends what saga {@code id} needs next to its service's replicas. */
  private void drive(String id, boolean retry) {
    List<SagaLog.Next> next = log.next(id);
    if (next.isEmpty()) return;
    if (!taken.contains(id)) {
      taken.add(id);
      probe.resumed(id, env.self().toString());
    }
    lastSent.put(id, env.localClockNanos());
    for (SagaLog.Next n : next) {
      if (retry
          && n.step() < 0
          && releasesAcked.getOrDefault(id, new TreeSet<>()).contains(n.service())) continue;
      outstanding.put(n.requestKey(), n);
      probe.sent(id, n.step(), n.compensation(), n.service().label(), retry);
      if (retry) retries++;
      for (Address a : config.services().get(n.service())) {
        env.send(a, new SagaMessage.ServiceRequest(n.requestKey(), n.command()));
      }
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof RaftTimer t) {
      raft.onTimer(t);
    } else if (timer instanceof SagaTimer.Retry r) {
      if (raft.isLeader()) {
        long now = env.localClockNanos();
        for (SagaLog.Saga s : log.active()) {
          Long at = lastSent.get(s.id());
          if (at == null || now - at >= RETRY_NANOS) drive(s.id(), at != null);
        }
      }
      env.setTimer(RETRY_NANOS / 3, new SagaTimer.Retry(r.n() + 1));
    }
  }

  @Override
  public void checkInvariants() {
    raft.checkInvariants();
  }

  /** The message types an orchestrator handles (besides Raft's). */
  public static final List<Class<?>> HANDLED =
      List.of(SagaMessage.StartSaga.class, SagaMessage.StepDone.class);

  public RaftReplica raft() {
    return raft;
  }

  public SagaLog log() {
    return log;
  }

  /** Steps this replica sent again while it led. */
  public long retries() {
    return retries;
  }
}
