package dev.txlab.coordinator.percolator;

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
 * One replica of a data shard (a TiKV region's peer): a {@link RaftReplica} replicating a {@link
 * PercolatorShard}. The Raft leader proposes each request it receives and, once the request is
 * applied, answers its sender with the outcome. Every request — reads too — goes through the log,
 * so a read is answered by a leader that has applied every write committed before it.
 */
public final class PercolatorReplica implements Process {
  public record Config(ShardId shard, RaftConfig raft) {}

  private final Env env;
  private final Config config;
  private final PercolatorShard machine;
  private final RaftReplica raft;

  /** Requests proposed by this leader and not yet answered (sender, id): resends wait for them. */
  private final Set<List<Object>> proposed = new HashSet<>();

  public PercolatorReplica(Env env, Config config) {
    this.env = env;
    this.config = config;
    this.machine = new PercolatorShard(config.shard());
    this.raft = new RaftReplica(env, config.raft(), new Acting(), new Listener());
  }

  private final class Acting implements StateMachine {
    @Override
    public Object apply(LogEntry entry) {
      Object r = machine.apply(entry);
      boolean leader = raft.isLeader();
      for (PercolatorShard.Answer a : machine.takeAnswers()) {
        if (a.replyTo() == null) continue;
        proposed.remove(List.of(a.replyTo(), a.requestId()));
        if (leader)
          env.send(
              a.replyTo(),
              new PercolatorMessage.Reply(a.requestId(), config.shard(), a.outcome(), a.txn()));
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
    } else if (message instanceof PercolatorMessage.Request r) {
      if (!raft.isLeader()) return; // the gateway asks every replica; the leader answers
      List<Object> key = List.of(from, r.command().requestId());
      if (proposed.contains(key)) return;
      if (raft.propose(new PercolatorProposal(from, r.command())) >= 0) proposed.add(key);
    }
    // Anything else is not for a replica: dropped.
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
  public static final List<Class<?>> HANDLED = List.of(PercolatorMessage.Request.class);

  public RaftReplica raft() {
    return raft;
  }

  public PercolatorShard machine() {
    return machine;
  }

  public Config config() {
    return config;
  }
}
