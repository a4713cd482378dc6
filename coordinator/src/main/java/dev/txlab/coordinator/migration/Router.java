package dev.txlab.coordinator.migration;

import dev.txlab.coordinator.migration.MigrationMessage.Origin;
import dev.txlab.coordinator.migration.MigrationMessage.Outcome;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Storage;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.KvMessage;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.KvResult;
import dev.txlab.node.kv.ShardMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The application's data access layer during the migration: it answers the application's clients
 * (the single-key client protocol of {@code KvMessage}) and decides, per key range and phase, where
 * writes go and where reads are served from.
 *
 * <ul>
 *   <li>A range still on the old store: reads from the old store; writes to the old store, and then
 *       — with {@code dual-write} — to the new store (nothing orders two writers' second legs, and
 *       a crash between the legs loses one); with {@code outbox} the write carries its outbox
 *       record; with {@code cdc} the consumer picks it up from the log. A share of reads ({@code
 *       shadow-reads}) is also read from the new store and compared; the answer always comes from
 *       the old one.
 *   <li>A range moved to the new store (a strangler-fig phase): reads and writes go to the new
 *       store, and each write is then copied back to the old store (marked as a write-back, which
 *       the consumer filters), one write per key at a time, so that a rollback finds the old store
 *       current.
 * </ul>
 *
 * <p>A step (move range {@code r} to the new store, or roll it back) with {@code cutover: drain}
 * blocks writes to the range, waits until none is in flight and — moving to the new store — until
 * the consumer has confirmed the stream's head as it was then (lag zero), and only then switches;
 * {@code no-drain} switches at once, so the new store can serve a read before it has the range's
 * last writes. The phase table is durable; so is, per client, the last write it started, so a
 * restarted router answers a retry of a write whose fate it lost as indefinite instead of doing it
 * again.
 *
 * <p>Shadow reads compare only when the comparison is fair: the old store's value is confirmed
 * applied (its stream position at or below the consumer's confirmed one), and no write to the key
 * started or was in flight between the two reads. A mismatch then is a real divergence.
 */
public final class Router implements Process {
  /**
   * @param shadowPercent the share of old-store reads also read from the new store, 0–100
   * @param drain whether a step waits for writes and CDC lag to drain
   * @param ranges how many key ranges the phases move, one each
   */
  public record Config(
      Strategy strategy,
      int shadowPercent,
      boolean drain,
      int ranges,
      Address oldStore,
      ShardMap newStore,
      int lanes,
      long requestTimeoutNanos,
      long pollNanos) {
    public Config {
      if (strategy == null
          || shadowPercent < 0
          || shadowPercent > 100
          || ranges < 1
          || oldStore == null
          || newStore == null
          || lanes < 1
          || requestTimeoutNanos <= 0
          || pollNanos <= 0) {
        throw new IllegalArgumentException("malformed router config");
      }
    }
  }

  /** Which range (1…ranges) a key belongs to: standing for an endpoint or a feature. */
  public static int rangeOf(String key, int ranges) {
    return Math.floorMod(ShardMap.fnv1a32("range:" + key), ranges) + 1;
  }

  /** A client's newest request: {@code reply} null while in flight. */
  private static final class Session {
    final long seq;
    KvResult reply;
    boolean retryable;

    Session(long seq) {
      this.seq = seq;
    }
  }

  private record Pending(Consumer<MigrationMessage> onReply, Runnable onTimeout) {}

  /** A step being carried out. */
  private static final class Drain {
    final MigrationMessage.Step step;
    final Address operator;
    final long startedNanos;
    long headWanted = -1;
    boolean headAsked;

    Drain(MigrationMessage.Step step, Address operator, long startedNanos) {
      this.step = step;
      this.operator = operator;
      this.startedNanos = startedNanos;
    }
  }

  private static final String SERVED_BY_NEW = "served-by-new";
  private static final String STEP_DONE = "step-done";
  private static final int WAITING_MAX = 10_000;

  /** The migration messages it handles (a test checks that every message has a handler). */
  static final List<Class<?>> HANDLED =
      List.of(
          MigrationMessage.ReadReply.class,
          MigrationMessage.WriteReply.class,
          MigrationMessage.HeadReply.class,
          MigrationMessage.Step.class);

  private final Env env;
  private final Storage storage;
  private final Config config;
  private final MigrationProbe probe;
  private final NewStoreLanes lanes;
  private final TreeSet<Integer> servedByNew = new TreeSet<>();
  private long stepDone;
  private final TreeMap<String, Session> sessions = new TreeMap<>();
  private final TreeMap<Long, Pending> pending = new TreeMap<>();
  private final long session;
  private long nextReq;
  private final ArrayDeque<Runnable> waitingForLane = new ArrayDeque<>();
  private final TreeMap<String, ArrayDeque<Runnable>> keyLocks = new TreeMap<>();
  private final int[] inflight;
  private final TreeMap<Integer, ArrayDeque<Runnable>> blocked = new TreeMap<>();
  private final TreeMap<String, Long> writesStarted = new TreeMap<>();
  private final TreeMap<String, Integer> writesInFlight = new TreeMap<>();
  private Drain drain;
  private long ticks;

  @SuppressWarnings("unchecked")
  public Router(Env env, Config config, MigrationProbe probe) {
    this.env = env;
    this.storage = env.storage();
    this.config = config;
    this.probe = probe;
    this.lanes = new NewStoreLanes(env, config.newStore(), config.lanes(), 100_000_000L);
    this.inflight = new int[config.ranges() + 1];
    List<Integer> served = storage.get(SERVED_BY_NEW, List.class);
    if (served != null) {
      servedByNew.addAll(served);
    }
    Long done = storage.get(STEP_DONE, Long.class);
    stepDone = done == null ? 0 : done;
    // Fresh request ids per incarnation: answers meant for an earlier one are stale.
    session = env.random().nextInt(1 << 30);
    nextReq = session << 20;
  }

  @Override
  public void onStart() {
    env.setTimer(config.pollNanos(), new MigrationTimer.Tick(0));
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof MigrationTimer.LaneRetry r) {
      lanes.onRetry(r);
    } else if (timer instanceof MigrationTimer.Expire e) {
      Pending p = pending.remove(e.reqId());
      if (p != null) {
        p.onTimeout().run();
      }
    } else if (timer instanceof MigrationTimer.Tick) {
      ticks++;
      env.setTimer(config.pollNanos(), new MigrationTimer.Tick(ticks));
      advanceDrain();
    } else {
      throw new IllegalStateException("unexpected timer " + timer);
    }
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof KvMessage.ClientRequest r) {
      onClientRequest(from, r);
    } else if (message instanceof KvMessage.ClientReply r) {
      if (lanes.onReply(from, r)) {
        pumpLanes();
      }
    } else if (message instanceof MigrationMessage.ReadReply r) {
      answered(r.reqId(), r);
    } else if (message instanceof MigrationMessage.WriteReply r) {
      answered(r.reqId(), r);
    } else if (message instanceof MigrationMessage.HeadReply r) {
      answered(r.reqId(), r);
    } else if (message instanceof MigrationMessage.Step s) {
      onStep(from, s);
    }
  }

  private void answered(long reqId, MigrationMessage reply) {
    Pending p = pending.remove(reqId);
    if (p != null) {
      p.onReply().accept(reply);
    }
  }

  // ---- the application's requests

  private void onClientRequest(Address from, KvMessage.ClientRequest r) {
    Session s = sessions.get(r.clientId());
    if (s != null && r.seq() < s.seq) {
      return;
    }
    if (s != null && r.seq() == s.seq) {
      if (s.reply == null) {
        return; // in flight: the answer will come
      }
      if (!s.retryable) {
        env.send(from, new KvMessage.ClientReply(r.clientId(), r.seq(), s.reply));
        return;
      }
      // The last attempt was refused (definitely not done): do it again.
    }
    KvOp op = r.op();
    if (!(op instanceof KvOp.Get) && !(op instanceof KvOp.Put) && !(op instanceof KvOp.Cas)) {
      Session bad = new Session(r.seq());
      sessions.put(r.clientId(), bad);
      reply(from, r, new KvResult.Redirect(null), false);
      return;
    }
    if (op.isWrite()) {
      Long started = storage.get("started:" + r.clientId(), Long.class);
      if (s == null && started != null && r.seq() <= started) {
        // Started by an earlier incarnation, fate unknown: never do a write twice.
        sessions.put(r.clientId(), new Session(r.seq()));
        reply(from, r, new KvResult.Unknown("the router restarted during this write"), false);
        return;
      }
      storage.put("started:" + r.clientId(), r.seq());
      storage.sync();
    }
    sessions.put(r.clientId(), new Session(r.seq()));
    dispatch(from, r);
  }

  private void dispatch(Address from, KvMessage.ClientRequest r) {
    KvOp op = r.op();
    int range = rangeOf(op.key(), config.ranges());
    if (op instanceof KvOp.Get) {
      if (servedByNew.contains(range)) {
        onNewStore(op, result -> reply(from, r, result, false));
      } else {
        readOld(from, r);
      }
      return;
    }
    ArrayDeque<Runnable> waiting = blocked.get(range);
    if (waiting != null) {
      if (waiting.size() < WAITING_MAX) {
        waiting.add(() -> dispatch(from, r));
      }
      return; // past the bound the client times out: its write was never started
    }
    if (servedByNew.contains(range)) {
      writeViaNew(from, r, range);
    } else {
      writeViaOld(from, r, range);
    }
  }

  private void reply(Address client, KvMessage.ClientRequest r, KvResult result, boolean retry) {
    Session s = sessions.get(r.clientId());
    if (s != null && s.seq == r.seq()) {
      s.reply = result;
      s.retryable = retry;
    }
    env.send(client, new KvMessage.ClientReply(r.clientId(), r.seq(), result));
  }

  private void readOld(Address from, KvMessage.ClientRequest r) {
    String key = r.op().key();
    boolean shadow =
        config.shadowPercent() > 0 && env.random().nextInt(100) < config.shadowPercent();
    long startedBefore = writesStarted.getOrDefault(key, 0L);
    boolean quiet = writesInFlight.getOrDefault(key, 0) == 0;
    askOld(
        new MigrationMessage.Read(++nextReq, key),
        m -> {
          MigrationMessage.ReadReply rr = (MigrationMessage.ReadReply) m;
          reply(from, r, new KvResult.Ok(rr.value()), false);
          if (shadow && quiet && rr.keyPosition() <= rr.confirmedPosition()) {
            onNewStore(
                new KvOp.Get(key),
                result -> {
                  boolean stillQuiet =
                      writesInFlight.getOrDefault(key, 0) == 0
                          && writesStarted.getOrDefault(key, 0L) == startedBefore;
                  if (stillQuiet && result instanceof KvResult.Ok ok) {
                    probe.shadowCompared();
                    if (!Objects.equals(ok.value(), rr.value())) {
                      probe.shadowMismatch(key, rr.value(), ok.value());
                    }
                  }
                });
          }
        },
        () -> reply(from, r, new KvResult.Unknown("the old store did not answer"), false));
  }

  private void writeViaOld(Address from, KvMessage.ClientRequest r, int range) {
    String key = r.op().key();
    began(key, range);
    askOld(
        write(r.op(), Origin.APP, config.strategy() == Strategy.OUTBOX),
        m -> {
          MigrationMessage.WriteReply w = (MigrationMessage.WriteReply) m;
          if (w.outcome() == Outcome.OK && config.strategy() == Strategy.DUAL_WRITE) {
            // The second leg. Nothing orders it against another writer's second leg.
            onNewStore(
                new KvOp.Put(key, w.value()),
                result -> {
                  ended(key, range);
                  reply(from, r, new KvResult.Ok(w.value()), false);
                });
            return;
          }
          ended(key, range);
          if (w.outcome() == Outcome.OK) {
            reply(from, r, new KvResult.Ok(w.value()), false);
          } else if (w.outcome() == Outcome.CAS_FAILED) {
            reply(from, r, new KvResult.CasFailed(w.value()), false);
          } else {
            reply(from, r, new KvResult.Unknown("refused: the old store is at its disk cap"), true);
          }
        },
        () -> {
          ended(key, range);
          reply(from, r, new KvResult.Unknown("the old store did not answer"), false);
        });
  }

  private void writeViaNew(Address from, KvMessage.ClientRequest r, int range) {
    String key = r.op().key();
    began(key, range);
    lockKey(
        key,
        () ->
            onNewStore(
                r.op(),
                result -> {
                  if (result instanceof KvResult.Ok ok) {
                    writeBack(
                        key,
                        ok.value(),
                        () -> {
                          ended(key, range);
                          unlockKey(key);
                          reply(from, r, ok, false);
                        });
                  } else {
                    ended(key, range);
                    unlockKey(key);
                    reply(from, r, result, false);
                  }
                }));
  }

  /** Copies a new-store write to the old store, until it is there. */
  private void writeBack(String key, String value, Runnable then) {
    askOld(
        write(new KvOp.Put(key, value), Origin.WRITE_BACK, false),
        m -> {
          if (((MigrationMessage.WriteReply) m).outcome() == Outcome.OK) {
            then.run();
          } else {
            writeBack(key, value, then); // refused at the cap: the key stays locked meanwhile
          }
        },
        () -> writeBack(key, value, then));
  }

  private void began(String key, int range) {
    inflight[range]++;
    writesStarted.merge(key, 1L, Long::sum);
    writesInFlight.merge(key, 1, Integer::sum);
  }

  private void ended(String key, int range) {
    inflight[range]--;
    if (writesInFlight.merge(key, -1, Integer::sum) == 0) {
      writesInFlight.remove(key);
    }
    if (drain != null && drain.step.range() == range) {
      advanceDrain();
    }
  }

  private void lockKey(String key, Runnable critical) {
    ArrayDeque<Runnable> q = keyLocks.get(key);
    if (q == null) {
      keyLocks.put(key, new ArrayDeque<>());
      critical.run();
    } else {
      q.add(critical);
    }
  }

  private void unlockKey(String key) {
    ArrayDeque<Runnable> q = keyLocks.get(key);
    Runnable next = q.poll();
    if (next == null) {
      keyLocks.remove(key);
    } else {
      next.run();
    }
  }

  /** A write to the old store under the next request id, with this incarnation's floor. */
  private MigrationMessage.Write write(KvOp op, Origin origin, boolean outbox) {
    long reqId = ++nextReq;
    return new MigrationMessage.Write(session, floor(reqId), reqId, op, origin, outbox);
  }

  /** A drain's question to the old store, fencing off the writes this router gave up on. */
  private MigrationMessage.Head head() {
    long reqId = ++nextReq;
    return new MigrationMessage.Head(session, floor(reqId), reqId);
  }

  /** The lowest request still waiting for an answer: everything below is finished here. */
  private long floor(long reqId) {
    return pending.isEmpty() ? reqId : Math.min(reqId, pending.firstKey());
  }

  private void askOld(MigrationMessage m, Consumer<MigrationMessage> onReply, Runnable timeout) {
    pending.put(nextReq, new Pending(onReply, timeout));
    env.send(config.oldStore(), m);
    env.setTimer(config.requestTimeoutNanos(), new MigrationTimer.Expire(nextReq));
  }

  private void onNewStore(KvOp op, Consumer<KvResult> done) {
    int lane = lanes.idleLane();
    if (lane >= 0) {
      lanes.submit(lane, op, done);
    } else if (waitingForLane.size() < WAITING_MAX) {
      waitingForLane.add(() -> onNewStore(op, done));
    }
  }

  private void pumpLanes() {
    while (!waitingForLane.isEmpty() && lanes.idleLane() >= 0) {
      waitingForLane.poll().run();
    }
  }

  // ---- phases

  private void onStep(Address from, MigrationMessage.Step s) {
    if (s.id() <= stepDone) {
      env.send(from, new MigrationMessage.StepDone(s.id()));
      return;
    }
    if (drain != null) {
      return; // one step at a time; the operator asks again
    }
    drain = new Drain(s, from, env.localClockNanos());
    if (s.range() < 1
        || s.range() > config.ranges()
        || servedByNew.contains(s.range()) != s.rollback()) {
      finishStep(false); // nothing to move: already there (or no such range)
      return;
    }
    if (!config.drain()) {
      finishStep(true);
      return;
    }
    blocked.put(s.range(), new ArrayDeque<>());
    advanceDrain();
  }

  private void advanceDrain() {
    if (drain == null || !blocked.containsKey(drain.step.range())) {
      return;
    }
    if (inflight[drain.step.range()] > 0) {
      return;
    }
    if (drain.step.rollback()) {
      finishStep(true); // every write-back is in: the old store is current for the range
      return;
    }
    if (drain.headAsked) {
      return;
    }
    // Moving to the new store: the backfill must be done and the consumer caught up with the
    // stream's head as it was once the range's writes had stopped.
    drain.headAsked = true;
    Drain d = drain;
    askOld(
        head(),
        m -> {
          MigrationMessage.HeadReply h = (MigrationMessage.HeadReply) m;
          if (drain != d) {
            return;
          }
          if (d.headWanted < 0) {
            d.headWanted = h.head();
          }
          d.headAsked = false;
          if (h.backfillDone() && h.confirmed() >= d.headWanted) {
            finishStep(true);
          }
        },
        () -> d.headAsked = false);
  }

  private void finishStep(boolean switched) {
    Drain d = drain;
    int range = d.step.range();
    if (switched) {
      if (d.step.rollback()) {
        servedByNew.remove(range);
      } else {
        servedByNew.add(range);
      }
      storage.put(SERVED_BY_NEW, List.copyOf(servedByNew));
      probe.switched(range, !d.step.rollback(), env.localClockNanos() - d.startedNanos);
    }
    stepDone = d.step.id();
    storage.put(STEP_DONE, stepDone);
    storage.sync();
    drain = null;
    env.send(d.operator, new MigrationMessage.StepDone(d.step.id()));
    ArrayDeque<Runnable> waiting = blocked.remove(range);
    if (waiting != null) {
      List<Runnable> go = new ArrayList<>(waiting);
      go.forEach(Runnable::run);
    }
  }

  @Override
  public void checkInvariants() {
    for (int i = 1; i < inflight.length; i++) {
      if (inflight[i] < 0) {
        throw new IllegalStateException("range " + i + ": " + inflight[i] + " writes in flight");
      }
    }
  }

  /**
   * What is unfinished here, in words (empty when nothing is): writes in flight per range, keys
   * waiting for their write-back, a step still draining, requests waiting for a lane.
   */
  public List<String> unfinished() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i < inflight.length; i++) {
      if (inflight[i] > 0) {
        out.add(inflight[i] + " writes in flight in range " + i);
      }
    }
    if (!keyLocks.isEmpty()) {
      out.add("keys held for their write-back: " + keyLocks.keySet());
    }
    if (drain != null) {
      out.add(
          (drain.step.rollback() ? "rollback of range " : "move of range ")
              + drain.step.range()
              + " still draining"
              + (drain.headWanted >= 0
                  ? " (waiting for the consumer to reach " + drain.headWanted + ")"
                  : ""));
    }
    if (!waitingForLane.isEmpty()) {
      out.add(waitingForLane.size() + " requests waiting for a lane to the new store");
    }
    return out;
  }

  /** The ranges served by the new store now (for tests). */
  public TreeSet<Integer> servedByNew() {
    return new TreeSet<>(servedByNew);
  }
}
