package dev.txlab.node.live;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ProcessFactory;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.api.Storage;
import dev.txlab.node.api.Timer;
import dev.txlab.node.api.TrueTimeInterval;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Hosts one physical node's processes for real: each process runs in its own standard Vert.x
 * verticle, whose event loop is the single thread the step contract needs; timers are Vert.x
 * timers; storage is a {@link FileStorage} per process under {@code dataDir/<component>}; messages
 * to other nodes go through a {@link Transport}, messages between this node's processes (and to
 * self) are posted to the receiver's context — never a direct call.
 *
 * <h2>The step contract, as this host keeps it</h2>
 *
 * One event runs at a time per process (its context is single-threaded). During the handler the
 * process's sends and timers are buffered. When the handler returns, the host takes the step's
 * storage writes as one batch, checks the process's invariants, and then: if the step asked for a
 * sync, hands the batch to the {@link GroupCommitter} and holds the effects until the fsync that
 * covers them has completed; otherwise releases them at once — unless an earlier step's effects are
 * still held, in which case they queue behind them, so effects always leave in step order. The
 * process may run its next events while a sync is in flight (that is what lets syncs group); none
 * of their effects escape before the data they depend on is durable. The one exception is asked for
 * by name: a message sent with {@link Env#sendBeforeSync} leaves when the handler returns (after
 * the invariants are checked), without waiting for the sync — Raft's leader replicating while it
 * writes its own log, and replies that depend only on what is already committed. A crash drops the
 * buffered writes, the held effects and the pending timers together.
 *
 * <p>A handler that throws, a failed invariant or a disk error is a bug or a dead disk: the process
 * is stopped at once (as if crashed), the failure is logged at ERROR and reported to the {@link
 * Config#onFailure} callback, and the host refuses to run it again until {@link #restart}.
 */
public final class VertxHost implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("txlab.live");

  /**
   * @param seed the node's seed; every process's random source is forked from it by address and
   *     incarnation (a restart gets fresh numbers, as a restarted client must)
   * @param slowMotion every timer delay is multiplied by this (1 = real time); for demos and for
   *     timing-sensitive tests on a loaded machine
   * @param flushBytes unsynced writes buffered beyond this are written (not fsynced) anyway
   */
  public record Config(
      NodeId node,
      Path dataDir,
      long seed,
      long trueTimeEpsilonNanos,
      FileStorage.Options storage,
      RecordCodec codec,
      int slowMotion,
      int flushBytes,
      Consumer<String> processLog,
      Consumer<Throwable> onFailure) {
    public Config {
      if (node == null
          || dataDir == null
          || storage == null
          || codec == null
          || processLog == null
          || onFailure == null) {
        throw new IllegalArgumentException("incomplete live host config");
      }
      if (trueTimeEpsilonNanos < 0 || slowMotion < 1 || flushBytes < 1) {
        throw new IllegalArgumentException("need epsilon >= 0, slowMotion >= 1, flushBytes >= 1");
      }
    }

    /** ε = 1 ms, fsync on, the node module's codec, process logs at DEBUG. */
    public static Config defaults(NodeId node, Path dataDir, long seed) {
      return new Config(
          node,
          dataDir,
          seed,
          1_000_000L,
          FileStorage.Options.defaults(),
          NodeCodecTable.codec(),
          1,
          1 << 20,
          text -> LOG.log(System.Logger.Level.DEBUG, text),
          t -> {});
    }

    public Config withStorage(FileStorage.Options o) {
      return new Config(
          node,
          dataDir,
          seed,
          trueTimeEpsilonNanos,
          o,
          codec,
          slowMotion,
          flushBytes,
          processLog,
          onFailure);
    }

    public Config withCodec(RecordCodec c) {
      return new Config(
          node,
          dataDir,
          seed,
          trueTimeEpsilonNanos,
          storage,
          c,
          slowMotion,
          flushBytes,
          processLog,
          onFailure);
    }

    public Config withSlowMotion(int factor) {
      return new Config(
          node,
          dataDir,
          seed,
          trueTimeEpsilonNanos,
          storage,
          codec,
          factor,
          flushBytes,
          processLog,
          onFailure);
    }

    public Config withEpsilonNanos(long e) {
      return new Config(
          node, dataDir, seed, e, storage, codec, slowMotion, flushBytes, processLog, onFailure);
    }

    public Config withProcessLog(Consumer<String> log) {
      return new Config(
          node,
          dataDir,
          seed,
          trueTimeEpsilonNanos,
          storage,
          codec,
          slowMotion,
          flushBytes,
          log,
          onFailure);
    }

    public Config withOnFailure(Consumer<Throwable> f) {
      return new Config(
          node,
          dataDir,
          seed,
          trueTimeEpsilonNanos,
          storage,
          codec,
          slowMotion,
          flushBytes,
          processLog,
          f);
    }
  }

  /** A process stopped by the host because of a bug or a disk error. */
  public static final class ProcessFailure extends RuntimeException {
    public ProcessFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Vertx vertx;
  private final Config config;
  private final Transport transport;
  private final GroupCommitter disk;
  private final LiveClock clock;
  private final RandomSource random;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final AtomicLong droppedInbound = new AtomicLong();
  private volatile boolean closed;

  public VertxHost(Vertx vertx, Config config, Transport transport, GroupCommitter disk) {
    if (!transport.node().equals(config.node())) {
      throw new IllegalArgumentException(
          "transport is for " + transport.node() + ", host for " + config.node());
    }
    this.vertx = vertx;
    this.config = config;
    this.transport = transport;
    this.disk = disk;
    this.clock = new LiveClock(config.trueTimeEpsilonNanos());
    this.random = new RandomSource(config.seed());
    LOG.log(
        System.Logger.Level.INFO,
        "node " + config.node() + " seed " + config.seed() + " data " + config.dataDir());
    transport.bind(this::deliverFromNetwork);
  }

  public NodeId node() {
    return config.node();
  }

  public Config config() {
    return config;
  }

  /** The node's clock: inject a skew with {@link LiveClock#setOffsetNanos}. */
  public LiveClock clock() {
    return clock;
  }

  public Transport transport() {
    return transport;
  }

  /** Processes stopped by a bug or a disk error since this host was built. */
  public List<Throwable> failures() {
    return List.copyOf(failures);
  }

  /** Messages from the network for a component this node does not host or that is down. */
  public long droppedInboundCount() {
    return droppedInbound.get();
  }

  /** The components hosted here, in order. */
  public List<String> components() {
    return new ArrayList<>(new TreeMap<>(slots).keySet());
  }

  /** What the storage of {@code component} repaired when it last opened, or null. */
  public FileStorage.Recovery recovery(String component) {
    Slot s = slots.get(component);
    FileStorage st = s == null ? null : s.storage;
    return st == null ? null : st.recovery();
  }

  /**
   * Adds a process and starts it: opens (and recovers) its storage, builds it, runs its {@code
   * onStart} step. The future completes when that step has run.
   */
  public Future<Void> add(String component, ProcessFactory factory) {
    if (closed) throw new IllegalStateException("host closed");
    Address address = Address.of(config.node(), component);
    Slot slot = new Slot(address, factory);
    if (slots.putIfAbsent(component, slot) != null)
      throw new IllegalArgumentException(address + " already hosted");
    return slot.start();
  }

  /**
   * Hands a message from outside the cluster (an HTTP request) to a local process, where it is a
   * step like any other, from the pseudo-address {@code <node>/external}. False if the process is
   * not running.
   */
  public boolean inject(String component, Message message) {
    Slot s = slots.get(component);
    return s != null && s.deliver(Address.of(config.node(), "external"), message);
  }

  /**
   * Crashes every process of this node: memory, buffered writes, held effects and timers are gone.
   */
  public Future<Void> crash() {
    List<Future<?>> all = new ArrayList<>();
    for (Slot s : slots.values()) all.add(s.crash("crash"));
    return Future.all(all).mapEmpty();
  }

  /** Restarts every process that is down, each rebuilt from its storage. */
  public Future<Void> restart() {
    if (closed) throw new IllegalStateException("host closed");
    List<Future<?>> all = new ArrayList<>();
    for (Slot s : slots.values()) if (!s.running) all.add(s.start());
    return Future.all(all).mapEmpty();
  }

  /** Whether {@code component} has a step whose sync has not completed (its effects are held). */
  public boolean syncInProgress(String component) {
    Slot s = slots.get(component);
    return s != null && s.syncsInFlight.get() > 0;
  }

  /**
   * Runs {@code task} on the thread of {@code component} between two steps (for status reads and
   * tests that need a happens-before edge with the process). The process may be down.
   */
  public Future<Void> onProcessThread(String component, Runnable task) {
    Slot s = slots.get(component);
    if (s == null || s.context == null) {
      task.run();
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    s.context.runOnContext(
        v -> {
          task.run();
          p.complete();
        });
    return p.future();
  }

  /**
   * Reads something from {@code component}'s current process on its own thread, between two steps
   * (status pages). The reader gets null if the process is down or not hosted here; it must only
   * read.
   */
  public <T> Future<T> inspect(String component, java.util.function.Function<Process, T> reader) {
    Slot s = slots.get(component);
    Context ctx = s == null ? null : s.context;
    if (ctx == null) return Future.succeededFuture(reader.apply(null));
    Promise<T> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          try {
            p.complete(reader.apply(s.context == ctx ? s.process : null));
          } catch (RuntimeException e) {
            p.fail(e);
          }
        });
    return p.future();
  }

  /** Crashes every process and closes the transport. Storage is left as a crash leaves it. */
  @Override
  public void close() {
    closed = true;
    try {
      crash()
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "node " + config.node() + ": processes did not stop within 10 s: " + e);
    }
    transport.close();
  }

  // ---------------------------------------------------------------- routing

  private void deliverFromNetwork(Address from, Address to, Message message) {
    if (!to.node().equals(config.node())) {
      droppedInbound.incrementAndGet();
      return;
    }
    deliverLocal(from, to, message);
  }

  private void deliverLocal(Address from, Address to, Message message) {
    Slot s = slots.get(to.component());
    if (s == null || !s.deliver(from, message)) droppedInbound.incrementAndGet();
  }

  private void route(Address from, Address to, Message message) {
    if (to.node().equals(config.node())) {
      deliverLocal(from, to, message);
      return;
    }
    transport.sendHeld(from, to, message);
    // One flush per event-loop turn: it runs after the tasks already queued on this loop (the
    // other requests read in the same turn), so their messages to a node leave as one frame. The
    // flag is cleared before the flush drains, so a message held after the drain began gets a
    // flush of its own.
    if (flushPending.compareAndSet(false, true)) {
      Context ctx = Vertx.currentContext();
      if (ctx == null) {
        flushPending.set(false);
        transport.flush();
      } else {
        ctx.runOnContext(
            v -> {
              flushPending.set(false);
              transport.flush();
            });
      }
    }
  }

  /**
   * A step's batch larger than this (or a new generation's image: a snapshot's compaction, with its
   * extra fsyncs, rename and delete) always goes to the disk thread: an event loop blocked on it
   * would hold every process of the node.
   */
  static final int INLINE_SYNC_MAX_BYTES = 64 * 1024;

  /**
   * Whether the current thread is an event loop with no task queued (a step posted to a process, a
   * transport flush, a timer due now). Not visible: bytes not yet read from sockets.
   */
  private static boolean loopIdle() {
    if (!(Vertx.currentContext() instanceof io.vertx.core.internal.ContextInternal ci))
      return false;
    return ci.nettyEventLoop() instanceof io.netty.util.concurrent.SingleThreadEventExecutor loop
        && loop.inEventLoop()
        && loop.pendingTasks() == 0;
  }

  private final java.util.concurrent.atomic.AtomicBoolean flushPending =
      new java.util.concurrent.atomic.AtomicBoolean();

  // ---------------------------------------------------------------- one process

  private record Send(Address to, Message message) {}

  private record SetTimer(long delayNanos, Timer timer) {}

  /** The effects of one step, released together once the step's sync (if any) is durable. */
  private record Held(long ticket, List<Object> effects) {}

  /**
   * One hosted process across its incarnations. Fields marked "context" are touched only on the
   * current incarnation's context thread; lifecycle fields are volatile.
   */
  private final class Slot {
    final Address address;
    final ProcessFactory factory;
    volatile Context context;
    volatile String deploymentId;
    volatile boolean running;
    // Bumped on every start and crash; every posted task checks it and does nothing if stale.
    volatile long incarnation;
    final AtomicLong syncsInFlight = new AtomicLong();

    // context
    Process process;
    FileStorage storage;
    LiveEnv env;
    final ArrayDeque<Held> held = new ArrayDeque<>();
    long nextTicket = 1;
    long durableTicket;

    Slot(Address address, ProcessFactory factory) {
      this.address = address;
      this.factory = factory;
    }

    Future<Void> start() {
      Promise<Void> started = Promise.promise();
      long inc;
      synchronized (this) {
        running = true;
        inc = ++incarnation;
      }
      vertx
          .deployVerticle(new ProcessVerticle(this, inc, started))
          .onFailure(started::tryFail)
          .onSuccess(
              id -> {
                boolean stale;
                synchronized (this) {
                  stale = incarnation != inc;
                  if (!stale) deploymentId = id;
                }
                if (stale) vertx.undeploy(id); // crashed while starting
              });
      return started.future();
    }

    /** Runs on the new verticle's context. */
    void open(Context ctx, long inc) throws IOException {
      context = ctx;
      storage =
          FileStorage.open(
              config.dataDir().resolve(address.component()), config.codec(), config.storage());
      if (storage.recovery().repaired()) {
        LOG.log(
            System.Logger.Level.WARNING,
            address + " storage repaired on open: " + storage.recovery().notes());
      } else if (storage.recovery().records() > 1) {
        // More than the generation's image: state this process had before (a restart).
        LOG.log(
            System.Logger.Level.INFO,
            address
                + " storage recovered: generation "
                + storage.recovery().generation()
                + ", "
                + storage.recovery().records()
                + " records replayed");
      }
      held.clear();
      durableTicket = nextTicket - 1;
      syncsInFlight.set(0);
      env = new LiveEnv(this, inc, random.fork(address + "#" + inc));
      try {
        process = factory.create(env);
        if (process == null)
          throw new IllegalStateException("factory for " + address + " returned null");
      } catch (RuntimeException e) {
        storage.close();
        throw e;
      }
      if (inc != incarnation) { // crashed while opening
        process = null;
        storage.close();
        return;
      }
      step(inc, null, null, null);
    }

    boolean deliver(Address from, Message message) {
      Context ctx = context;
      if (ctx == null) return false;
      long inc = incarnation;
      ctx.runOnContext(v -> step(inc, from, message, null));
      return true;
    }

    /** One step: onStart (all null), a message, or a timer. */
    void step(long inc, Address from, Message message, Timer timer) {
      if (inc != incarnation || process == null) return;
      LiveEnv e = env;
      e.inStep = true;
      try {
        if (message != null) process.onMessage(from, message);
        else if (timer != null) process.onTimer(timer);
        else process.onStart();
      } catch (Throwable t) {
        e.inStep = false;
        fail(inc, "handler threw", t);
        return;
      }
      e.inStep = false;
      boolean sync = storage.takeSyncRequest();
      FileStorage.Batch batch =
          sync || storage.pendingBytes() > config.flushBytes() ? storage.takeBatch() : null;
      try {
        process.checkInvariants();
      } catch (Throwable t) {
        fail(inc, "invariant violated", t);
        return;
      }
      List<Object> effects = e.takeEffects();
      List<Send> early = e.takeEarly();
      if (early != null) for (Send s : early) route(address, s.to(), s.message());
      boolean waitForDisk = sync && config.storage().fsync() == FileStorage.Fsync.ALWAYS;
      if (waitForDisk
          && held.isEmpty()
          && (batch == null || (!batch.image() && batch.record().length <= INLINE_SYNC_MAX_BYTES))
          && loopIdle()) {
        // Nothing of this process waits for the disk and nothing else waits for this thread: if
        // the disk is idle too, sync here and now (GroupCommitter.tryInline says why). Under load
        // there is always a task waiting, or a sync running, and the job goes to the disk thread,
        // where syncs group. A leader's step has this turn's transport flush queued, so a leader
        // syncs through the disk thread: letting it sync inline after flushing was no better at
        // one client (p50 0.81 vs 0.77 ms) and lost at 16 (7,305/7,544 vs 8,103/8,084 ops/s).
        boolean synced;
        try {
          synced = disk.tryInline(storage, batch);
        } catch (IOException | RuntimeException t) {
          fail(inc, "disk error", t);
          return;
        }
        if (synced) {
          release(inc, effects);
          return;
        }
      }
      if (waitForDisk) {
        long ticket = nextTicket++;
        syncsInFlight.incrementAndGet();
        held.add(new Held(ticket, effects));
        disk.submit(
            new GroupCommitter.Job(
                storage,
                batch,
                true,
                () -> ctxPost(inc, () -> durable(inc, ticket)),
                t -> ctxPost(inc, () -> fail(inc, "disk error", t))));
      } else {
        if (batch != null) {
          disk.submit(
              new GroupCommitter.Job(
                  storage,
                  batch,
                  false,
                  null,
                  t -> ctxPost(inc, () -> fail(inc, "disk error", t))));
        }
        if (held.isEmpty()) release(inc, effects);
        else held.add(new Held(0, effects));
      }
    }

    private void ctxPost(long inc, Runnable r) {
      Context ctx = context;
      if (ctx != null && incarnation == inc)
        ctx.runOnContext(
            v -> {
              if (incarnation == inc && process != null) r.run();
            });
    }

    private void durable(long inc, long ticket) {
      syncsInFlight.decrementAndGet();
      durableTicket = Math.max(durableTicket, ticket);
      while (!held.isEmpty() && held.peek().ticket() <= durableTicket)
        release(inc, held.poll().effects());
    }

    private void release(long inc, List<Object> effects) {
      if (inc != incarnation) return; // crashed during the step: its effects die with it
      for (Object o : effects) {
        if (o instanceof Send s) {
          route(address, s.to(), s.message());
        } else {
          SetTimer t = (SetTimer) o;
          long delayNanos = t.delayNanos() * config.slowMotion();
          long ms = (delayNanos + 999_999) / 1_000_000;
          if (ms <= 0) context.runOnContext(v -> step(inc, null, null, t.timer()));
          else vertx.setTimer(ms, id -> step(inc, null, null, t.timer()));
        }
      }
    }

    /**
     * Stops incarnation {@code inc} for a bug or a disk error. Nothing if it is already gone: a
     * crash from another thread (a test, an admin request) can stop it in the middle of a step, and
     * what the step then trips over (its env refusing sends, its storage closed) is the crash
     * itself, not a failure — and must not stop the next incarnation, if one has started.
     */
    private void fail(long inc, String what, Throwable t) {
      if (inc != incarnation) return;
      ProcessFailure f = new ProcessFailure(address + ": " + what + "; the process is stopped", t);
      LOG.log(System.Logger.Level.ERROR, f.getMessage(), t);
      failures.add(f);
      crash("failure");
      config.onFailure().accept(f);
    }

    /** Stops this incarnation: nothing it buffered, held or scheduled will ever run. */
    Future<Void> crash(String why) {
      Context ctx;
      String id;
      synchronized (this) {
        running = false;
        incarnation++;
        ctx = context;
        id = deploymentId;
        deploymentId = null;
      }
      Promise<Void> done = Promise.promise();
      Runnable stop =
          () -> {
            process = null;
            held.clear();
            syncsInFlight.set(0);
            if (storage != null) {
              try {
                storage.close();
              } catch (IOException e) {
                LOG.log(
                    System.Logger.Level.WARNING,
                    address + ": closing storage after " + why + ": " + e);
              }
            }
            context = null;
            done.complete();
          };
      if (ctx == null) stop.run();
      else if (Vertx.currentContext() == ctx) stop.run();
      else ctx.runOnContext(v -> stop.run());
      return done.future()
          .compose(
              v ->
                  id == null
                      ? Future.succeededFuture()
                      : vertx.undeploy(id).otherwise((Void) null));
    }
  }

  /** The verticle of one incarnation: its context is the process's thread. */
  private static final class ProcessVerticle extends VerticleBase {
    private final Slot slot;
    private final long incarnation;
    private final Promise<Void> started;

    ProcessVerticle(Slot slot, long incarnation, Promise<Void> started) {
      this.slot = slot;
      this.incarnation = incarnation;
      this.started = started;
    }

    @Override
    public Future<?> start() {
      if (slot.incarnation != incarnation) {
        started.tryFail("crashed while starting");
        return Future.succeededFuture();
      }
      try {
        slot.open(context, incarnation);
        started.tryComplete();
        return Future.succeededFuture();
      } catch (Throwable t) {
        started.tryFail(t);
        return Future.failedFuture(t);
      }
    }
  }

  /** The {@link Env} of one incarnation of one process. */
  private final class LiveEnv implements Env {
    private final Slot slot;
    private final long incarnation;
    private final RandomSource random;
    private List<Object> effects = new ArrayList<>();
    boolean inStep;

    LiveEnv(Slot slot, long incarnation, RandomSource random) {
      this.slot = slot;
      this.incarnation = incarnation;
      this.random = random;
    }

    private void requireStep(String what) {
      if (!inStep || slot.incarnation != incarnation) {
        throw new IllegalStateException(slot.address + ": " + what + " outside a step");
      }
    }

    private List<Send> early;

    List<Object> takeEffects() {
      List<Object> e = effects;
      effects = new ArrayList<>();
      return e;
    }

    /** The step's messages that need not wait for its sync, or null if none. */
    List<Send> takeEarly() {
      List<Send> e = early;
      early = null;
      return e;
    }

    @Override
    public Address self() {
      return slot.address;
    }

    @Override
    public void send(Address to, Message message) {
      requireStep("send");
      if (to == null || message == null)
        throw new IllegalArgumentException("send needs a destination and a message");
      effects.add(new Send(to, message));
    }

    @Override
    public boolean sendsBeforeSync() {
      return true;
    }

    @Override
    public void sendBeforeSync(Address to, Message message) {
      requireStep("send");
      if (to == null || message == null)
        throw new IllegalArgumentException("send needs a destination and a message");
      if (early == null) early = new ArrayList<>();
      early.add(new Send(to, message));
    }

    @Override
    public void setTimer(long delayNanos, Timer timer) {
      requireStep("setTimer");
      if (delayNanos < 0 || timer == null)
        throw new IllegalArgumentException("timer needs a delay >= 0 and a value");
      effects.add(new SetTimer(delayNanos, timer));
    }

    @Override
    public long localClockNanos() {
      return clock.localNanos();
    }

    @Override
    public TrueTimeInterval trueTime() {
      return clock.trueTime();
    }

    @Override
    public RandomSource random() {
      return random;
    }

    @Override
    public Storage storage() {
      // Not step-checked: processes take their storage once, in their constructor.
      return slot.storage;
    }

    @Override
    public void log(String text) {
      config.processLog().accept(slot.address + " " + text);
    }
  }
}
