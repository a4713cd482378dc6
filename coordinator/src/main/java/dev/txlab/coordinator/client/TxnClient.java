package dev.txlab.coordinator.client;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.coordinator.txn.TxnMessage;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.coordinator.txn.TxnTimer;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.kv.ShardMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A simulated transaction client: a closed loop running one transaction at a time from a {@link
 * TxnWorkload} and reporting it to a {@link TxnObserver} as Jepsen would record it.
 *
 * <p>Read-write transactions: execute at every participant shard (locks, reads), then ask a
 * coordinator to decide — the leader of a randomly chosen participant group ({@code coordinator:
 * replicated}) or the single coordinator. An attempt aborted before commit (wounded, lock timeout,
 * a NO vote) is definitely not applied: the client releases its locks and retries under a new
 * attempt id with the same wound-wait priority (so it ages and eventually wins), after a backoff
 * (exponential in the attempt, with full jitter), up to {@code attemptsMax}; then it records {@code
 * FAIL}. If the coordinator does not answer within {@code commitTimeoutNanos} the outcome is
 * unknown: {@code INFO}.
 *
 * <p>Read-only transactions with {@code read-only: snapshot} read at {@code TT.now().latest −
 * staleness} from a random replica of each shard, without locks; with {@code locking} they run as
 * read-write transactions.
 */
public final class TxnClient implements Process {
  public record Config(
      ShardMap shardMap,
      TxnKnobs knobs,
      Address singleCoordinator,
      long thinkTimeNanosMean,
      long retryNanos,
      long lockWaitTimeoutNanos,
      long commitTimeoutNanos,
      long readTimeoutNanos,
      int attemptsMax) {
    public Config {
      if (shardMap == null
          || knobs == null
          || retryNanos <= 0
          || attemptsMax < 1
          || thinkTimeNanosMean < 0) {
        throw new IllegalArgumentException("bad txn client config");
      }
      if (!knobs.replicatedCoordinator() && singleCoordinator == null)
        throw new IllegalArgumentException("single coordinator needs an address");
    }

    /** 100 ms resends, 1 s lock wait, 2 s for a decision, 1 s for a snapshot read, 5 attempts. */
    public static Config defaults(
        ShardMap shardMap, TxnKnobs knobs, Address singleCoordinator, long thinkTimeNanosMean) {
      return new Config(
          shardMap,
          knobs,
          singleCoordinator,
          thinkTimeNanosMean,
          100_000_000L,
          1_000_000_000L,
          2_000_000_000L,
          1_000_000_000L,
          5);
    }
  }

  private enum Phase {
    IDLE,
    BACKOFF,
    EXECUTE,
    COMMIT,
    READ
  }

  private final Env env;
  private final Config config;
  private final TxnWorkload workload;
  private final TxnObserver observer;
  private final TxnProbe probe;
  private final String name;

  private long seq;
  private Phase phase = Phase.IDLE;
  private List<MicroOp> ops;
  private MicroOp[] results;
  private final TreeMap<ShardId, List<Integer>> byShard = new TreeMap<>();
  private final TreeMap<ShardId, Boolean> done = new TreeMap<>();
  private int attempt;
  private long priority;
  private int round;
  private long phaseStartLocal;
  private long readTs;
  private ShardId coordinatorShard;

  public TxnClient(
      Env env, Config config, TxnWorkload workload, TxnObserver observer, TxnProbe probe) {
    this(env, config, workload, observer, probe, 0);
  }

  /**
   * A client whose operations are numbered from {@code firstSeq + 1}. A client rebuilt under the
   * same address (a live gateway lane after a restart) must not reuse the transaction ids of its
   * earlier incarnations, which participants may still remember as decided.
   */
  public TxnClient(
      Env env,
      Config config,
      TxnWorkload workload,
      TxnObserver observer,
      TxnProbe probe,
      long firstSeq) {
    if (firstSeq < 0) throw new IllegalArgumentException("firstSeq must be >= 0");
    this.seq = firstSeq;
    this.env = env;
    this.config = config;
    this.workload = workload;
    this.observer = observer;
    this.probe = probe;
    this.name = env.self().toString();
  }

  @Override
  public void onStart() {
    scheduleNext();
  }

  private void scheduleNext() {
    long think =
        config.thinkTimeNanosMean() == 0
            ? 1
            : 1 + (long) env.random().exponential(config.thinkTimeNanosMean());
    env.setTimer(think, new TxnTimer.ClientNext(seq));
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof TxnTimer.ClientNext n) {
      if (n.afterSeq() == seq && phase == Phase.IDLE) begin();
    } else if (timer instanceof TxnTimer.ClientRetry r) {
      if (r.seq() == seq
          && r.attempt() == attempt
          && r.round() == round
          && phase != Phase.IDLE
          && phase != Phase.BACKOFF) {
        onRetry();
      }
    } else if (timer instanceof TxnTimer.ClientBackoff b) {
      if (b.seq() == seq && b.attempt() == attempt && phase == Phase.BACKOFF) startAttempt();
    } else {
      throw new IllegalStateException("unexpected timer " + timer);
    }
  }

  private void begin() {
    seq++;
    List<MicroOp> next = workload.next(env.random());
    if (next == null) return; // the workload is finished: this client stops
    ops = List.copyOf(next);
    if (ops.isEmpty()) throw new IllegalStateException("workload produced an empty transaction");
    observer.invoked(name, seq, ops);
    attempt = 0;
    priority = env.trueTime().latest();
    byShard.clear();
    for (int i = 0; i < ops.size(); i++) {
      byShard
          .computeIfAbsent(config.shardMap().shardOf(ops.get(i).key()), s -> new ArrayList<>())
          .add(i);
    }
    boolean readOnly = ops.stream().noneMatch(MicroOp::isWrite);
    if (readOnly && config.knobs().snapshotReads()) startRead();
    else startAttempt();
  }

  private TxnId txn() {
    return new TxnId(name, seq, attempt);
  }

  private void startAttempt() {
    phase = Phase.EXECUTE;
    results = new MicroOp[ops.size()];
    done.clear();
    phaseStartLocal = env.localClockNanos();
    sendExecutes();
    armRetry();
  }

  private void armRetry() {
    round++;
    env.setTimer(config.retryNanos(), new TxnTimer.ClientRetry(seq, attempt, round));
  }

  private void sendExecutes() {
    for (Map.Entry<ShardId, List<Integer>> e : byShard.entrySet()) {
      if (done.containsKey(e.getKey())) continue;
      List<MicroOp> part = new ArrayList<>();
      for (int i : e.getValue()) part.add(ops.get(i));
      for (Address r : config.shardMap().replicasOf(e.getKey()))
        env.send(r, new TxnMessage.Execute(txn(), priority, part));
    }
  }

  private void sendCommit() {
    TxnMessage.Commit c = new TxnMessage.Commit(txn(), List.copyOf(byShard.keySet()));
    if (config.knobs().replicatedCoordinator()) {
      for (Address r : config.shardMap().replicasOf(coordinatorShard)) env.send(r, c);
    } else {
      env.send(config.singleCoordinator(), c);
    }
  }

  private void onRetry() {
    long waited = env.localClockNanos() - phaseStartLocal;
    switch (phase) {
      case EXECUTE -> {
        if (waited >= config.lockWaitTimeoutNanos()) {
          abortAttempt("lock-timeout");
          return;
        }
        sendExecutes();
      }
      case COMMIT -> {
        if (waited >= config.commitTimeoutNanos()) {
          probe.clientUnknown(txn(), "coordinator-timeout");
          finish(Outcome.INFO, ops, "coordinator-timeout");
          return;
        }
        sendCommit();
      }
      case READ -> {
        if (waited >= config.readTimeoutNanos()) {
          finish(Outcome.FAIL, ops, "read-timeout");
          return;
        }
        sendReads();
      }
      default -> throw new IllegalStateException("retry while idle");
    }
    armRetry();
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (!(message instanceof TxnMessage m)) return;
    if (m instanceof TxnMessage.ExecuteReply r) {
      if (phase != Phase.EXECUTE || !r.txn().equals(txn()) || done.containsKey(r.shard())) return;
      List<Integer> idx = byShard.get(r.shard());
      if (idx == null || idx.size() != r.results().size()) return; // malformed: dropped
      for (int i = 0; i < idx.size(); i++) results[idx.get(i)] = r.results().get(i);
      done.put(r.shard(), true);
      if (done.size() == byShard.size()) {
        phase = Phase.COMMIT;
        phaseStartLocal = env.localClockNanos();
        List<ShardId> parts = new ArrayList<>(byShard.keySet());
        coordinatorShard = parts.get(env.random().nextInt(parts.size()));
        sendCommit();
        armRetry();
      }
    } else if (m instanceof TxnMessage.Aborted a) {
      // Once the commit is asked for, only the coordinator's decision counts.
      if (phase == Phase.EXECUTE && a.txn().equals(txn())) abortAttempt(a.cause());
    } else if (m instanceof TxnMessage.Outcome o) {
      if (phase != Phase.COMMIT || !o.txn().equals(txn())) return;
      if (o.decision() == TxnDecision.COMMIT) {
        probe.clientCommitted(txn());
        finish(Outcome.OK, Arrays.asList(results), null);
      } else {
        abortAttempt("refused-at-prepare");
      }
    } else if (m instanceof TxnMessage.SnapshotReadReply r) {
      onReadReply(r);
    }
  }

  private void abortAttempt(String cause) {
    TxnId t = txn();
    probe.clientAborted(t, cause);
    for (ShardId s : byShard.keySet())
      for (Address r : config.shardMap().replicasOf(s)) env.send(r, new TxnMessage.Abort(t));
    if (attempt + 1 >= config.attemptsMax()) {
      finish(Outcome.FAIL, ops, cause);
      return;
    }
    attempt++;
    probe.clientRetried(txn());
    // Back off before the next attempt, so clients that wounded or timed out each other do not
    // collide again at once: exponential in the attempt, with full jitter, in the host's time.
    phase = Phase.BACKOFF;
    long ceiling = Math.min(BACKOFF_NANOS_MAX, BACKOFF_NANOS_BASE << Math.min(attempt - 1, 20));
    env.setTimer(1 + env.random().nextLong(ceiling), new TxnTimer.ClientBackoff(seq, attempt));
  }

  /** The backoff before the second attempt is drawn from (0, 5 ms], doubling per attempt. */
  static final long BACKOFF_NANOS_BASE = 5_000_000L;

  /** No backoff exceeds 200 ms: the lock wait timeout is 1 s, and attempts are few. */
  static final long BACKOFF_NANOS_MAX = 200_000_000L;

  // ================================================================ snapshot reads

  private void startRead() {
    phase = Phase.READ;
    results = new MicroOp[ops.size()];
    done.clear();
    phaseStartLocal = env.localClockNanos();
    readTs = env.trueTime().latest() - config.knobs().stalenessNanos();
    sendReads();
    armRetry();
  }

  private void sendReads() {
    for (Map.Entry<ShardId, List<Integer>> e : byShard.entrySet()) {
      if (done.containsKey(e.getKey())) continue;
      List<String> keys = new ArrayList<>();
      for (int i : e.getValue()) keys.add(ops.get(i).key());
      List<Address> replicas = config.shardMap().replicasOf(e.getKey());
      Address r = replicas.get(env.random().nextInt(replicas.size()));
      env.send(r, new TxnMessage.SnapshotRead(txn(), readTs, keys));
    }
  }

  private void onReadReply(TxnMessage.SnapshotReadReply r) {
    if (phase != Phase.READ
        || !r.txn().equals(txn())
        || r.ts() != readTs
        || done.containsKey(r.shard())) return;
    List<Integer> idx = byShard.get(r.shard());
    if (idx == null || idx.size() != r.values().size()) return;
    for (int i = 0; i < idx.size(); i++)
      results[idx.get(i)] = ops.get(idx.get(i)).withValue(r.values().get(i));
    done.put(r.shard(), true);
    if (done.size() == byShard.size()) finish(Outcome.OK, Arrays.asList(results), null);
  }

  private void finish(Outcome outcome, List<MicroOp> result, String cause) {
    phase = Phase.IDLE;
    observer.completed(name, seq, List.copyOf(result), outcome, cause);
    scheduleNext();
  }

  /** The message types a client handles (a test checks the protocol's replies are all here). */
  public static final List<Class<?>> HANDLED =
      List.of(
          TxnMessage.ExecuteReply.class,
          TxnMessage.Aborted.class,
          TxnMessage.Outcome.class,
          TxnMessage.SnapshotReadReply.class);
}
