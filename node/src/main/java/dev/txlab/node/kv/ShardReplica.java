package dev.txlab.node.kv;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One replica of one shard: a {@link RaftReplica} replicating a {@link KvStateMachine}, serving
 * client requests. Writes go through the log and are answered when applied; reads are served as the
 * {@link ReadMode} knob says ({@code readindex-any}: followers too, through the leader's read
 * index). A replica that does not lead answers {@link KvResult.Redirect} with the leader it knows;
 * a leader that loses office answers {@link KvResult.Unknown} to the writes it had proposed (they
 * may still commit; the client's retry settles it via its session).
 */
public final class ShardReplica implements Process {
  /** Settings of a shard replica. */
  public record Config(ShardId shard, RaftConfig raft, ReadMode reads, int versionsRetainedPerKey) {
    public Config {
      if (shard == null || raft == null || reads == null)
        throw new IllegalArgumentException("incomplete shard config");
      if (versionsRetainedPerKey < 1)
        throw new IllegalArgumentException("retain at least one version");
    }
  }

  private record Waiting(Address client, KvMessage.ClientRequest request) {}

  private record SessionKey(String clientId, long seq) {}

  private final Env env;
  private final Config config;
  private final KvStateMachine machine;
  private final RaftReplica raft;
  // Lookup only (never iterated to decide behaviour): replies follow the order of apply events.
  private final HashMap<SessionKey, Address> pendingWrites = new HashMap<>();
  private final TreeMap<Long, Waiting> pendingReads = new TreeMap<>();
  private long nextReadId = 1;
  private final TreeMap<String, Long> dropped = new TreeMap<>();

  public ShardReplica(Env env, Config config) {
    this.env = env;
    this.config = config;
    this.machine = new KvStateMachine(config.versionsRetainedPerKey());
    this.raft = new RaftReplica(env, config.raft(), new ReplyingMachine(), new Listener());
    if (config.reads() == ReadMode.MUTANT_READINDEX_ANY_UNAPPLIED)
      raft.serveForwardedReadsUnapplied();
  }

  /** Applies through the KV machine and answers the client if this replica is waiting on it. */
  private final class ReplyingMachine implements StateMachine {
    @Override
    public Object apply(LogEntry entry) {
      Object result = machine.apply(entry);
      if (entry.command() instanceof KvCommand c && !pendingWrites.isEmpty()) {
        Address client = pendingWrites.remove(new SessionKey(c.clientId(), c.seq()));
        if (client != null)
          env.sendBeforeSync(
              client, new KvMessage.ClientReply(c.clientId(), c.seq(), (KvResult) result));
      }
      return result;
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
      if (role == Role.LEADER || pendingWrites.isEmpty()) return;
      // Deterministic order: sort the waiting writes before answering them.
      List<Map.Entry<SessionKey, Address>> waiting = new ArrayList<>(pendingWrites.entrySet());
      waiting.sort(
          (a, b) -> {
            int c = a.getKey().clientId().compareTo(b.getKey().clientId());
            return c != 0 ? c : Long.compare(a.getKey().seq(), b.getKey().seq());
          });
      pendingWrites.clear();
      for (Map.Entry<SessionKey, Address> w : waiting) {
        env.send(
            w.getValue(),
            new KvMessage.ClientReply(
                w.getKey().clientId(),
                w.getKey().seq(),
                new KvResult.Unknown("leadership lost in term " + term)));
      }
    }

    @Override
    public void onReadReady(long readId) {
      Waiting w = pendingReads.remove(readId);
      if (w != null) reply(w.client(), w.request(), machine.read(w.request().op()));
    }

    @Override
    public void onReadFailed(long readId) {
      Waiting w = pendingReads.remove(readId);
      if (w != null) reply(w.client(), w.request(), new KvResult.Redirect(raft.leaderId()));
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
    } else if (message instanceof KvMessage.ClientRequest r) {
      onClientRequest(from, r);
    } else if (message instanceof KvMessage.TransferLeadership t) {
      if (!raft.transferLeadership(t.target())) drop("transfer-refused");
    } else if (message instanceof KvMessage.ClientReply) {
      drop("reply-to-a-replica");
    } else {
      drop("unknown-message");
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof RaftTimer t) {
      raft.onTimer(t);
    } else {
      throw new IllegalStateException("unexpected timer " + timer);
    }
  }

  /** A limit on requests waiting for the log or a read round; beyond it requests are refused. */
  static final int PENDING_REQUESTS_MAX = 10_000;

  private void onClientRequest(Address from, KvMessage.ClientRequest r) {
    KvOp op = r.op();
    if (pendingWrites.size() + pendingReads.size() >= PENDING_REQUESTS_MAX) {
      drop("overloaded");
      reply(from, r, new KvResult.Redirect(null)); // definite: not proposed, not applied here
      return;
    }
    if (op.isWrite()) {
      if (!raft.isLeader()) {
        reply(from, r, new KvResult.Redirect(raft.leaderId()));
        return;
      }
      KvResult done = machine.sessionResult(r.clientId(), r.seq());
      if (done != null) {
        reply(from, r, done);
        return;
      }
      SessionKey key = new SessionKey(r.clientId(), r.seq());
      if (pendingWrites.containsKey(key)) {
        pendingWrites.put(
            key, from); // a retry of a write already in the log: answer it once applied
        return;
      }
      if (raft.propose(new KvCommand(r.clientId(), r.seq(), op)) < 0) {
        reply(from, r, new KvResult.Redirect(null));
        return;
      }
      pendingWrites.put(key, from);
      return;
    }
    switch (config.reads()) {
      case FOLLOWER -> reply(from, r, machine.read(op));
      case LOCAL -> {
        if (raft.isLeader()) reply(from, r, machine.read(op));
        else reply(from, r, new KvResult.Redirect(raft.leaderId()));
      }
      case READINDEX, LEASE -> {
        long readId = nextReadId++;
        pendingReads.put(readId, new Waiting(from, r));
        if (!raft.requestRead(readId, config.reads() == ReadMode.LEASE)) {
          pendingReads.remove(readId);
          reply(from, r, new KvResult.Redirect(raft.leaderId()));
        }
      }
      case READINDEX_ANY, MUTANT_READINDEX_ANY_UNAPPLIED -> {
        // A follower asks the leader for a read index and answers once it has applied up to it.
        long readId = nextReadId++;
        pendingReads.put(readId, new Waiting(from, r));
        if (!raft.requestReadViaLeader(readId)) {
          pendingReads.remove(readId);
          reply(from, r, new KvResult.Redirect(raft.leaderId()));
        }
      }
      default -> throw new IllegalStateException("unknown read mode " + config.reads());
    }
  }

  /**
   * A reply depends on what is committed (durable on a majority) or on nothing durable at all (a
   * redirect), never on this step's own writes: it need not queue behind the leader's in-flight
   * syncs, which on a loaded leader would add an fsync round to every answer.
   */
  private void reply(Address to, KvMessage.ClientRequest r, KvResult result) {
    env.sendBeforeSync(to, new KvMessage.ClientReply(r.clientId(), r.seq(), result));
  }

  private void drop(String reason) {
    dropped.merge(reason, 1L, Long::sum);
  }

  @Override
  public void checkInvariants() {
    raft.checkInvariants();
    if (machine.appliedIndex() > raft.lastApplied()) {
      throw new IllegalStateException(
          "state machine ahead of Raft: " + machine.appliedIndex() + " > " + raft.lastApplied());
    }
  }

  public RaftReplica raft() {
    return raft;
  }

  public KvStateMachine machine() {
    return machine;
  }

  public Config config() {
    return config;
  }
}
