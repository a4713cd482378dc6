package dev.txlab.coordinator.crdb;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Timer;
import dev.txlab.node.raft.LogEntry;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftListener;
import dev.txlab.node.raft.RaftMessage;
import dev.txlab.node.raft.RaftReplica;
import dev.txlab.node.raft.RaftTimer;
import dev.txlab.node.raft.Role;
import dev.txlab.node.raft.StateMachine;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One replica of a range: a {@link RaftReplica} replicating a {@link CrdbRange}, and the node's
 * hybrid logical clock as this replica keeps it. The Raft leader is the range's leaseholder: it
 * proposes each request it receives and, once the request is applied, answers its sender with the
 * outcome and its clock. Every request is evaluated in log order on every replica (reads too: the
 * timestamp cache is part of the replicated state, so a new leaseholder knows every read its
 * predecessor served — where CockroachDB keeps the cache in the leaseholder's memory and raises its
 * low-water mark to the new lease's start).
 *
 * <p>Clocks: a request's clock reading moves this replica's clock forward (or is refused if it is
 * beyond the maximum offset ahead: {@link CrdbMessage.ClockRejected}); every replica also moves its
 * clock past each timestamp it applies, so a leaseholder's reading — a gateway's observed timestamp
 * — is above every value the range holds. A value above a transaction's observed timestamp was
 * therefore written after the transaction first heard from this replica: not in its past.
 */
public final class CrdbReplica implements Process {
  /**
   * @param persistAheadNanos how far ahead the clock's upper bound is persisted
   */
  public record Config(
      ShardId range,
      RaftConfig raft,
      int versionsRetained,
      long maxOffsetNanos,
      long persistAheadNanos) {}

  private final Env env;
  private final Config config;
  private final CrdbRange machine;
  private final RaftReplica raft;
  private final HybridLogicalClock clock;

  /**
   * Requests proposed by this leader and not yet answered (sender, id): resends are not
   * re-proposed.
   */
  private final Set<List<Object>> proposed = new HashSet<>();

  public CrdbReplica(Env env, Config config) {
    this.env = env;
    this.config = config;
    this.machine = new CrdbRange(config.range(), config.versionsRetained());
    this.clock = nodeClock(env, config.maxOffsetNanos(), config.persistAheadNanos(), "hlc");
    this.raft = new RaftReplica(env, config.raft(), new Acting(), new Listener());
  }

  /** A clock on {@code env}'s local clock, its bound under {@code key} in {@code env}'s storage. */
  static HybridLogicalClock nodeClock(Env env, long maxOffsetNanos, long aheadNanos, String key) {
    return new HybridLogicalClock(
        env::localClockNanos,
        maxOffsetNanos,
        aheadNanos,
        new HybridLogicalClock.Bound() {
          @Override
          public long read() {
            Long b = env.storage().get(key, Long.class);
            return b == null ? 0 : b;
          }

          @Override
          public void persist(long wallNanos) {
            env.storage().put(key, wallNanos);
            env.storage().sync();
          }
        });
  }

  private final class Acting implements StateMachine {
    @Override
    public Object apply(LogEntry entry) {
      if (entry.command() instanceof CrdbProposal p) advanceClockPast(p.command());
      Object r = machine.apply(entry);
      boolean leader = raft.isLeader();
      for (CrdbRange.Answer a : machine.takeAnswers()) {
        if (a.replyTo() == null) continue;
        proposed.remove(List.of(a.replyTo(), a.requestId()));
        if (leader)
          env.send(
              a.replyTo(),
              new CrdbMessage.Reply(
                  a.requestId(), config.range(), clock.now(), a.outcome(), a.txn()));
      }
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

  /** Values applied here are never above this replica's clock (see the class comment). */
  private void advanceClockPast(CrdbCommand c) {
    HlcTimestamp ts = null;
    if (c instanceof CrdbCommand.Put p) ts = p.txn().writeTs();
    else if (c instanceof CrdbCommand.Resolve r) ts = r.ts();
    else if (c instanceof CrdbCommand.EndTxn e) ts = e.txn().writeTs();
    if (ts != null) clock.update(ts);
  }

  private final class Listener implements RaftListener {
    @Override
    public void onRoleChanged(Role role, long term, Address leaderId) {
      if (role != Role.LEADER) proposed.clear();
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
    } else if (message instanceof CrdbMessage.Request r) {
      onRequest(from, r);
    }
    // Anything else is not for a replica: dropped.
  }

  private void onRequest(Address from, CrdbMessage.Request r) {
    if (!raft.isLeader()) return; // the gateway asks every replica; the leaseholder answers
    if (clock.update(r.clock()) == HybridLogicalClock.Update.TOO_FAR_AHEAD) {
      env.send(
          from,
          new CrdbMessage.ClockRejected(r.command().requestId(), config.range(), clock.now()));
      return;
    }
    List<Object> key = List.of(from, r.command().requestId());
    if (proposed.contains(key)) return;
    if (raft.propose(new CrdbProposal(from, r.command())) >= 0) proposed.add(key);
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
  public static final List<Class<?>> HANDLED = List.of(CrdbMessage.Request.class);

  public RaftReplica raft() {
    return raft;
  }

  public Config config() {
    return config;
  }
}
