package dev.txlab.coordinator.migration;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.KvMessage;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.KvResult;
import dev.txlab.node.kv.ShardMap;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A process's connections to the new store (the Raft key-value cluster): {@code lanes} sessions,
 * each with one operation outstanding, numbered so that the shards' session tables apply each at
 * most once. A lane never gives up: it resends the same request to the next replica until a
 * definite answer ({@code Ok} or {@code CasFailed}) comes back — the migration must not skip a
 * change, and an answer to a resend is the answer to the first attempt.
 *
 * <p>Not a process: it lives inside one (the router, the change consumer) and acts through that
 * process's {@link Env}; its timers are {@link MigrationTimer.LaneRetry}.
 */
final class NewStoreLanes {
  private final Env env;
  private final ShardMap map;
  private final long retryNanos;
  private final String[] sessions;
  private final long[] seq;
  private final KvOp[] current;
  private final Address[] target;
  private final int[] attempt;
  private final List<Consumer<KvResult>> done;
  private final TreeMap<ShardId, Integer> leaderGuess = new TreeMap<>();

  NewStoreLanes(Env env, ShardMap map, int lanes, long retryNanos) {
    if (lanes < 1 || retryNanos <= 0) {
      throw new IllegalArgumentException("need lanes >= 1 and a retry timeout > 0");
    }
    this.env = env;
    this.map = map;
    this.retryNanos = retryNanos;
    this.sessions = new String[lanes];
    this.seq = new long[lanes];
    this.current = new KvOp[lanes];
    this.target = new Address[lanes];
    this.attempt = new int[lanes];
    this.done = new java.util.ArrayList<>();
    // A restarted process gets new sessions: its old sequence numbers stay with the old ones.
    String incarnation = Integer.toHexString(env.random().nextInt(1 << 24));
    for (int i = 0; i < lanes; i++) {
      sessions[i] = env.self() + "~" + incarnation + "#" + i;
      done.add(null);
    }
  }

  int lanes() {
    return sessions.length;
  }

  boolean idle(int lane) {
    return current[lane] == null;
  }

  /** The first idle lane, or -1. */
  int idleLane() {
    for (int i = 0; i < sessions.length; i++) {
      if (current[i] == null) {
        return i;
      }
    }
    return -1;
  }

  /** Sends {@code op} on idle lane {@code lane}; {@code onDone} gets the definite answer. */
  void submit(int lane, KvOp op, Consumer<KvResult> onDone) {
    if (current[lane] != null) {
      throw new IllegalStateException("lane " + lane + " is busy with " + current[lane]);
    }
    seq[lane]++;
    current[lane] = op;
    attempt[lane] = 0;
    done.set(lane, onDone);
    send(lane);
  }

  private void send(int lane) {
    ShardId shard = map.shardOf(current[lane].key());
    List<Address> replicas = map.replicasOf(shard);
    target[lane] = replicas.get(leaderGuess.getOrDefault(shard, 0) % replicas.size());
    attempt[lane]++;
    env.send(target[lane], new KvMessage.ClientRequest(sessions[lane], seq[lane], current[lane]));
    env.setTimer(retryNanos, new MigrationTimer.LaneRetry(lane, seq[lane], attempt[lane]));
  }

  private void rotate(int lane) {
    leaderGuess.merge(map.shardOf(current[lane].key()), 1, Integer::sum);
  }

  void onRetry(MigrationTimer.LaneRetry t) {
    int lane = t.lane();
    if (lane >= sessions.length
        || current[lane] == null
        || t.seq() != seq[lane]
        || t.attempt() != attempt[lane]) {
      return; // stale
    }
    rotate(lane);
    send(lane);
  }

  /** Handles a reply if it is one of ours; returns whether it was. */
  boolean onReply(Address from, KvMessage.ClientReply reply) {
    int lane = -1;
    for (int i = 0; i < sessions.length; i++) {
      if (sessions[i].equals(reply.clientId())) {
        lane = i;
        break;
      }
    }
    if (lane < 0) {
      return false;
    }
    if (current[lane] == null || reply.seq() != seq[lane]) {
      return true; // a duplicate or an answer to an earlier op
    }
    KvResult r = reply.result();
    if (r instanceof KvResult.Ok || r instanceof KvResult.CasFailed) {
      Consumer<KvResult> callback = done.get(lane);
      current[lane] = null;
      done.set(lane, null);
      callback.accept(r);
    } else if (r instanceof KvResult.Redirect rd) {
      if (!from.equals(target[lane])) {
        return true;
      }
      ShardId shard = map.shardOf(current[lane].key());
      int hinted = rd.leaderHint() == null ? -1 : map.replicasOf(shard).indexOf(rd.leaderHint());
      if (hinted >= 0 && !rd.leaderHint().equals(from)) {
        leaderGuess.put(shard, hinted);
        send(lane);
      } else {
        rotate(lane); // no useful hint: the retry timer resends to the next replica
      }
    } else if (r instanceof KvResult.Unknown) {
      if (from.equals(target[lane])) {
        rotate(lane);
      }
    } else {
      throw new IllegalStateException("unknown result " + r);
    }
    return true;
  }
}
