package dev.txlab.coordinator.percolator;

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
import java.util.ArrayDeque;
import java.util.List;

/**
 * One replica of the timestamp oracle (PD's TSO): a {@link RaftReplica} replicating a {@link Tso}'s
 * high-water mark. The Raft leader serves: on taking over it proposes its reservation (with {@code
 * tso-persist: on}) and serves nothing until that is applied; then it answers each {@link
 * PercolatorMessage.TsoRequest} with a batch of consecutive timestamps, extending its window
 * through Raft before it runs out. It serves only while its Raft lease holds (PD's leader lease): a
 * leader cut off from its followers stops before anyone else can be elected, so no timestamp it
 * hands out is smaller than one a successor already handed out. Requests it cannot serve yet wait
 * in a bounded queue; gateways resend what is not answered.
 */
public final class TsoReplica implements Process {
  /**
   * @param persist {@code tso-persist}
   * @param windowMs {@code tso-window}
   */
  public record Config(RaftConfig raft, boolean persist, long windowMs) {}

  /** Its periodic duties: lead, extend, serve what waits. */
  static final long TICK_NANOS = 10_000_000L;

  /** At most this many requests wait for a leader that cannot serve yet. */
  static final int WAITING_MAX = 1024;

  private record Waiting(Address from, long requestId, int count) {}

  private final Env env;
  private final Config config;
  private final Tso tso;
  private final RaftReplica raft;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private long ticks;

  public TsoReplica(Env env, Config config) {
    this.env = env;
    this.config = config;
    this.tso = new Tso(config.persist(), config.windowMs());
    this.raft = new RaftReplica(env, config.raft(), new Acting(), new Listener());
  }

  private final class Acting implements StateMachine {
    @Override
    public Object apply(LogEntry entry) {
      if (entry.command() instanceof TsoCommand c) {
        tso.apply(c);
        serveWaiting();
      }
      return null;
    }

    @Override
    public Object snapshot() {
      return tso.savedLimitMs();
    }

    @Override
    public void restore(Object snapshot) {
      tso.restore((Long) snapshot);
    }
  }

  private final class Listener implements RaftListener {
    @Override
    public void onRoleChanged(Role role, long term, Address leaderId) {
      if (role != Role.LEADER) {
        tso.stepDown();
        waiting.clear();
      }
    }
  }

  private long nowMs() {
    return Math.floorDiv(env.localClockNanos(), 1_000_000L);
  }

  @Override
  public void onStart() {
    raft.onStart();
    env.setTimer(TICK_NANOS, new PercolatorTimer.Tick(0));
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof RaftTimer t) {
      raft.onTimer(t);
    } else if (timer instanceof PercolatorTimer.Tick t) {
      ticks = t.n() + 1;
      env.setTimer(TICK_NANOS, new PercolatorTimer.Tick(ticks));
      onTick();
    }
  }

  private void onTick() {
    if (raft.isLeader() && tso.term() != raft.currentTerm()) {
      // Taking over (not inside Raft's own callback: the next tick is soon enough).
      TsoCommand c = tso.lead(raft.currentTerm(), nowMs());
      env.log("tso: leading in term " + raft.currentTerm() + ": " + tso.describe());
      // Not proposed (leadership just moved on): forget it, the next tick looks again.
      if (c != null && raft.propose(c) < 0) tso.stepDown();
    } else if (!raft.isLeader() && tso.term() >= 0) {
      tso.stepDown();
      waiting.clear();
    }
    if (raft.isLeader()) {
      TsoCommand extend = tso.tick(nowMs());
      if (extend != null) raft.propose(extend);
    }
    serveWaiting();
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof RaftMessage m) {
      raft.onMessage(from, m);
    } else if (message instanceof PercolatorMessage.TsoRequest r) {
      if (!raft.isLeader()) return; // gateways ask every replica; the leader answers
      if (r.count() < 1 || r.count() > TsoTimestamp.LOGICAL_MAX) return; // malformed: dropped
      if (waiting.size() >= WAITING_MAX) return; // the gateway resends
      waiting.add(new Waiting(from, r.requestId(), r.count()));
      serveWaiting();
    }
    // Anything else is not for the oracle: dropped.
  }

  private void serveWaiting() {
    while (!waiting.isEmpty() && raft.isLeader() && leaseHolds()) {
      Waiting w = waiting.peek();
      long last = tso.allocate(w.count(), nowMs());
      if (last < 0) return;
      waiting.poll();
      env.send(w.from(), new PercolatorMessage.TsoReply(w.requestId(), last, w.count()));
    }
  }

  /**
   * Whether no other replica can be serving: the Raft lease holds (acknowledged by a majority
   * within it, whose members refuse to vote meanwhile) — or the group has one member, which no one
   * can depose.
   */
  private boolean leaseHolds() {
    return raft.members().size() == 1 || raft.leaseValid();
  }

  @Override
  public void checkInvariants() {
    raft.checkInvariants();
  }

  /** The message types an oracle replica handles (besides Raft's). */
  public static final List<Class<?>> HANDLED = List.of(PercolatorMessage.TsoRequest.class);

  public RaftReplica raft() {
    return raft;
  }

  public Tso tso() {
    return tso;
  }
}
