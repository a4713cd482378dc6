package dev.txlab.coordinator.crdb;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's transaction gateway (CockroachDB's {@code TxnCoordSender}): it runs each transaction a
 * client sends it, one operation at a time, against the ranges' leaseholders, and deals with
 * everything that can get in the way — the rest of the protocol lives in {@link CrdbRange}.
 *
 * <ul>
 *   <li>A transaction takes its timestamp from this node's hybrid logical clock; its reads are
 *       uncertain up to that timestamp plus the maximum offset, narrowed per range by the clock
 *       reading of the range's first answer (an observed timestamp, knob {@code
 *       observed-timestamps}).
 *   <li>A value inside the uncertainty interval moves the read timestamp above it: with {@code
 *       read-refresh: on} the reads done so far are refreshed to the new timestamp (no restart if
 *       nothing was written on them), otherwise — or if the refresh fails — the transaction
 *       restarts (a new epoch: same id, record and anchor; the intents of earlier epochs are
 *       dropped when it resolves). {@code read-refresh: unchecked} is a deliberate mutant: it moves
 *       the read timestamp without asking the ranges, which is exactly the check that makes a
 *       refresh safe — the checker must catch it.
 *   <li>An intent in the way is pushed: a reader pushes its writer's timestamp above its own
 *       uncertainty limit and resolves the intent upwards; a writer asks to abort the holder, which
 *       succeeds only if the holder is finished, abandoned (no heartbeat), or in a deadlock with it
 *       — otherwise it waits and pushes again. Deadlocks are found through the pushes: each waiting
 *       transaction's record says whom it waits on, and a pusher that finds itself at the end of
 *       that chain has found a cycle; the younger of the two aborts.
 *   <li>Writes pushed above the read timestamp (timestamp cache, write too old) are fine until
 *       commit: then the reads are refreshed to the write timestamp; if that fails (or with {@code
 *       read-refresh: off}), it restarts.
 *   <li>Commit flips the record on the anchor range; the client hears the outcome at once, and the
 *       intents are resolved afterwards (then the record is forgotten).
 * </ul>
 *
 * <p>The clock guard ({@code clock-guard: on}): a gateway pings the other gateways every {@link
 * #PING_NANOS} and estimates each one's clock offset from the answer (half the round trip is the
 * error bar). When its clock is more than {@link #GUARD_FRACTION} of the maximum offset away from a
 * majority of them, the clocks the whole protocol rests on are broken here, and it refuses to run
 * transactions — as a CockroachDB node exits rather than serve with a clock past the bound — until
 * its clock is back. A transaction it refuses has not run: the client hears {@code FAIL} and tries
 * the next gateway.
 *
 * <p>A gateway that crashes loses its transactions: their records stop heartbeating, and the next
 * transaction that meets one of their intents aborts the record and removes the intent. A client
 * waiting on a crashed gateway records {@code :info}.
 */
public final class CrdbGateway implements Process {
  /** What a gateway does when its transaction's timestamp must move (knob {@code read-refresh}). */
  public enum ReadRefresh {
    /** Re-check the reads so far at the new timestamp; restart only if one of them changed. */
    ON,
    /** Restart at the new timestamp. */
    OFF,
    /** A mutant: move to the new timestamp without re-checking anything (unsafe). */
    UNCHECKED;

    /** The knob's value ({@code on}, {@code off}, {@code unchecked}). */
    public static ReadRefresh of(String knob) {
      return valueOf(knob.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * @param giveUpNanos a transaction still running after this long is abandoned: aborted if it has
   *     not asked to commit (the client hears {@code FAIL}), unknown if it has ({@code INFO})
   */
  public record Config(
      ShardMap shardMap,
      List<Address> gateways,
      long maxOffsetNanos,
      ReadRefresh readRefresh,
      boolean observedTimestamps,
      boolean clockGuard,
      long retryNanos,
      long heartbeatNanos,
      long giveUpNanos,
      int epochsMax,
      int attemptsMax,
      long persistAheadNanos) {
    public static Config defaults(
        ShardMap shardMap,
        List<Address> gateways,
        long maxOffsetNanos,
        ReadRefresh readRefresh,
        boolean observed,
        boolean clockGuard) {
      return new Config(
          shardMap,
          List.copyOf(gateways),
          maxOffsetNanos,
          readRefresh,
          observed,
          clockGuard,
          100_000_000L,
          500_000_000L,
          2_500_000_000L,
          20,
          5,
          1_000_000_000L);
    }
  }

  private enum Purpose {
    OP,
    PUSH,
    QUERY,
    RESOLVE_CONFLICT,
    REFRESH,
    END,
    HEARTBEAT,
    CLEANUP_END,
    CLEANUP_RESOLVE,
    CLEANUP_GC
  }

  /** A request waiting for its answer; {@code step} ties it to the run's state when sent. */
  private record Pending(
      String run, Purpose purpose, ShardId range, CrdbCommand command, int step, long sentLocal) {}

  private enum Phase {
    OPS,
    WAITING,
    REFRESHING,
    COMMITTING
  }

  /** One client transaction at this gateway. */
  private final class Run {
    final String key;
    final Address client;
    final long seq;
    final List<MicroOp> ops;
    final long startLocal;
    MicroOp[] results;
    CrdbTxn txn;
    HlcTimestamp readTs;
    HlcTimestamp globalLimit;
    final TreeMap<ShardId, HlcTimestamp> observed = new TreeMap<>();
    final TreeMap<String, ShardId> readKeys = new TreeMap<>();
    final TreeMap<String, ShardId> written = new TreeMap<>();
    int op;
    int attempt = -1;
    Phase phase = Phase.OPS;
    int step;
    int outstanding;
    boolean refreshFailed;
    HlcTimestamp refreshTo;
    boolean retryOpAfterRefresh;
    boolean endSent;
    boolean hasRecord;
    CrdbTxn waitingOn;
    long lastHeartbeatLocal;
    int pushChain;

    Run(Address client, long seq, List<MicroOp> ops) {
      this.key = client + "#" + seq;
      this.client = client;
      this.seq = seq;
      this.ops = ops;
      this.startLocal = env.localClockNanos();
    }
  }

  /** Resolving a finished attempt's intents, then forgetting its record. */
  private final class Cleanup {
    final String key;
    final CrdbTxn txn;
    final CrdbRange.Status status;
    final HlcTimestamp ts;
    final TreeMap<ShardId, List<String>> keys = new TreeMap<>();
    int outstanding;

    Cleanup(CrdbTxn txn, CrdbRange.Status status, HlcTimestamp ts, Map<String, ShardId> written) {
      this.key = "cleanup#" + txn.id();
      this.txn = txn;
      this.status = status;
      this.ts = ts;
      written.forEach((k, r) -> keys.computeIfAbsent(r, x -> new ArrayList<>()).add(k));
    }
  }

  private final Env env;
  private final Config config;
  private final CrdbProbe probe;
  private final HybridLogicalClock clock;
  private final TreeMap<String, Run> runs = new TreeMap<>();
  private final TreeMap<String, Cleanup> cleanups = new TreeMap<>();
  private final TreeMap<Long, Pending> pending = new TreeMap<>();

  /**
   * Per client, the last operation this gateway finished (one entry per client). Volatile: after a
   * restart, a copy of an old request delayed past the restart would run again — the simulated
   * network delivers copies within milliseconds, and a real client's connection would be gone.
   */
  private final TreeMap<Address, Long> finished = new TreeMap<>();

  private long nextRequestId;
  private long ticks;

  /** Per peer gateway, its clock's offset from ours as last measured (peer − local). */
  private final TreeMap<Address, Long> offsets = new TreeMap<>();

  private boolean fenced;

  public CrdbGateway(Env env, Config config, CrdbProbe probe) {
    this.env = env;
    this.config = config;
    this.probe = probe;
    this.clock =
        CrdbReplica.nodeClock(
            env, config.maxOffsetNanos(), config.persistAheadNanos(), "gateway-hlc");
  }

  @Override
  public void onStart() {
    // Request ids above any an earlier incarnation used (the clock never goes back, restarts
    // included), so a late answer to one of those can never be taken for an answer to ours.
    nextRequestId = clock.now().wallNanos();
    env.setTimer(TICK_NANOS, new CrdbTimer.Tick(0));
  }

  static final long TICK_NANOS = 50_000_000L;

  // ================================================================ dispatch

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof CrdbMessage.ClockPing m) {
      env.send(from, new CrdbMessage.ClockPong(m.sentLocalNanos(), env.localClockNanos()));
      return;
    }
    if (message instanceof CrdbMessage.ClockPong m) {
      onPong(from, m);
      return;
    }
    if (message instanceof CrdbMessage.RunTxn m && fenced) {
      // Nothing ran: a definite failure, and the client goes elsewhere.
      probe.fenced();
      env.send(from, new CrdbMessage.TxnDone(m.seq(), Outcome.FAIL, m.ops(), "clock-fenced"));
      return;
    }
    if (message instanceof CrdbMessage.RunTxn m) {
      Run r = new Run(from, m.seq(), m.ops());
      // A copy of a request already running or done (the network duplicates): a client runs its
      // operations in order, so anything at or below the last one finished here is old.
      if (runs.containsKey(r.key)
          || m.seq() <= finished.getOrDefault(from, 0L)
          || m.ops().isEmpty()) return;
      runs.put(r.key, r);
      begin(r);
    } else if (message instanceof CrdbMessage.Reply m) {
      onReply(m);
    }
    // ClockRejected: the request stays pending and is sent again (the clocks may converge).
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof CrdbTimer.Tick t) {
      env.setTimer(TICK_NANOS, new CrdbTimer.Tick(t.n() + 1));
      onTick();
    } else if (timer instanceof CrdbTimer.Resume r) {
      Run run = runs.get(r.client() + "#" + r.seq());
      if (run != null && run.step == r.step() && run.phase == Phase.WAITING) {
        run.phase = Phase.OPS;
        sendOp(run);
      }
    }
  }

  /** The message types a gateway handles. */
  public static final List<Class<?>> HANDLED =
      List.of(
          CrdbMessage.RunTxn.class,
          CrdbMessage.Reply.class,
          CrdbMessage.ClockRejected.class,
          CrdbMessage.ClockPing.class,
          CrdbMessage.ClockPong.class);

  // ================================================================ the clock guard

  /** Gateways measure each other's clocks this often. */
  static final long PING_NANOS = 250_000_000L;

  /** A gateway fences itself beyond this share of the maximum offset from most of its peers. */
  static final double GUARD_FRACTION = 0.8;

  private void onPong(Address from, CrdbMessage.ClockPong m) {
    long now = env.localClockNanos();
    long rtt = now - m.pingSentLocalNanos();
    if (rtt < 0 || rtt > PING_NANOS * 4) return; // a stale answer, or a clock that jumped
    offsets.put(from, m.peerClockNanos() - (m.pingSentLocalNanos() + rtt / 2));
    if (!config.clockGuard()) return;
    long bound = (long) (config.maxOffsetNanos() * GUARD_FRACTION);
    int far = 0;
    for (long o : offsets.values()) if (Math.abs(o) > bound) far++;
    boolean nowFenced = offsets.size() > 0 && far * 2 > config.gateways().size() - 1;
    if (nowFenced && !fenced) {
      env.log(
          "clock guard: this clock is beyond " + bound / 1_000_000 + " ms of most peers; fenced");
      for (Run r : new ArrayList<>(runs.values())) {
        if (!r.endSent) abandon(r, "clock-fenced");
      }
    }
    fenced = nowFenced;
  }

  // ================================================================ requests

  private void send(Run run, Purpose purpose, ShardId range, CrdbCommand command) {
    send(run.key, run.step, purpose, range, command);
  }

  private void send(String owner, int step, Purpose purpose, ShardId range, CrdbCommand command) {
    pending.put(
        command.requestId(),
        new Pending(owner, purpose, range, command, step, env.localClockNanos()));
    transmit(range, command);
  }

  private void transmit(ShardId range, CrdbCommand command) {
    CrdbMessage.Request m = new CrdbMessage.Request(clock.now(), command);
    for (Address a : config.shardMap().replicasOf(range)) env.send(a, m);
  }

  private long id() {
    return ++nextRequestId;
  }

  private void onTick() {
    ticks++;
    long now = env.localClockNanos();
    if (ticks % (PING_NANOS / TICK_NANOS) == 0) {
      for (Address g : config.gateways())
        if (!g.equals(env.self())) env.send(g, new CrdbMessage.ClockPing(now));
    }
    for (Map.Entry<Long, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      if (now - p.sentLocal() < config.retryNanos()) continue;
      transmit(p.range(), p.command());
      e.setValue(new Pending(p.run(), p.purpose(), p.range(), p.command(), p.step(), now));
    }
    for (Run r : new ArrayList<>(runs.values())) {
      if (now - r.startLocal >= config.giveUpNanos()) {
        giveUp(r);
        continue;
      }
      if (r.txn != null && r.hasRecord && now - r.lastHeartbeatLocal >= config.heartbeatNanos())
        heartbeat(r);
    }
  }

  private void onReply(CrdbMessage.Reply m) {
    Pending p = pending.remove(m.requestId());
    if (p == null) return; // a duplicate answer
    clock.update(m.clock());
    if (p.purpose().name().startsWith("CLEANUP")) {
      onCleanupReply(p, m.outcome());
      return;
    }
    Run run = runs.get(p.run());
    if (run == null) return;
    if (p.purpose() == Purpose.HEARTBEAT) {
      onHeartbeat(run, (CrdbRange.Outcome.Record) m.outcome());
      return;
    }
    if (run.step != p.step()) return; // that run moved on
    if (config.observedTimestamps()) run.observed.putIfAbsent(m.range(), m.clock());
    switch (p.purpose()) {
      case OP -> onOp(run, p, m.outcome());
      case PUSH -> onPushed(run, p, (CrdbRange.Outcome.Pushed) m.outcome());
      case QUERY -> onQueried(run, (CrdbRange.Outcome.Record) m.outcome());
      case RESOLVE_CONFLICT -> sendOp(run);
      case REFRESH -> onRefreshed(run, (CrdbRange.Outcome.Refreshed) m.outcome());
      case END -> onEnded(run, m.outcome());
      default -> throw new IllegalStateException("unexpected purpose " + p.purpose());
    }
  }

  // ================================================================ a transaction's life

  private void begin(Run r) {
    r.attempt++;
    r.step++;
    HlcTimestamp ts = clock.now();
    r.txn =
        new CrdbTxn(
            new TxnId(r.client.toString(), r.seq, r.attempt), 0, ts, NORMAL_PRIORITY, null, null);
    r.readTs = ts;
    r.globalLimit = ts.plusWall(config.maxOffsetNanos());
    r.observed.clear();
    r.written.clear();
    r.hasRecord = false;
    r.lastHeartbeatLocal = env.localClockNanos();
    startEpoch(r);
  }

  /** Every transaction has the normal priority: a writer waits for another, unless deadlocked. */
  static final int NORMAL_PRIORITY = 1;

  private void startEpoch(Run r) {
    r.results = new MicroOp[r.ops.size()];
    r.readKeys.clear();
    r.op = 0;
    r.waitingOn = null;
    r.pushChain = 0;
    r.phase = Phase.OPS;
    sendOp(r);
  }

  /** The uncertainty limit for a read on {@code range}. */
  private HlcTimestamp limit(Run r, ShardId range) {
    HlcTimestamp limit = r.globalLimit;
    HlcTimestamp seen = r.observed.get(range);
    if (seen != null && seen.compareTo(limit) < 0) limit = seen;
    return HlcTimestamp.max(limit, r.readTs);
  }

  private void sendOp(Run r) {
    if (r.op == r.ops.size()) {
      finishOps(r);
      return;
    }
    r.step++;
    MicroOp m = r.ops.get(r.op);
    ShardId range = config.shardMap().shardOf(m.key());
    if (m.isWrite()) {
      // The first write that succeeds creates the record, on the range of the first key written.
      boolean anchor = !r.hasRecord;
      if (r.txn.anchorKey() == null) r.txn = r.txn.withAnchor(m.key(), range);
      send(
          r,
          Purpose.OP,
          range,
          new CrdbCommand.Put(
              id(), r.txn, r.op, m, r.readTs, limit(r, range), anchor, clock.now()));
    } else {
      send(
          r,
          Purpose.OP,
          range,
          new CrdbCommand.Get(id(), r.txn, m.key(), r.readTs, limit(r, range)));
    }
  }

  private void onOp(Run r, Pending p, CrdbRange.Outcome o) {
    MicroOp m = r.ops.get(r.op);
    if (o instanceof CrdbRange.Outcome.Value v) {
      r.results[r.op] = m.withValue(v.value());
      r.readKeys.put(m.key(), p.range());
      r.op++;
      sendOp(r);
    } else if (o instanceof CrdbRange.Outcome.Written w) {
      if (w.pushedBy() != null) probe.writePushed(w.pushedBy());
      r.txn = r.txn.withWriteTs(HlcTimestamp.max(r.txn.writeTs(), w.ts()));
      r.written.put(m.key(), p.range());
      if (((CrdbCommand.Put) p.command()).anchor()) r.hasRecord = true;
      if (m.kind() == MicroOp.Kind.APPEND) r.readKeys.put(m.key(), p.range());
      r.results[r.op] = m;
      r.op++;
      sendOp(r);
    } else if (o instanceof CrdbRange.Outcome.IntentConflict c) {
      push(r, c.holder(), p.range(), m.isWrite(), false);
    } else if (o instanceof CrdbRange.Outcome.Uncertain u) {
      HlcTimestamp to = u.valueTs().next();
      if (config.readRefresh() != ReadRefresh.OFF) {
        probe.uncertainty(true);
        refresh(r, to, true);
      } else {
        probe.uncertainty(false);
        restart(r, to, "uncertainty");
      }
    } else if (o instanceof CrdbRange.Outcome.TooOld) {
      restart(r, clock.now(), "too-old");
    } else if (o instanceof CrdbRange.Outcome.Aborted) {
      attemptAborted(r, "aborted-by-pusher");
    } else {
      throw new IllegalStateException("unexpected answer to an operation: " + o);
    }
  }

  /** A new epoch at {@code ts} (at least the write timestamp): every operation again. */
  private void restart(Run r, HlcTimestamp ts, String cause) {
    probe.restarted(cause);
    if (r.txn.epoch() + 1 >= config.epochsMax()) {
      abandon(r, "too-many-restarts");
      return;
    }
    r.step++;
    r.txn = r.txn.restartedAt(HlcTimestamp.max(ts, r.txn.writeTs()));
    r.readTs = r.txn.writeTs();
    startEpoch(r);
  }

  // ================================================================ conflicts

  private void push(Run r, CrdbTxn holder, ShardId range, boolean write, boolean force) {
    r.step++;
    CrdbCommand.PushType type = write ? CrdbCommand.PushType.ABORT : CrdbCommand.PushType.TIMESTAMP;
    probe.pushSent(type);
    HlcTimestamp pushTo = limit(r, range).next();
    send(
        r,
        Purpose.PUSH,
        holder.anchorRange(),
        new CrdbCommand.Push(id(), holder, r.txn, type, pushTo, force, clock.now()));
  }

  private void onPushed(Run r, Pending p, CrdbRange.Outcome.Pushed x) {
    CrdbCommand.Push push = (CrdbCommand.Push) p.command();
    MicroOp m = r.ops.get(r.op);
    ShardId range = config.shardMap().shardOf(m.key());
    if (x.succeeded()) {
      r.waitingOn = null;
      r.pushChain = 0;
      r.step++;
      send(
          r,
          Purpose.RESOLVE_CONFLICT,
          range,
          new CrdbCommand.Resolve(
              id(),
              x.pushee().id(),
              x.pushee().epoch(),
              List.of(m.key()),
              x.status(),
              x.status() == CrdbRange.Status.PENDING ? push.pushTo() : x.ts()));
      return;
    }
    // The holder is alive and not deadlocked with us (yet): wait, and say whom we wait on.
    boolean newWait = r.waitingOn == null || !r.waitingOn.id().equals(x.pushee().id());
    r.waitingOn = x.pushee();
    if (newWait && r.hasRecord) heartbeat(r);
    followWaits(r, x.waitingOn());
  }

  /**
   * One step along the waits-for chain from the transaction we wait on: {@code next} is whom the
   * last record says it waits on. Back at ourselves, a deadlock; else ask the next record, up to
   * {@link #CHAIN_MAX} deep; else wait and push again.
   */
  private void followWaits(Run r, CrdbTxn next) {
    if (next != null) {
      if (next.id().equals(r.txn.id())) {
        deadlock(r, r.waitingOn);
        return;
      }
      if (r.pushChain < CHAIN_MAX) {
        r.pushChain++;
        r.step++;
        send(r, Purpose.QUERY, next.anchorRange(), new CrdbCommand.QueryTxn(id(), next.id()));
        return;
      }
    }
    waitThenRetry(r);
  }

  /** How many records deep a pusher follows the waits-for chain looking for itself. */
  static final int CHAIN_MAX = 4;

  private void onQueried(Run r, CrdbRange.Outcome.Record x) {
    CrdbRange.TxnRecord rec = x.record();
    boolean waiting = rec != null && rec.status() == CrdbRange.Status.PENDING;
    followWaits(r, waiting ? rec.waitingOn() : null);
  }

  /**
   * A cycle of waits through {@code pushee}: the younger of the two aborts (by timestamp, then id),
   * so both ends of a cycle agree on the victim.
   */
  private void deadlock(Run r, CrdbTxn pushee) {
    probe.deadlock();
    boolean weAreYounger =
        r.txn.writeTs().compareTo(pushee.writeTs()) != 0
            ? r.txn.writeTs().compareTo(pushee.writeTs()) > 0
            : r.txn.id().compareTo(pushee.id()) > 0;
    if (weAreYounger) {
      attemptAborted(r, "deadlock");
    } else {
      MicroOp m = r.ops.get(r.op);
      push(r, pushee, config.shardMap().shardOf(m.key()), true, true);
    }
  }

  private void waitThenRetry(Run r) {
    r.phase = Phase.WAITING;
    r.step++;
    env.setTimer(
        WAIT_NANOS + env.random().nextLong(WAIT_NANOS),
        new CrdbTimer.Resume(r.client.toString(), r.seq, r.step));
  }

  /** A blocked writer pushes again after 20–40 ms. */
  static final long WAIT_NANOS = 20_000_000L;

  // ================================================================ refresh and commit

  private void finishOps(Run r) {
    if (r.written.isEmpty()) {
      done(r, Outcome.OK, "read at " + r.readTs + " through " + env.self().node());
      return;
    }
    if (r.txn.writeTs().compareTo(r.readTs) > 0) {
      if (config.readRefresh() == ReadRefresh.OFF) restart(r, r.txn.writeTs(), "pushed");
      else refresh(r, r.txn.writeTs(), false);
    } else {
      commit(r);
    }
  }

  /**
   * Moves the read timestamp to {@code to} if nothing was written on the keys read so far in
   * between; then retries the current operation ({@code forRead}) or commits.
   */
  private void refresh(Run r, HlcTimestamp to, boolean forRead) {
    r.step++;
    r.phase = Phase.REFRESHING;
    r.refreshTo = HlcTimestamp.max(to, r.txn.writeTs());
    r.retryOpAfterRefresh = forRead;
    r.refreshFailed = false;
    TreeMap<ShardId, List<String>> byRange = new TreeMap<>();
    r.readKeys.forEach((k, range) -> byRange.computeIfAbsent(range, x -> new ArrayList<>()).add(k));
    r.outstanding = byRange.size();
    if (byRange.isEmpty() || config.readRefresh() == ReadRefresh.UNCHECKED) {
      refreshed(r);
      return;
    }
    byRange.forEach(
        (range, keys) ->
            send(
                r,
                Purpose.REFRESH,
                range,
                new CrdbCommand.Refresh(id(), r.txn.id(), keys, r.readTs, r.refreshTo)));
  }

  private void onRefreshed(Run r, CrdbRange.Outcome.Refreshed x) {
    if (!x.ok()) r.refreshFailed = true;
    if (--r.outstanding > 0) return;
    if (r.refreshFailed) {
      probe.refreshed(false);
      restart(r, r.refreshTo, "refresh-failure");
      return;
    }
    probe.refreshed(true);
    refreshed(r);
  }

  private void refreshed(Run r) {
    r.readTs = r.refreshTo;
    r.txn = r.txn.withWriteTs(HlcTimestamp.max(r.txn.writeTs(), r.refreshTo));
    r.phase = Phase.OPS;
    if (r.retryOpAfterRefresh) sendOp(r);
    else commit(r);
  }

  private void commit(Run r) {
    r.step++;
    r.phase = Phase.COMMITTING;
    r.endSent = true;
    send(r, Purpose.END, r.txn.anchorRange(), new CrdbCommand.EndTxn(id(), r.txn, true));
  }

  private void onEnded(Run r, CrdbRange.Outcome o) {
    if (o instanceof CrdbRange.Outcome.Committed c) {
      probe.committed(env.localClockNanos() - r.startLocal);
      startCleanup(new Cleanup(r.txn, CrdbRange.Status.COMMITTED, c.ts(), r.written), false);
      done(r, Outcome.OK, "committed at " + c.ts() + " through " + env.self().node());
    } else if (o instanceof CrdbRange.Outcome.PushedTo x) {
      // A reader pushed it while it ran: refresh to the pushed timestamp, then commit there.
      r.endSent = false;
      if (config.readRefresh() == ReadRefresh.OFF) restart(r, x.ts(), "pushed");
      else refresh(r, x.ts(), false);
    } else if (o instanceof CrdbRange.Outcome.Aborted) {
      r.endSent = false;
      attemptAborted(r, "aborted-by-pusher");
    } else {
      throw new IllegalStateException("unexpected answer to a commit: " + o);
    }
  }

  private void onHeartbeat(Run r, CrdbRange.Outcome.Record x) {
    if (x.record() != null
        && x.record().txn().id().equals(r.txn.id())
        && x.record().status() == CrdbRange.Status.ABORTED
        && r.phase != Phase.COMMITTING) attemptAborted(r, "aborted-by-pusher");
  }

  /** Tells the record now whom this transaction waits on, so pushers can find cycles. */
  private void heartbeat(Run r) {
    r.lastHeartbeatLocal = env.localClockNanos();
    send(
        r.key,
        -1,
        Purpose.HEARTBEAT,
        r.txn.anchorRange(),
        new CrdbCommand.Heartbeat(id(), r.txn, clock.now(), r.waitingOn));
  }

  // ================================================================ endings

  /** This attempt's record was aborted (or it chose to): clean up, and try a new attempt. */
  private void attemptAborted(Run r, String cause) {
    probe.attemptAborted(cause);
    if (r.hasRecord)
      startCleanup(new Cleanup(r.txn, CrdbRange.Status.ABORTED, r.txn.writeTs(), r.written), true);
    if (r.attempt + 1 >= config.attemptsMax()) {
      done(r, Outcome.FAIL, cause);
      return;
    }
    begin(r);
  }

  /** Gives up without having asked to commit: abort, and the client hears a definite failure. */
  private void abandon(Run r, String cause) {
    probe.attemptAborted(cause);
    if (r.hasRecord)
      startCleanup(new Cleanup(r.txn, CrdbRange.Status.ABORTED, r.txn.writeTs(), r.written), true);
    done(r, Outcome.FAIL, cause);
  }

  private void giveUp(Run r) {
    if (r.endSent) {
      // The commit may have happened: only the record knows. The client hears "unknown"; if it
      // did commit, the intents are resolved by whoever meets them next.
      done(r, Outcome.INFO, "commit-unacknowledged");
    } else {
      abandon(r, "gateway-gave-up");
    }
  }

  private void done(Run r, Outcome outcome, String cause) {
    runs.remove(r.key);
    finished.merge(r.client, r.seq, Math::max);
    r.step++;
    List<MicroOp> results = outcome == Outcome.OK ? Arrays.asList(r.results) : r.ops;
    env.send(r.client, new CrdbMessage.TxnDone(r.seq, outcome, List.copyOf(results), cause));
  }

  // ================================================================ cleanup

  private void startCleanup(Cleanup c, boolean abortFirst) {
    cleanups.put(c.key, c);
    if (abortFirst) {
      send(
          c.key,
          0,
          Purpose.CLEANUP_END,
          c.txn.anchorRange(),
          new CrdbCommand.EndTxn(id(), c.txn, false));
    } else {
      resolveAll(c);
    }
  }

  private void resolveAll(Cleanup c) {
    c.outstanding = c.keys.size();
    if (c.keys.isEmpty()) {
      forget(c);
      return;
    }
    c.keys.forEach(
        (range, keys) ->
            send(
                c.key,
                0,
                Purpose.CLEANUP_RESOLVE,
                range,
                new CrdbCommand.Resolve(id(), c.txn.id(), c.txn.epoch(), keys, c.status, c.ts)));
  }

  private void forget(Cleanup c) {
    send(
        c.key,
        0,
        Purpose.CLEANUP_GC,
        c.txn.anchorRange(),
        new CrdbCommand.GcRecord(id(), c.txn.id()));
  }

  private void onCleanupReply(Pending p, CrdbRange.Outcome o) {
    Cleanup c = cleanups.get(p.run());
    if (c == null) return;
    switch (p.purpose()) {
      case CLEANUP_END -> resolveAll(c);
      case CLEANUP_RESOLVE -> {
        if (--c.outstanding == 0) forget(c);
      }
      case CLEANUP_GC -> cleanups.remove(c.key);
      default -> throw new IllegalStateException("not a cleanup: " + p.purpose());
    }
  }
}
