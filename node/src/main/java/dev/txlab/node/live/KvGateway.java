package dev.txlab.node.live;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.KvMessage;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.KvResult;
import dev.txlab.node.kv.ShardMap;
import java.util.ArrayDeque;
import java.util.List;
import java.util.TreeMap;

/**
 * The process behind a node's HTTP API: it turns each request into a shard client request, finds
 * the shard's leader (following redirects, rotating on silence), retries with the same session and
 * sequence number — so a write applies at most once however often it is resent — and answers the
 * outcome through a {@link Responder}.
 *
 * <p>A shard keeps one session per client id with one outstanding request, so the gateway owns a
 * bounded pool of session lanes ({@code <self>~<random>.<lane>}), one request in flight on each;
 * requests beyond the pool are refused at once as busy (a definite failure).
 *
 * <p>Retries run from one sweep timer, not a timer per request: at most one gateway timer is
 * outstanding at a time, armed while some lane is in flight, for when the oldest attempt comes due.
 * A timer per request made the node's event loop spin: Netty's NIO loop does not block within half
 * a millisecond of a scheduled deadline, and at a thousand requests a second a 300 ms retry timer
 * per request left one due about every millisecond (measured with {@code perf stat} on the leader's
 * event loop at one wrk client: 412,000 {@code epoll_wait} calls a second).
 */
public final class KvGateway implements Process {
  /** Where outcomes go (the HTTP layer). Called on the gateway's thread; must not block. */
  public interface Responder {
    void respond(long requestId, Outcome outcome, String value);
  }

  /**
   * OK; FAILED: a cas that found another value (definite); UNKNOWN: timed out (indefinite); BUSY:
   * refused.
   */
  public enum Outcome {
    OK,
    FAILED,
    UNKNOWN,
    BUSY
  }

  /** A request from the HTTP layer, injected through the host. */
  public record Request(long requestId, KvOp op) implements Message {}

  /** The sweep: every lane whose attempt has waited {@code retryNanos} is resent (or times out). */
  record Sweep() implements Timer {}

  private static final class Lane {
    final String clientId;
    long seq;
    long requestId;
    KvOp op;
    Address target;
    long sentLocal;
    long deadlineLocal;
    boolean localRefused;

    Lane(String clientId) {
      this.clientId = clientId;
    }
  }

  private final Env env;
  private final ShardMap shardMap;
  private final Responder responder;
  private final long retryNanos;
  private final long timeoutNanos;
  private final Lane[] lanes;
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private final TreeMap<ShardId, Integer> leaderGuess = new TreeMap<>();
  private final boolean readsAtLocalReplica;
  private final long minSweepNanos;
  private boolean sweepArmed;

  public KvGateway(
      Env env,
      ShardMap shardMap,
      Responder responder,
      int maxInFlight,
      long retryNanos,
      long timeoutNanos) {
    this(env, shardMap, responder, maxInFlight, retryNanos, timeoutNanos, false);
  }

  /**
   * @param readsAtLocalReplica send a read first to this node's own replica of its shard, when
   *     there is one (for read modes any replica serves, {@link
   *     dev.txlab.node.kv.ReadMode#servedByAnyReplica}); if it refuses or stays silent, the read
   *     goes to the leader as any request does
   */
  public KvGateway(
      Env env,
      ShardMap shardMap,
      Responder responder,
      int maxInFlight,
      long retryNanos,
      long timeoutNanos,
      boolean readsAtLocalReplica) {
    this.readsAtLocalReplica = readsAtLocalReplica;
    if (maxInFlight < 1 || retryNanos <= 0 || timeoutNanos < retryNanos)
      throw new IllegalArgumentException("bad gateway limits");
    this.env = env;
    this.shardMap = shardMap;
    this.responder = responder;
    this.retryNanos = retryNanos;
    this.timeoutNanos = timeoutNanos;
    // A due attempt waits at most this much past its retry time; it bounds how often the sweep
    // runs however the attempts are spread.
    this.minSweepNanos = Math.max(1, retryNanos / 8);
    String base = env.self() + "~" + Integer.toHexString(env.random().nextInt(1 << 24));
    lanes = new Lane[maxInFlight];
    for (int i = 0; i < maxInFlight; i++) {
      lanes[i] = new Lane(base + "." + i);
      free.add(i);
    }
  }

  @Override
  public void onStart() {}

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof Request r) {
      onRequest(r);
    } else if (message instanceof KvMessage.ClientReply reply) {
      onReply(from, reply);
    }
    // Anything else from a peer is not for us: ignored.
  }

  private void onRequest(Request r) {
    Integer i = free.poll();
    if (i == null) {
      responder.respond(r.requestId(), Outcome.BUSY, null);
      return;
    }
    Lane lane = lanes[i];
    lane.seq++;
    lane.requestId = r.requestId();
    lane.op = r.op();
    lane.deadlineLocal = env.localClockNanos() + timeoutNanos;
    lane.localRefused = false;
    send(i, chooseTarget(lane));
  }

  private Address chooseTarget(Lane lane) {
    ShardId shard = shardMap.shardOf(lane.op.key());
    List<Address> replicas = shardMap.replicasOf(shard);
    if (readsAtLocalReplica && !lane.op.isWrite() && !lane.localRefused) {
      Address local = Address.of(env.self().node(), shard.component());
      if (replicas.contains(local)) return local;
    }
    return guessFor(shard);
  }

  private Address guessFor(ShardId shard) {
    List<Address> replicas = shardMap.replicasOf(shard);
    return replicas.get(leaderGuess.getOrDefault(shard, 0) % replicas.size());
  }

  /** Whether the lane's last attempt went to this node's own replica (a local read). */
  private boolean atLocalReplica(Lane lane) {
    return readsAtLocalReplica
        && !lane.op.isWrite()
        && !lane.localRefused
        && lane.target.node().equals(env.self().node());
  }

  private void rotate(KvOp op) {
    rotate(shardMap.shardOf(op.key()));
  }

  /** The shard's leader guess moves on to its next replica. */
  private void rotate(ShardId shard) {
    leaderGuess.merge(shard, 1, Integer::sum);
  }

  private void send(int i, Address target) {
    Lane lane = lanes[i];
    lane.target = target;
    lane.sentLocal = env.localClockNanos();
    env.send(target, new KvMessage.ClientRequest(lane.clientId, lane.seq, lane.op));
    if (!sweepArmed) {
      sweepArmed = true;
      env.setTimer(retryNanos, new Sweep());
    }
  }

  private int laneOf(String clientId) {
    int dot = clientId.lastIndexOf('.');
    if (dot < 0) return -1;
    try {
      int i = Integer.parseInt(clientId.substring(dot + 1));
      return i >= 0 && i < lanes.length && lanes[i].clientId.equals(clientId) ? i : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void onReply(Address from, KvMessage.ClientReply reply) {
    int i = laneOf(reply.clientId());
    if (i < 0) return;
    Lane lane = lanes[i];
    if (lane.op == null || reply.seq() != lane.seq) return; // stale or duplicate
    KvResult r = reply.result();
    if (r instanceof KvResult.Ok ok) {
      finish(i, Outcome.OK, ok.value());
    } else if (r instanceof KvResult.CasFailed cf) {
      finish(i, Outcome.FAILED, cf.actual());
    } else if (r instanceof KvResult.Redirect rd) {
      if (!from.equals(lane.target)) return;
      // A local replica that refuses a read knows no leader now: the read goes to the leader.
      boolean local = atLocalReplica(lane);
      if (local) lane.localRefused = true;
      ShardId shard = shardMap.shardOf(lane.op.key());
      List<Address> replicas = shardMap.replicasOf(shard);
      int hinted = rd.leaderHint() == null ? -1 : replicas.indexOf(rd.leaderHint());
      if (hinted >= 0 && !rd.leaderHint().equals(from)) {
        leaderGuess.put(shard, hinted);
        retryOrGiveUp(i);
      } else if (local) {
        retryOrGiveUp(i);
      } else {
        rotate(lane.op);
      }
    } else if (r instanceof KvResult.Unknown) {
      if (!from.equals(lane.target)) return;
      if (atLocalReplica(lane)) lane.localRefused = true;
      else rotate(lane.op);
    } else {
      throw new IllegalStateException("unknown result " + r);
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (!(timer instanceof Sweep)) throw new IllegalStateException("unexpected timer " + timer);
    // Resends below must not arm their own sweep: this one re-arms for the oldest attempt left.
    sweepArmed = true;
    long now = env.localClockNanos();
    // A shard whose guessed leader left an attempt unanswered is down, cut off or no longer the
    // leader: the guess moves on once, however many of that shard's requests were waiting.
    java.util.TreeSet<ShardId> silent = new java.util.TreeSet<>();
    for (Lane lane : lanes) {
      if (lane.op == null || now - lane.sentLocal < retryNanos || atLocalReplica(lane)) continue;
      ShardId shard = shardMap.shardOf(lane.op.key());
      if (lane.target.equals(guessFor(shard))) silent.add(shard);
    }
    for (ShardId shard : silent) rotate(shard);
    for (int i = 0; i < lanes.length; i++) {
      Lane lane = lanes[i];
      if (lane.op == null || now - lane.sentLocal < retryNanos) continue;
      // A local replica that stays silent: the read goes to the leader as any request does.
      if (atLocalReplica(lane)) lane.localRefused = true;
      retryOrGiveUp(i);
    }
    sweepArmed = false;
    long oldest = Long.MAX_VALUE;
    for (Lane lane : lanes) if (lane.op != null) oldest = Math.min(oldest, lane.sentLocal);
    if (oldest == Long.MAX_VALUE) return;
    sweepArmed = true;
    env.setTimer(Math.max(minSweepNanos, oldest + retryNanos - now), new Sweep());
  }

  private void retryOrGiveUp(int i) {
    Lane lane = lanes[i];
    if (env.localClockNanos() >= lane.deadlineLocal) {
      finish(i, Outcome.UNKNOWN, null);
      return;
    }
    send(i, chooseTarget(lane));
  }

  private void finish(int i, Outcome outcome, String value) {
    Lane lane = lanes[i];
    long id = lane.requestId;
    lane.op = null;
    free.add(i);
    responder.respond(id, outcome, value);
  }

  @Override
  public void checkInvariants() {
    int busy = 0;
    for (Lane l : lanes) if (l.op != null) busy++;
    if (busy + free.size() != lanes.length)
      throw new IllegalStateException(
          "gateway lanes leaked: " + busy + " busy, " + free.size() + " free");
    if (busy > 0 && !sweepArmed)
      throw new IllegalStateException(busy + " requests in flight and no retry sweep armed");
  }
}
