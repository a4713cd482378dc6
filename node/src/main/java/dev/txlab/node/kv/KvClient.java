package dev.txlab.node.kv;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Timer;
import java.util.List;
import java.util.TreeMap;

/**
 * A simulated client: a closed loop issuing one operation at a time from a {@link KvWorkload},
 * finding each shard's leader and following redirects, retrying with the same sequence number
 * (safe: the shard's session table applies a write at most once), and giving up after {@code
 * opTimeoutNanos}, which it reports as indefinite ({@code INFO}).
 *
 * <p>Its memory is volatile on purpose: a crashed client simply stops (its last op stays open); a
 * restarted one is a new client with a new session id.
 */
public final class KvClient implements Process {
  /**
   * @param thinkTimeNanosMean mean of the exponential pause between operations
   * @param retryTimeoutNanos resend to another replica if no answer comes in this long
   * @param opTimeoutNanos give up on an operation (INFO) after this long
   * @param readsFromAnyReplica send reads to a random replica instead of the leader (for follower
   *     reads)
   */
  public record Config(
      ShardMap shardMap,
      long thinkTimeNanosMean,
      long retryTimeoutNanos,
      long opTimeoutNanos,
      boolean readsFromAnyReplica) {
    public Config {
      if (shardMap == null
          || thinkTimeNanosMean < 0
          || retryTimeoutNanos <= 0
          || opTimeoutNanos < retryTimeoutNanos) {
        throw new IllegalArgumentException(
            "client needs a shard map, think >= 0, 0 < retry <= op timeout");
      }
    }
  }

  sealed interface ClientTimer extends Timer {}

  /** Time to issue the next operation. */
  record NextOp(long afterSeq) implements ClientTimer {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("NextOp[")
          .append("afterSeq=")
          .append(afterSeq)
          .append(']')
          .toString();
    }
  }

  /** No answer to attempt {@code attempt} of {@code seq}: resend (or give up). */
  record Retry(long seq, int attempt) implements ClientTimer {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("Retry[")
          .append("seq=")
          .append(seq)
          .append(", attempt=")
          .append(attempt)
          .append(']')
          .toString();
    }
  }

  private final Env env;
  private final Config config;
  private final KvWorkload workload;
  private final ClientObserver observer;
  private final String clientId;
  private final TreeMap<ShardId, Integer> leaderGuess = new TreeMap<>();

  private long seq;
  private KvOp current;
  private Address currentTarget;
  private int attempt;
  private long opDeadlineLocal;
  private boolean done;

  public KvClient(Env env, Config config, KvWorkload workload, ClientObserver observer) {
    this.env = env;
    this.config = config;
    this.workload = workload;
    this.observer = observer;
    // A restarted client is a new session: reusing the old id would collide with the sequence
    // numbers its previous incarnation left in the shards' session tables.
    this.clientId = env.self() + "~" + Integer.toHexString(env.random().nextInt(1 << 24));
  }

  @Override
  public void onStart() {
    scheduleNext();
  }

  private void scheduleNext() {
    long think =
        config.thinkTimeNanosMean() == 0
            ? 0
            : (long) env.random().exponential(config.thinkTimeNanosMean());
    env.setTimer(think, new NextOp(seq));
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof NextOp n) {
      if (n.afterSeq() != seq || current != null || done) return;
      KvOp op = workload.next(env.random());
      if (op == null) {
        done = true;
        return;
      }
      seq++;
      current = op;
      attempt = 0;
      opDeadlineLocal = env.localClockNanos() + config.opTimeoutNanos();
      observer.invoked(clientId, seq, op);
      send(chooseTarget(op));
    } else if (timer instanceof Retry r) {
      if (r.seq() != seq || r.attempt() != attempt || current == null) return; // stale
      rotateLeaderGuess(current);
      retryOrGiveUp();
    } else {
      throw new IllegalStateException("unexpected timer " + timer);
    }
  }

  private Address chooseTarget(KvOp op) {
    ShardId shard = config.shardMap().shardOf(op.key());
    List<Address> replicas = config.shardMap().replicasOf(shard);
    if (!op.isWrite() && config.readsFromAnyReplica())
      return replicas.get(env.random().nextInt(replicas.size()));
    return replicas.get(leaderGuess.getOrDefault(shard, 0) % replicas.size());
  }

  private void rotateLeaderGuess(KvOp op) {
    ShardId shard = config.shardMap().shardOf(op.key());
    leaderGuess.merge(shard, 1, Integer::sum);
  }

  private void send(Address target) {
    currentTarget = target;
    attempt++;
    env.send(target, new KvMessage.ClientRequest(clientId, seq, current));
    env.setTimer(config.retryTimeoutNanos(), new Retry(seq, attempt));
  }

  private void retryOrGiveUp() {
    if (env.localClockNanos() >= opDeadlineLocal) {
      finish(ClientObserver.Outcome.INFO, null);
      return;
    }
    send(chooseTarget(current));
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (!(message instanceof KvMessage.ClientReply reply)) return;
    if (reply.seq() != seq || current == null || !reply.clientId().equals(clientId))
      return; // stale or duplicate
    KvResult r = reply.result();
    if (r instanceof KvResult.Ok ok) {
      finish(ClientObserver.Outcome.OK, ok.value());
    } else if (r instanceof KvResult.CasFailed cf) {
      finish(ClientObserver.Outcome.FAIL, cf.actual());
    } else if (r instanceof KvResult.Redirect rd) {
      if (!from.equals(currentTarget)) return; // an answer to an earlier attempt
      ShardId shard = config.shardMap().shardOf(current.key());
      List<Address> replicas = config.shardMap().replicasOf(shard);
      int hinted = rd.leaderHint() == null ? -1 : replicas.indexOf(rd.leaderHint());
      if (hinted >= 0 && !rd.leaderHint().equals(from)) {
        leaderGuess.put(shard, hinted);
        retryOrGiveUp();
      } else {
        // No useful hint (an election is likely under way): try the next replica on the retry
        // timer.
        rotateLeaderGuess(current);
      }
    } else if (r instanceof KvResult.Unknown) {
      if (!from.equals(currentTarget)) return;
      rotateLeaderGuess(current); // the retry timer resends with the same seq
    } else {
      throw new IllegalStateException("unknown result " + r);
    }
  }

  private void finish(ClientObserver.Outcome outcome, String value) {
    observer.completed(clientId, seq, current, outcome, value);
    current = null;
    scheduleNext();
  }

  public String clientId() {
    return clientId;
  }

  public long completedOps() {
    return current == null ? seq : seq - 1;
  }
}
