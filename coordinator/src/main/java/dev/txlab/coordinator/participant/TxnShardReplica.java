package dev.txlab.coordinator.participant;

import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.coordinator.txn.TxnMessage;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.coordinator.txn.TxnTimer;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.MvccStore;
import dev.txlab.node.kv.ShardMap;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One replica of a transactional shard: a {@link RaftReplica} replicating a {@link
 * TxnStateMachine}. The leader is the shard's participant (it locks, prepares and applies decisions
 * by proposing {@link TxnCommand}s and answers once they are applied); any replica serves snapshot
 * reads once its safe time has reached the read timestamp.
 *
 * <p>With {@code coordinator: replicated} the leader is also the coordinator of the transactions
 * whose client chose this shard (Spanner §4.2.1): that role is a {@link ReplicatedCoordinator},
 * which proposes its decisions into this shard's log and learns from this replica when they are
 * applied and when leadership is lost.
 *
 * <p>All coordinator and reply-routing state here is leader-local and volatile by design: losing it
 * costs a retry, never safety, because everything that decides an outcome is in the log.
 */
public final class TxnShardReplica implements Process {
  /**
   * @param singleCoordinator the classic coordinator's address (used when {@code knobs} say single)
   * @param tickNanos period of closed-timestamp proposals and in-doubt checks
   * @param inDoubtQueryNanos a prepared participant asks for the decision after this long
   */
  public record Config(
      ShardId shard,
      RaftConfig raft,
      ShardMap shardMap,
      TxnKnobs knobs,
      Address singleCoordinator,
      int versionsRetainedPerKey,
      long tickNanos,
      long inDoubtQueryNanos) {
    public Config {
      if (shard == null || raft == null || shardMap == null || knobs == null)
        throw new IllegalArgumentException("incomplete txn shard config");
      if (!knobs.replicatedCoordinator() && singleCoordinator == null)
        throw new IllegalArgumentException("single coordinator needs an address");
      if (tickNanos <= 0 || inDoubtQueryNanos <= 0 || versionsRetainedPerKey < 1)
        throw new IllegalArgumentException("bad txn shard timings");
    }
  }

  private record PendingRead(Address client, TxnMessage.SnapshotRead read, long deadlineLocal) {}

  static final int PENDING_READS_MAX = 1_000;

  private final Env env;
  private final Config config;
  private final TxnProbe probe;
  private final TxnStateMachine machine;
  private final RaftReplica raft;

  /** The coordinator role of this shard's leader ({@code coordinator: replicated}). */
  private final ReplicatedCoordinator coordinator;

  // Leader-local, volatile: cleared when leadership is lost.
  private final TreeSet<TxnId> proposedLocks = new TreeSet<>();
  private final TreeMap<TxnId, Address> prepareReplyTo = new TreeMap<>();
  private final TreeSet<TxnId> proposedDecides = new TreeSet<>();
  private final TreeMap<TxnId, Long> preparedSinceLocal = new TreeMap<>();
  private final TreeMap<TxnId, Long> unpreparedSinceLocal = new TreeMap<>();
  private final TreeMap<TxnId, Address> decideAckTo = new TreeMap<>();
  // Any replica: snapshot reads waiting for safe time.
  private final ArrayList<PendingRead> pendingReads = new ArrayList<>();
  private final TreeMap<String, Long> dropped = new TreeMap<>();
  private long ticks;

  public TxnShardReplica(Env env, Config config, TxnProbe probe) {
    this.env = env;
    this.config = config;
    this.probe = probe;
    this.machine =
        new TxnStateMachine(
            config.shard(), config.knobs().woundWait(), config.versionsRetainedPerKey());
    machine.setFullInvariantScan(config.knobs().fullInvariantScan());
    this.raft = new RaftReplica(env, config.raft(), new ActingMachine(), new Listener());
    this.coordinator =
        new ReplicatedCoordinator(
            env,
            config.shard(),
            config.shardMap(),
            config.knobs(),
            probe,
            new ReplicatedCoordinator.Host() {
              @Override
              public boolean isLeader() {
                return raft.isLeader();
              }

              @Override
              public long propose(TxnCommand command) {
                return raft.propose(command);
              }

              @Override
              public TxnStateMachine.Decided decided(TxnId txn) {
                return machine.decided(txn);
              }

              @Override
              public boolean forgotten(TxnId txn) {
                return machine.forgotten(txn);
              }

              @Override
              public java.util.NavigableMap<TxnId, List<ShardId>> awaitingEnd() {
                return machine.awaitingEnd();
              }

              @Override
              public void drop(String reason) {
                TxnShardReplica.this.drop(reason);
              }
            },
            proposedDecides);
  }

  private final class ActingMachine implements StateMachine {
    @Override
    public Object apply(LogEntry entry) {
      Object r = machine.apply(entry);
      for (TxnStateMachine.Effect e : machine.takeEffects()) onEffect(e);
      if (!pendingReads.isEmpty()) serveReads();
      return r;
    }

    @Override
    public Object snapshot() {
      return machine.snapshot();
    }

    @Override
    public void restore(Object snapshot) {
      machine.restore(snapshot);
    }
  }

  private final class Listener implements RaftListener {
    @Override
    public void onRoleChanged(Role role, long term, Address leaderId) {
      if (role == Role.LEADER) {
        // Prepared transactions inherited from the log: start their in-doubt clocks now.
        for (TxnStateMachine.Active a : machine.activeTxns().values()) {
          if (a.status() == TxnStateMachine.Status.PREPARED)
            preparedSinceLocal.put(a.txn(), env.localClockNanos());
        }
        return;
      }
      proposedLocks.clear();
      prepareReplyTo.clear();
      proposedDecides.clear();
      coordinator.leadershipLost();
      preparedSinceLocal.clear();
      unpreparedSinceLocal.clear();
      decideAckTo.clear();
    }
  }

  @Override
  public void onStart() {
    raft.onStart();
    env.setTimer(config.tickNanos(), new TxnTimer.Tick(0));
  }

  // ================================================================ effects of applied entries

  private void onEffect(TxnStateMachine.Effect e) {
    boolean leader = raft.isLeader();
    if (e instanceof TxnStateMachine.Effect.Granted g) {
      probe.lockGranted(config.shard(), g.txn());
      probe.locksHeld(config.shard(), g.txn(), g.results());
      proposedLocks.remove(g.txn());
      if (leader && g.client() != null)
        env.send(g.client(), new TxnMessage.ExecuteReply(g.txn(), config.shard(), g.results()));
    } else if (e instanceof TxnStateMachine.Effect.Aborted a) {
      proposedLocks.remove(a.txn());
      if (leader && a.client() != null)
        env.send(a.client(), new TxnMessage.Aborted(a.txn(), config.shard(), a.cause()));
    } else if (e instanceof TxnStateMachine.Effect.Prepared p) {
      if (p.yes()) {
        probe.participantPrepared(config.shard(), p.txn(), p.prepareTs());
        if (leader && machine.decided(p.txn()) == null)
          preparedSinceLocal.putIfAbsent(p.txn(), env.localClockNanos());
      }
      Address to = prepareReplyTo.remove(p.txn());
      if (leader && to != null)
        env.send(to, new TxnMessage.PrepareReply(p.txn(), config.shard(), p.yes(), p.prepareTs()));
    } else if (e instanceof TxnStateMachine.Effect.Decision d) {
      if (d.heldLocks()) probe.locksReleased(config.shard(), d.txn());
      probe.participantDecided(config.shard(), d.txn(), d.decision(), d.commitTs());
      preparedSinceLocal.remove(d.txn());
      proposedDecides.remove(d.txn());
      Address ackTo = decideAckTo.remove(d.txn());
      if (leader && ackTo != null) acknowledge(ackTo, d.txn());
      coordinator.decisionApplied(d.txn(), d.decision(), d.commitTs(), leader);
    } else {
      throw new IllegalStateException("no handler for effect " + e);
    }
  }

  // ================================================================ dispatch

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof RaftMessage m) {
      raft.onMessage(from, m);
    } else if (message instanceof TxnMessage.Execute m) {
      onExecute(m);
    } else if (message instanceof TxnMessage.Abort m) {
      onAbort(m);
    } else if (message instanceof TxnMessage.Prepare m) {
      onPrepare(from, m);
    } else if (message instanceof TxnMessage.Decide m) {
      onDecide(from, m);
    } else if (message instanceof TxnMessage.DecideAck m) {
      coordinator.onDecideAck(m);
    } else if (message instanceof TxnMessage.DecisionQuery m) {
      onDecisionQuery(from, m);
    } else if (message instanceof TxnMessage.Commit m) {
      if (raft.isLeader()) coordinator.onCommit(from, m);
    } else if (message instanceof TxnMessage.PrepareReply m) {
      coordinator.onPrepareReply(m);
    } else if (message instanceof TxnMessage.SnapshotRead m) {
      onSnapshotRead(from, m);
    } else if (message instanceof TxnMessage) {
      drop("reply-to-a-replica");
    } else {
      drop("unknown-message");
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof RaftTimer t) {
      raft.onTimer(t);
    } else if (timer instanceof TxnTimer.Tick t) {
      onTick(t);
    } else if (timer instanceof TxnTimer.CommitWait w) {
      coordinator.commitWaitOver(w.txn());
    } else {
      throw new IllegalStateException("unexpected timer " + timer);
    }
  }

  /**
   * The message and timer types this process handles (a test checks every permitted type is here).
   */
  public static final List<Class<?>> HANDLED =
      List.of(
          TxnMessage.Execute.class,
          TxnMessage.Abort.class,
          TxnMessage.Prepare.class,
          TxnMessage.Decide.class,
          TxnMessage.DecideAck.class,
          TxnMessage.DecisionQuery.class,
          TxnMessage.Commit.class,
          TxnMessage.PrepareReply.class,
          TxnMessage.SnapshotRead.class);

  // ================================================================ participant

  private void onExecute(TxnMessage.Execute m) {
    if (!raft.isLeader()) return; // the client sends to every replica; the leader answers
    TxnStateMachine.Decided d = machine.decided(m.txn());
    if (d != null || machine.forgotten(m.txn())) {
      env.send(
          clientOf(m.txn()),
          new TxnMessage.Aborted(
              m.txn(), config.shard(), d != null ? "already-decided" : "stale-attempt"));
      return;
    }
    TxnStateMachine.Active a = machine.active(m.txn());
    if (a != null) {
      if (a.status() != TxnStateMachine.Status.WAITING) {
        env.send(a.client(), new TxnMessage.ExecuteReply(m.txn(), config.shard(), a.results()));
      }
      return;
    }
    if (proposedLocks.contains(m.txn())) return;
    if (raft.propose(new TxnCommand.Lock(m.txn(), m.priority(), clientOf(m.txn()), m.ops())) >= 0)
      proposedLocks.add(m.txn());
  }

  /** Replies go to the client named in the transaction id, whatever address relayed the request. */
  private static Address clientOf(TxnId txn) {
    return Address.parse(txn.client());
  }

  private void onAbort(TxnMessage.Abort m) {
    if (!raft.isLeader() || machine.decided(m.txn()) != null || machine.forgotten(m.txn())) return;
    TxnStateMachine.Active a = machine.active(m.txn());
    if (a != null && a.status() == TxnStateMachine.Status.PREPARED) return;
    raft.propose(new TxnCommand.Release(m.txn(), "client-abort"));
  }

  private void onPrepare(Address from, TxnMessage.Prepare m) {
    if (!raft.isLeader()) return;
    TxnStateMachine.Decided d = machine.decided(m.txn());
    if (d != null) {
      env.send(
          from,
          new TxnMessage.PrepareReply(
              m.txn(), config.shard(), d.decision() == TxnDecision.COMMIT, d.commitTs()));
      return;
    }
    TxnStateMachine.Active a = machine.active(m.txn());
    if (a != null && a.status() == TxnStateMachine.Status.PREPARED) {
      env.send(from, new TxnMessage.PrepareReply(m.txn(), config.shard(), true, a.prepareTs()));
      return;
    }
    if (machine.forgotten(m.txn())) {
      // Its client moved on: whatever happened here, it will never prepare now.
      env.send(from, new TxnMessage.PrepareReply(m.txn(), config.shard(), false, 0));
      return;
    }
    boolean proposed = prepareReplyTo.containsKey(m.txn());
    prepareReplyTo.put(m.txn(), from);
    if (proposed) return;
    // Spanner §4.2.1: the participant leader picks a prepare timestamp no earlier than
    // TT.now().latest
    // (the state machine raises it above every timestamp this shard has seen).
    if (raft.propose(
            new TxnCommand.Prepare(
                m.txn(), env.trueTime().latest(), m.coordinatorShard(), m.participants()))
        < 0) {
      prepareReplyTo.remove(m.txn());
    }
  }

  /**
   * A decision for this participant: applied through the log, then acknowledged to whoever
   * announced it (with the replicated coordinator, which forgets its record only once every
   * participant has).
   */
  private void onDecide(Address from, TxnMessage.Decide m) {
    if (!raft.isLeader()) return;
    if (machine.decided(m.txn()) != null || machine.forgotten(m.txn())) {
      acknowledge(from, m.txn());
      return;
    }
    if (proposedDecides.contains(m.txn())) {
      decideAckTo.put(m.txn(), from);
      return;
    }
    if (m.decision() == TxnDecision.COMMIT) {
      TxnStateMachine.Active a = machine.active(m.txn());
      if (a == null || a.status() != TxnStateMachine.Status.PREPARED) {
        // Only possible if a prepare entry is not yet applied here; the decision comes again.
        drop("commit-before-prepare-applied");
        return;
      }
    }
    if (raft.propose(new TxnCommand.Decide(m.txn(), m.decision(), m.commitTs())) >= 0) {
      proposedDecides.add(m.txn());
      decideAckTo.put(m.txn(), from);
    }
  }

  /**
   * Tells a replicated coordinator's replica this shard has {@code txn}'s decision (not a replica
   * of this very shard, whose record is its own; not the classic coordinator, which keeps its log).
   */
  private void acknowledge(Address to, TxnId txn) {
    if (!config.knobs().replicatedCoordinator()
        || to.component().equals(config.shard().component())) return;
    env.send(to, new TxnMessage.DecideAck(txn, config.shard()));
  }

  private void onDecisionQuery(Address from, TxnMessage.DecisionQuery m) {
    TxnStateMachine.Decided d = machine.decided(m.txn());
    if (d != null) {
      // A decision is final, so any replica that applied it may answer, but a COMMIT only once its
      // commit wait is over (no one may learn it earlier).
      if (d.decision() == TxnDecision.ABORT
          || !config.knobs().commitWait()
          || env.trueTime().after(d.commitTs())) {
        env.send(from, new TxnMessage.Decide(m.txn(), d.decision(), d.commitTs()));
      }
      return;
    }
    if (!raft.isLeader() || machine.forgotten(m.txn())) return;
    if (config.shard().equals(m.coordinatorShard())) {
      coordinator.undecidedQuery(m.txn(), m.participants());
      return;
    }
    // Cooperative termination: a participant that has not prepared may abort unilaterally, which
    // settles the question for every in-doubt participant.
    TxnStateMachine.Active a = machine.active(m.txn());
    if (a == null || a.status() != TxnStateMachine.Status.PREPARED) {
      raft.propose(new TxnCommand.Release(m.txn(), "cooperative-termination"));
    }
  }

  // ================================================================ snapshot reads (any replica)

  private void onSnapshotRead(Address from, TxnMessage.SnapshotRead m) {
    if (machine.safeToRead(m.keys(), m.ts())) {
      answerRead(from, m);
    } else if (pendingReads.size() < PENDING_READS_MAX) {
      pendingReads.add(new PendingRead(from, m, env.localClockNanos() + 1_000_000_000L));
    } else {
      drop("reads-overloaded");
    }
  }

  private void serveReads() {
    long now = env.localClockNanos();
    ArrayList<PendingRead> keep = new ArrayList<>();
    for (PendingRead p : pendingReads) {
      if (machine.safeToRead(p.read().keys(), p.read().ts())) answerRead(p.client(), p.read());
      else if (p.deadlineLocal() > now) keep.add(p);
    }
    pendingReads.clear();
    pendingReads.addAll(keep);
  }

  private void answerRead(Address to, TxnMessage.SnapshotRead m) {
    List<String> values = new ArrayList<>();
    try {
      for (String k : m.keys()) values.add(machine.readAt(k, m.ts()));
    } catch (MvccStore.VersionGarbageCollected e) {
      drop("read-below-retained-versions");
      return;
    }
    env.send(
        to, new TxnMessage.SnapshotReadReply(m.txn(), config.shard(), m.ts(), m.keys(), values));
  }

  // ================================================================ periodic duties

  private void onTick(TxnTimer.Tick t) {
    ticks++;
    env.setTimer(config.tickNanos(), new TxnTimer.Tick(t.n() + 1));
    if (!pendingReads.isEmpty()) serveReads();
    if (!raft.isLeader()) return;
    // A closed timestamp lets snapshot reads proceed on an idle shard.
    raft.propose(new TxnCommand.SafeTime(env.trueTime().latest()));
    if (ticks % 5 != 0) return;
    long now = env.localClockNanos();
    coordinator.resendPrepares(now, config.inDoubtQueryNanos() / 2);
    coordinator.endOrReannounce(now, config.inDoubtQueryNanos() / 2);
    expireAbandoned(now);
    for (Map.Entry<TxnId, Long> e : preparedSinceLocal.entrySet()) {
      if (now - e.getValue() < config.inDoubtQueryNanos()) continue;
      TxnStateMachine.Active a = machine.active(e.getKey());
      if (a == null || a.status() != TxnStateMachine.Status.PREPARED) continue;
      askForDecision(a);
    }
  }

  /**
   * A transaction that holds or waits for locks here but never prepares was abandoned by its client
   * (crashed, or its abort was lost): abort it so its locks do not stay forever. Safe at any time
   * before prepare: a later prepare is then refused.
   */
  private void expireAbandoned(long now) {
    TreeMap<TxnId, Long> still = new TreeMap<>();
    List<TxnId> expired = new ArrayList<>();
    for (TxnStateMachine.Active a : machine.activeTxns().values()) {
      if (a.status() == TxnStateMachine.Status.PREPARED) continue;
      long since = unpreparedSinceLocal.getOrDefault(a.txn(), now);
      still.put(a.txn(), since);
      if (now - since >= UNPREPARED_EXPIRY_NANOS) expired.add(a.txn());
    }
    unpreparedSinceLocal.clear();
    unpreparedSinceLocal.putAll(still);
    // Proposed after the scan: a group of one commits and applies a proposal at once, which
    // changes the active transactions being scanned.
    for (TxnId t : expired) raft.propose(new TxnCommand.Release(t, "expired"));
  }

  /**
   * Longer than a client's lock wait (1 s) plus its commit round, so only abandoned transactions
   * expire. Expiring is always safe (a later prepare is refused); too long a bound costs liveness:
   * at 5 s, a majority crash left abandoned holders blocking every younger transaction for 5 s
   * after the restart, because the count restarts with each new leader (soak: quickstart seed 282).
   */
  static final long UNPREPARED_EXPIRY_NANOS = 2_500_000_000L;

  private void askForDecision(TxnStateMachine.Active a) {
    TxnMessage.DecisionQuery q =
        new TxnMessage.DecisionQuery(
            a.txn(), a.coordinatorShard(), config.shard(), a.participants());
    if (a.coordinatorShard() != null) {
      for (Address r : config.shardMap().replicasOf(a.coordinatorShard())) env.send(r, q);
    } else {
      env.send(config.singleCoordinator(), q);
    }
    if (config.knobs().cooperativeTermination()) {
      for (ShardId s : a.participants()) {
        if (s.equals(config.shard()) || s.equals(a.coordinatorShard())) continue;
        for (Address r : config.shardMap().replicasOf(s)) env.send(r, q);
      }
    }
  }

  private void drop(String reason) {
    dropped.merge(reason, 1L, Long::sum);
  }

  @Override
  public void checkInvariants() {
    raft.checkInvariants();
    machine.checkInvariants();
    if (machine.appliedIndex() > raft.lastApplied()) {
      throw new IllegalStateException(
          "state machine ahead of Raft: " + machine.appliedIndex() + " > " + raft.lastApplied());
    }
  }

  public RaftReplica raft() {
    return raft;
  }

  public TxnStateMachine machine() {
    return machine;
  }

  public Config config() {
    return config;
  }

  public TreeMap<String, Long> dropped() {
    return new TreeMap<>(dropped);
  }
}
