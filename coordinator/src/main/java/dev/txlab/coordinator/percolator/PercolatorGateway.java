package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.protocol.CoordinatorPhase;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.kv.ShardMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A node's transaction gateway (TiDB's role over TiKV; the Percolator client of the paper's §2.2):
 * it runs each transaction a client sends it and hands out the oracle's timestamps.
 *
 * <ul>
 *   <li><b>Timestamps</b> come from the oracle in batches (PD's client): every request for a
 *       timestamp that arrives while one batch is in flight waits for the next, which asks for all
 *       of them at once; a batch unanswered is sent again (to every oracle replica: whichever leads
 *       answers), so a failover shows as a wait, not an error. A timestamp is only handed to a
 *       request made before its batch was sent, so timestamps increase in real time.
 *   <li><b>A transaction</b> reads at its {@code start_ts}, buffering its writes (an append reads
 *       the key first). A read that meets an older transaction's lock asks that transaction's
 *       primary: committed → the lock is rolled forward; rolled back, or its time to live over
 *       (then the check rolls it back) → the lock is rolled back; otherwise the read backs off and
 *       tries again.
 *   <li><b>Commit</b>: prewrite every written key (the first is the primary) on every shard at
 *       once; a write committed after {@code start_ts} aborts the attempt (a write-write conflict:
 *       the attempt is rolled back and retried with a new {@code start_ts}); a lock in the way is
 *       resolved as a read would. Then {@code commit_ts} from the oracle and the primary's commit
 *       through Raft: the commit point. The client hears the outcome then; the secondaries are
 *       committed afterwards, asynchronously — a gateway that dies first leaves them locked, for
 *       readers to roll forward.
 *   <li><b>Lock scanning</b> (TiDB's GC worker, in miniature): every second each gateway scans one
 *       shard for locks past their time to live and resolves them, so locks nobody reads again do
 *       not stay.
 * </ul>
 *
 * <p>A gateway that crashes loses its transactions and its waiting requests. Its request ids start
 * above any an earlier incarnation used (an incarnation number kept in its storage), so a late
 * answer to an earlier incarnation's request — an old timestamp above all — is never taken for an
 * answer to a new one.
 */
public final class PercolatorGateway implements Process {
  /**
   * @param oracle the oracle's replicas
   * @param tsoBatch at most this many timestamps per oracle request ({@code tso-batch})
   * @param lockTtlMs a lock's time to live ({@code lock-ttl})
   * @param giveUpNanos a transaction still running after this long is abandoned: rolled back if its
   *     primary's commit was not sent (the client hears {@code FAIL}), unknown if it was
   */
  public record Config(
      ShardMap shardMap,
      List<Address> oracle,
      int tsoBatch,
      long lockTtlMs,
      long retryNanos,
      long giveUpNanos,
      int attemptsMax) {
    public Config {
      oracle = List.copyOf(oracle);
      if (oracle.isEmpty() || tsoBatch < 1 || lockTtlMs < 1 || attemptsMax < 1)
        throw new IllegalArgumentException("bad gateway config");
    }

    public static Config defaults(
        ShardMap shardMap, List<Address> oracle, int tsoBatch, long lockTtlMs) {
      return new Config(shardMap, oracle, tsoBatch, lockTtlMs, 100_000_000L, 2_500_000_000L, 5);
    }
  }

  static final long TICK_NANOS = 10_000_000L;

  /** An unanswered oracle request is sent again after this long. */
  static final long TSO_RETRY_NANOS = 50_000_000L;

  /** Each gateway scans one shard for expired locks this often. */
  static final long SCAN_NANOS = 1_000_000_000L;

  /** A request with no transaction waiting on it (secondaries, rollbacks) is resent this long. */
  static final long BACKGROUND_NANOS = 10_000_000_000L;

  /** A request waiting for its answer, and what to do with it. */
  private static final class Pending {
    final Run owner; // null: background work, kept until answered or too old
    final ShardId shard;
    final PercolatorCommand command;
    final Consumer<PercolatorShard.Outcome> then;
    final long firstSentLocal;
    long sentLocal;

    Pending(
        Run owner,
        ShardId shard,
        PercolatorCommand command,
        Consumer<PercolatorShard.Outcome> then,
        long now) {
      this.owner = owner;
      this.shard = shard;
      this.command = command;
      this.then = then;
      this.firstSentLocal = now;
      this.sentLocal = now;
    }
  }

  private record TsWaiter(long askedLocal, LongConsumer then) {}

  private static final class TsBatch {
    final long requestId;
    final List<TsWaiter> waiters;
    long sentLocal;

    TsBatch(long requestId, List<TsWaiter> waiters, long now) {
      this.requestId = requestId;
      this.waiters = waiters;
      this.sentLocal = now;
    }
  }

  /** One client transaction at this gateway. */
  private final class Run {
    final String key;
    final Address client;
    final long seq;
    final List<MicroOp> ops;
    final long startLocal;
    int attempt = -1;

    /** Moves on with every attempt and every abort: an answer for an older one is stale. */
    int gen;

    boolean done;
    long startTs;
    MicroOp[] results;
    final LinkedHashMap<String, String> buffer = new LinkedHashMap<>();
    int op;
    String primary;
    final Set<ShardId> prewriting = new HashSet<>();
    boolean prewriteSent;
    boolean commitSent;
    long lockWaitSinceLocal = -1;
    int backoffs;

    Run(Address client, long seq, List<MicroOp> ops) {
      this.key = client + "#" + seq;
      this.client = client;
      this.seq = seq;
      this.ops = ops;
      this.startLocal = env.localClockNanos();
    }

    TxnId id() {
      return new TxnId(client.toString(), seq, Math.max(0, attempt));
    }
  }

  private final Env env;
  private final Config config;
  private final PercolatorProbe probe;
  private final TreeMap<String, Run> runs = new TreeMap<>();
  private final TreeMap<Long, Pending> pending = new TreeMap<>();
  private final ArrayDeque<TsWaiter> tsWaiting = new ArrayDeque<>();
  private TsBatch tsBatch;
  private final TreeMap<Long, Runnable> wakes = new TreeMap<>();
  private long nextToken;

  /**
   * Per client, the last operation this gateway started (one entry per client); for transactions
   * also kept in storage ({@link #lastRun}). A timestamp asked for again after a restart is simply
   * served again: a fresh timestamp is as good an answer as the lost one.
   */
  private final TreeMap<Address, Long> seen = new TreeMap<>();

  /**
   * Per client, the answer to its last operation finished here: a client that resends the request
   * (the answer was lost) gets it again. One entry per client.
   */
  private final TreeMap<Address, Message> answered = new TreeMap<>();

  private long nextRequestId;
  private long ticks;
  private long scanStartedLocal = -1;

  public PercolatorGateway(Env env, Config config, PercolatorProbe probe) {
    this.env = env;
    this.config = config;
    this.probe = probe;
  }

  @Override
  public void onStart() {
    Long inc = env.storage().get("incarnation", Long.class);
    long incarnation = inc == null ? 1 : inc + 1;
    env.storage().put("incarnation", incarnation);
    env.storage().sync();
    nextRequestId = incarnation << 40;
    env.setTimer(TICK_NANOS, new PercolatorTimer.Tick(0));
  }

  private long id() {
    return ++nextRequestId;
  }

  // ================================================================ dispatch

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof PercolatorMessage.RunTxn m) {
      if (m.seq() <= lastRun(from) || m.ops().isEmpty()) {
        answerAgain(from, m.seq()); // a resend or a copy
        return;
      }
      // Kept on disk: clients resend, and a transaction this gateway ran before a crash must
      // not run again when the resend reaches it restarted (an append would be applied twice).
      seen.put(from, m.seq());
      env.storage().put("ran/" + from, m.seq());
      env.storage().sync();
      Run r = new Run(from, m.seq(), m.ops());
      runs.put(r.key, r);
      begin(r);
    } else if (message instanceof PercolatorMessage.GetTimestamp m) {
      if (m.seq() <= seen.getOrDefault(from, 0L)) {
        answerAgain(from, m.seq()); // a resend or a copy
        return;
      }
      seen.put(from, m.seq());
      askTs(ts -> answer(from, new PercolatorMessage.TimestampDone(m.seq(), ts)));
    } else if (message instanceof PercolatorMessage.TsoReply m) {
      onTsoReply(m);
    } else if (message instanceof PercolatorMessage.Reply m) {
      Pending p = pending.remove(m.requestId());
      if (p == null) return; // a duplicate answer, or one for work given up
      p.then.accept(m.outcome());
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof PercolatorTimer.Tick t) {
      ticks = t.n() + 1;
      env.setTimer(TICK_NANOS, new PercolatorTimer.Tick(ticks));
      onTick();
    } else if (timer instanceof PercolatorTimer.Wake w) {
      Runnable r = wakes.remove(w.token());
      if (r != null) r.run();
    }
  }

  /** The last transaction of {@code client} this gateway started, in any incarnation. */
  private long lastRun(Address client) {
    Long n = seen.get(client);
    if (n == null) {
      Long stored = env.storage().get("ran/" + client, Long.class);
      n = stored == null ? 0L : stored;
      seen.put(client, n);
    }
    return n;
  }

  private void answer(Address client, Message m) {
    answered.put(client, m);
    env.send(client, m);
  }

  /** The client asks again for op {@code seq}: if it is done here, its answer was lost. */
  private void answerAgain(Address client, long seq) {
    Message m = answered.get(client);
    long done =
        m instanceof PercolatorMessage.TxnDone d
            ? d.seq()
            : m instanceof PercolatorMessage.TimestampDone t ? t.seq() : -1;
    if (done == seq) env.send(client, m);
  }

  /** The message types a gateway handles. */
  public static final List<Class<?>> HANDLED =
      List.of(
          PercolatorMessage.RunTxn.class,
          PercolatorMessage.GetTimestamp.class,
          PercolatorMessage.TsoReply.class,
          PercolatorMessage.Reply.class);

  private void later(long delayNanos, Runnable r) {
    long token = ++nextToken;
    wakes.put(token, r);
    env.setTimer(delayNanos, new PercolatorTimer.Wake(token));
  }

  private void onTick() {
    long now = env.localClockNanos();
    if (tsBatch != null && now - tsBatch.sentLocal >= TSO_RETRY_NANOS) {
      tsBatch.sentLocal = now;
      sendTso(tsBatch.requestId, tsBatch.waiters.size());
    }
    List<Long> drop = new ArrayList<>();
    for (Map.Entry<Long, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      if (p.owner != null ? p.owner.done : now - p.firstSentLocal > BACKGROUND_NANOS) {
        drop.add(e.getKey());
      } else if (now - p.sentLocal >= config.retryNanos()) {
        p.sentLocal = now;
        transmit(p.shard, p.command);
      }
    }
    drop.forEach(pending::remove);
    for (Run r : new ArrayList<>(runs.values())) {
      if (now - r.startLocal >= config.giveUpNanos()) giveUp(r);
    }
    if (ticks % (SCAN_NANOS / TICK_NANOS) == 0) scanForLocks();
  }

  // ================================================================ the oracle's client

  /** Asks for one timestamp; {@code then} gets it once the oracle has answered. */
  private void askTs(LongConsumer then) {
    tsWaiting.add(new TsWaiter(env.localClockNanos(), then));
    if (tsBatch == null) sendBatch();
  }

  private void sendBatch() {
    if (tsWaiting.isEmpty()) return;
    List<TsWaiter> batch = new ArrayList<>();
    while (!tsWaiting.isEmpty() && batch.size() < config.tsoBatch()) batch.add(tsWaiting.poll());
    tsBatch = new TsBatch(id(), batch, env.localClockNanos());
    probe.tsoRequested(batch.size());
    sendTso(tsBatch.requestId, batch.size());
  }

  private void sendTso(long requestId, int count) {
    PercolatorMessage.TsoRequest m = new PercolatorMessage.TsoRequest(requestId, count);
    for (Address a : config.oracle()) env.send(a, m);
  }

  private void onTsoReply(PercolatorMessage.TsoReply m) {
    TsBatch b = tsBatch;
    if (b == null || m.requestId() != b.requestId) return; // a copy, or for an earlier batch
    if (m.count() != b.waiters.size()) return; // malformed: dropped, the batch is resent
    long first = m.lastTs() - m.count() + 1;
    long now = env.localClockNanos();
    for (int i = 0; i < b.waiters.size(); i++) {
      TsWaiter w = b.waiters.get(i);
      probe.tsoWaited(now - w.askedLocal());
      w.then().accept(first + i);
    }
    tsBatch = null;
    sendBatch();
  }

  // ================================================================ requests to shards

  private void send(
      Run owner, ShardId shard, PercolatorCommand c, Consumer<PercolatorShard.Outcome> then) {
    pending.put(c.requestId(), new Pending(owner, shard, c, then, env.localClockNanos()));
    transmit(shard, c);
  }

  private void transmit(ShardId shard, PercolatorCommand c) {
    PercolatorMessage.Request m = new PercolatorMessage.Request(c);
    for (Address a : config.shardMap().replicasOf(shard)) env.send(a, m);
  }

  private ShardId shardOf(String key) {
    return config.shardMap().shardOf(key);
  }

  private boolean live(Run r, int gen) {
    return !r.done && r.gen == gen;
  }

  // ================================================================ a transaction's life

  private void begin(Run r) {
    r.attempt++;
    int attempt = ++r.gen;
    r.results = new MicroOp[r.ops.size()];
    r.buffer.clear();
    r.op = 0;
    r.primary = null;
    r.prewriting.clear();
    r.prewriteSent = false;
    r.commitSent = false;
    r.lockWaitSinceLocal = -1;
    r.backoffs = 0;
    askTs(
        ts -> {
          if (!live(r, attempt)) return;
          r.startTs = ts;
          nextOp(r);
        });
  }

  private void nextOp(Run r) {
    if (r.op == r.ops.size()) {
      prewrite(r);
      return;
    }
    MicroOp m = r.ops.get(r.op);
    int attempt = r.gen;
    switch (m.kind()) {
      case WRITE -> {
        r.buffer.put(m.key(), m.value());
        r.results[r.op++] = m;
        nextOp(r);
      }
      case APPEND -> {
        if (r.buffer.containsKey(m.key())) {
          r.buffer.put(m.key(), MicroOp.appended(r.buffer.get(m.key()), m.value()));
          r.results[r.op++] = m;
          nextOp(r);
        } else {
          read(
              r,
              m.key(),
              v -> {
                r.buffer.put(m.key(), MicroOp.appended(v, m.value()));
                r.results[r.op++] = m;
                nextOp(r);
              });
        }
      }
      default -> {
        if (r.buffer.containsKey(m.key())) {
          r.results[r.op++] = m.withValue(r.buffer.get(m.key()));
          nextOp(r);
        } else {
          read(
              r,
              m.key(),
              v -> {
                r.results[r.op++] = m.withValue(v);
                nextOp(r);
              });
        }
      }
    }
  }

  /** Reads {@code key} at the run's start_ts, dealing with locks in the way. */
  private void read(Run r, String key, Consumer<String> then) {
    int attempt = r.gen;
    send(
        r,
        shardOf(key),
        new PercolatorCommand.Get(id(), r.id(), key, r.startTs),
        o -> {
          if (!live(r, attempt)) return;
          if (o instanceof PercolatorShard.Outcome.Value v) {
            endLockWait(r);
            then.accept(v.value());
          } else if (o instanceof PercolatorShard.Outcome.Locked l) {
            waitOnLock(r, attempt, l.lock(), () -> read(r, key, then));
          } else {
            throw new IllegalStateException("unexpected answer to a read: " + o);
          }
        });
  }

  /** A lock is in the way of the run: resolve it, then {@code retry} (at once, or backed off). */
  private void waitOnLock(Run r, int attempt, PercolatorShard.LockInfo lock, Runnable retry) {
    if (r.lockWaitSinceLocal < 0) r.lockWaitSinceLocal = env.localClockNanos();
    resolveLock(
        r,
        lock,
        false,
        resolved -> {
          if (!live(r, attempt)) return;
          if (resolved) {
            retry.run();
          } else {
            long backoff = Math.min(BACKOFF_MAX_NANOS, BACKOFF_NANOS << Math.min(r.backoffs, 5));
            r.backoffs++;
            later(
                backoff / 2 + env.random().nextLong(backoff / 2 + 1),
                () -> {
                  if (live(r, attempt)) retry.run();
                });
          }
        });
  }

  /** A reader blocked by a live lock retries after 10 ms, doubling up to 200 ms (jittered). */
  static final long BACKOFF_NANOS = 10_000_000L;

  static final long BACKOFF_MAX_NANOS = 200_000_000L;

  private void endLockWait(Run r) {
    if (r.lockWaitSinceLocal >= 0) {
      probe.lockWaited(env.localClockNanos() - r.lockWaitSinceLocal);
      r.lockWaitSinceLocal = -1;
    }
  }

  /**
   * Settles {@code lock} from its primary: {@code then} hears true if it was rolled forward or back
   * (the key is free of it now), false if its transaction is alive.
   */
  private void resolveLock(
      Run owner, PercolatorShard.LockInfo lock, boolean byScan, Consumer<Boolean> then) {
    TxnId who = owner == null ? null : owner.id();
    askTs(
        now -> {
          boolean expired = PercolatorShard.expired(lock.startTs(), lock.ttlMs(), now);
          send(
              owner,
              shardOf(lock.primary()),
              new PercolatorCommand.CheckTxnStatus(
                  id(), who, lock.primary(), lock.startTs(), now, expired),
              o -> {
                PercolatorShard.Outcome.TxnStatus s = (PercolatorShard.Outcome.TxnStatus) o;
                if (s.status() == PercolatorShard.Status.LOCKED) {
                  then.accept(false);
                  return;
                }
                boolean forward = s.status() == PercolatorShard.Status.COMMITTED;
                send(
                    owner,
                    shardOf(lock.key()),
                    new PercolatorCommand.ResolveLock(
                        id(), who, lock.startTs(), forward ? s.commitTs() : 0, List.of(lock.key())),
                    done -> {
                      probe.lockResolved(forward, byScan);
                      then.accept(true);
                    });
              });
        });
  }

  // ================================================================ two-phase commit

  private void prewrite(Run r) {
    if (r.buffer.isEmpty()) {
      finish(r, Outcome.OK, null); // read-only: nothing to commit
      return;
    }
    r.primary = r.buffer.keySet().iterator().next();
    TreeMap<ShardId, List<PercolatorCommand.Mutation>> byShard = new TreeMap<>();
    r.buffer.forEach(
        (k, v) ->
            byShard
                .computeIfAbsent(shardOf(k), s -> new ArrayList<>())
                .add(new PercolatorCommand.Mutation(k, v)));
    r.prewriting.addAll(byShard.keySet());
    r.prewriteSent = true;
    byShard.forEach((shard, muts) -> prewriteShard(r, shard, muts));
  }

  private void prewriteShard(Run r, ShardId shard, List<PercolatorCommand.Mutation> muts) {
    int attempt = r.gen;
    send(
        r,
        shard,
        new PercolatorCommand.Prewrite(
            id(), r.id(), r.startTs, r.primary, muts, config.lockTtlMs()),
        o -> {
          if (!live(r, attempt)) return;
          if (o instanceof PercolatorShard.Outcome.Prewritten) {
            r.prewriting.remove(shard);
            if (r.prewriting.isEmpty()) {
              endLockWait(r);
              prewritten(r);
            }
          } else if (o instanceof PercolatorShard.Outcome.WriteConflict) {
            probe.writeConflict();
            abortAttempt(r, "write-conflict");
          } else if (o instanceof PercolatorShard.Outcome.Locked l) {
            waitOnLock(r, attempt, l.lock(), () -> prewriteShard(r, shard, muts));
          } else if (o instanceof PercolatorShard.Outcome.Aborted) {
            abortAttempt(r, "rolled-back");
          } else {
            throw new IllegalStateException("unexpected answer to a prewrite: " + o);
          }
        });
  }

  /** Every key is locked: the commit timestamp, then the primary's commit — the commit point. */
  private void prewritten(Run r) {
    probe.reached(CoordinatorPhase.PREPARE, env.self());
    int attempt = r.gen;
    askTs(
        commitTs -> {
          if (!live(r, attempt)) return;
          r.commitSent = true;
          long startTs = r.startTs;
          TxnId who = r.id();
          List<String> keys = List.copyOf(r.buffer.keySet());
          // Not owned by the run: the commit is resent until answered even if the client has
          // been told "unknown", and its answer settles the secondaries either way.
          send(
              null,
              shardOf(r.primary),
              new PercolatorCommand.Commit(id(), r.id(), startTs, commitTs, List.of(r.primary)),
              o -> {
                if (o instanceof PercolatorShard.Outcome.Committed) {
                  if (!r.done) {
                    probe.committed(env.localClockNanos() - r.startLocal);
                    finish(r, Outcome.OK, null);
                  }
                  probe.reached(CoordinatorPhase.DECIDE, env.self());
                  // The secondaries asynchronously, after this step: a crash now leaves them
                  // locked, committed in all but name, for readers to roll forward.
                  later(1_000_000L, () -> settleSecondaries(who, startTs, commitTs, keys));
                } else if (o instanceof PercolatorShard.Outcome.Aborted) {
                  // A reader rolled the primary back (its lock outlived its time to live).
                  settleSecondaries(who, startTs, 0, keys);
                  if (!r.done) {
                    probe.attemptAborted("rolled-back-by-reader");
                    retryOrFail(r, "rolled-back-by-reader");
                  }
                } else {
                  throw new IllegalStateException("unexpected answer to a commit: " + o);
                }
              });
        });
  }

  /** Commits ({@code commitTs > 0}) or rolls back every key but the primary, in the background. */
  private void settleSecondaries(TxnId who, long startTs, long commitTs, List<String> keys) {
    TreeMap<ShardId, List<String>> byShard = new TreeMap<>();
    for (String k : keys) {
      if (!k.equals(keys.get(0)))
        byShard.computeIfAbsent(shardOf(k), s -> new ArrayList<>()).add(k);
    }
    byShard.forEach(
        (shard, ks) ->
            send(
                null,
                shard,
                new PercolatorCommand.ResolveLock(id(), who, startTs, commitTs, ks),
                o -> {}));
  }

  /** The attempt failed before its commit point: roll back what it locked, and try again. */
  private void abortAttempt(Run r, String cause) {
    probe.attemptAborted(cause);
    rollbackAll(r);
    retryOrFail(r, cause);
  }

  private void retryOrFail(Run r, String cause) {
    if (r.attempt + 1 >= config.attemptsMax()) {
      finish(r, Outcome.FAIL, cause);
      return;
    }
    // Nothing of this attempt acts from now on: its answers find the generation moved.
    int gen = ++r.gen;
    pending.entrySet().removeIf(e -> e.getValue().owner == r);
    later(
        BACKOFF_NANOS / 2 + env.random().nextLong(BACKOFF_NANOS),
        () -> {
          if (live(r, gen)) begin(r);
        });
  }

  private void rollbackAll(Run r) {
    if (!r.prewriteSent) return;
    TreeMap<ShardId, List<String>> byShard = new TreeMap<>();
    for (String k : r.buffer.keySet())
      byShard.computeIfAbsent(shardOf(k), s -> new ArrayList<>()).add(k);
    TxnId who = r.id();
    long startTs = r.startTs;
    byShard.forEach(
        (shard, ks) ->
            send(null, shard, new PercolatorCommand.Rollback(id(), who, startTs, ks), o -> {}));
  }

  private void giveUp(Run r) {
    if (r.commitSent) {
      // The primary's commit may have been applied: only it knows. The client hears "unknown";
      // the commit request goes on being resent, and readers settle the locks either way.
      finish(r, Outcome.INFO, "commit-unacknowledged");
    } else {
      probe.attemptAborted("gateway-gave-up");
      rollbackAll(r);
      finish(r, Outcome.FAIL, "gateway-gave-up");
    }
  }

  private void finish(Run r, Outcome outcome, String cause) {
    r.done = true;
    runs.remove(r.key);
    pending.entrySet().removeIf(e -> e.getValue().owner == r);
    List<MicroOp> results = outcome == Outcome.OK ? Arrays.asList(r.results) : r.ops;
    answer(r.client, new PercolatorMessage.TxnDone(r.seq, outcome, List.copyOf(results), cause));
  }

  // ================================================================ lock scanning

  /**
   * Scans one shard (each gateway its own turn) for locks whose time to live is over, and resolves
   * them from their primaries.
   */
  private void scanForLocks() {
    long now = env.localClockNanos();
    // One scan at a time; one whose answer never came (dropped after a while) is forgotten.
    if (scanStartedLocal >= 0 && now - scanStartedLocal < BACKGROUND_NANOS) return;
    List<ShardId> shards = config.shardMap().allShards();
    int me = Math.max(0, config.shardMap().nodes().indexOf(env.self().node()));
    ShardId shard = shards.get((int) ((ticks / (SCAN_NANOS / TICK_NANOS) + me) % shards.size()));
    scanStartedLocal = now;
    askTs(
        nowTs -> {
          long safe =
              TsoTimestamp.compose(
                  Math.max(0, TsoTimestamp.physicalMs(nowTs) - config.lockTtlMs()), 0);
          send(
              null,
              shard,
              new PercolatorCommand.ScanLocks(id(), null, safe, SCAN_LIMIT),
              o -> {
                scanStartedLocal = -1;
                for (PercolatorShard.LockInfo l : ((PercolatorShard.Outcome.Locks) o).locks())
                  resolveLock(null, l, true, resolved -> {});
              });
        });
  }

  /** At most this many locks resolved per scan. */
  static final int SCAN_LIMIT = 16;
}
