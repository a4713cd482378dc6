package dev.txlab.node.sim;

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
import dev.txlab.node.time.DriftingClock;
import dev.txlab.node.time.EpsilonModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * The deterministic discrete-event simulator: the default host for {@link Process}es.
 *
 * <p>One thread; virtual time in nanoseconds; an event queue ordered by (time, sequence number);
 * one seed from which every random source is forked by name (the network's, each clock's, each
 * process incarnation's). Nothing iterates a hash collection where the order could leak into
 * behaviour, so a run is a pure function of (setup, seed): the trace digest proves it.
 *
 * <p>It simulates the network (per-link latency, loss, duplication, reordering, any partition),
 * each node's clock (offset, drift, steps, strobes) with a TrueTime view whose intervals it checks
 * against true time, each component's disk (written versus synced), and process crashes, restarts
 * and pauses. It honours the step contract of {@link Process}: effects are buffered during a
 * handler and released after the step's sync completes ({@link SimConfig#fsyncLatencyNanos()}
 * later); a crash inside that window loses the writes and the effects together.
 *
 * <p>Faults are applied through {@link SimControl}. Invariant failures and cap overruns throw
 * {@link SimulationException} whose message starts with the seed.
 */
public final class Simulator implements SimControl {
  /** Called after every process step, for cross-process invariants. May throw to fail the run. */
  public interface StepObserver {
    void afterStep(Address address, Process process);
  }

  private static final int START = 0, DELIVER = 1, TIMER = 2, SYNC_DONE = 3, ACTION = 4;
  private static final String[] KIND = {"start", "recv", "timer", "synced", "action"};

  private static final class Event {
    long time;
    long seq;
    final int kind;
    final Slot slot;
    final Address from;
    final String fromName;
    final Object payload;
    final long incarnation;

    /** When a delivery's message was sent (its time changes if it is deferred); else 0. */
    final long sentAt;

    Event(
        long time,
        long seq,
        int kind,
        Slot slot,
        Address from,
        String fromName,
        Object payload,
        long incarnation,
        long sentAt) {
      this.time = time;
      this.seq = seq;
      this.kind = kind;
      this.slot = slot;
      this.from = from;
      this.fromName = fromName;
      this.payload = payload;
      this.incarnation = incarnation;
      this.sentAt = sentAt;
    }
  }

  private static final class SimNode {
    final NodeId id;
    final DriftingClock clock;
    long honestOffsetNanos;
    final long honestDriftPpm;
    final List<Slot> slots = new ArrayList<>();
    boolean up = true;
    boolean paused;
    boolean clockFault;

    SimNode(NodeId id, long offset, long drift, long resync) {
      this.id = id;
      this.honestOffsetNanos = offset;
      this.honestDriftPpm = drift;
      this.clock = new DriftingClock(offset, drift, resync);
    }
  }

  /** One component on one node: its factory, disk, and current incarnation. */
  private final class Slot {
    final Address address;
    final String name;
    final SimNode node;
    final ProcessFactory factory;
    final SimDisk disk = new SimDisk();
    final ArrayDeque<Event> deferred = new ArrayDeque<>();
    Process process;
    SimEnv env;
    long incarnation;
    boolean syncing;

    Slot(Address address, SimNode node, ProcessFactory factory) {
      this.address = address;
      this.name = address.toString();
      this.node = node;
      this.factory = factory;
    }
  }

  /** Effects held back until a sync completes. */
  private record Effects(
      List<Address> to, List<Message> messages, long[] delays, List<Timer> timers) {}

  private final class SimEnv implements Env {
    final Slot slot;
    final RandomSource random;
    final ArrayList<Address> sendTo = new ArrayList<>();
    final ArrayList<Message> sendMessages = new ArrayList<>();
    long[] timerDelays = new long[8];
    final ArrayList<Timer> timers = new ArrayList<>();
    boolean inStep;

    SimEnv(Slot slot) {
      this.slot = slot;
      this.random = root.fork("process/" + slot.name + "/" + slot.incarnation);
    }

    private void requireStep(String what) {
      if (!inStep) throw new IllegalStateException(slot.name + ": " + what + " outside a step");
    }

    @Override
    public Address self() {
      return slot.address;
    }

    @Override
    public void send(Address to, Message message) {
      requireStep("send");
      if (to == null || message == null)
        throw new IllegalArgumentException("send needs a target and a message");
      sendTo.add(to);
      sendMessages.add(message);
    }

    @Override
    public void setTimer(long delayNanos, Timer timer) {
      requireStep("setTimer");
      if (delayNanos < 0 || timer == null)
        throw new IllegalArgumentException("timer needs delay >= 0 and a record");
      if (timers.size() == timerDelays.length)
        timerDelays = java.util.Arrays.copyOf(timerDelays, timerDelays.length * 2);
      timerDelays[timers.size()] = delayNanos;
      timers.add(timer);
    }

    @Override
    public long localClockNanos() {
      return slot.node.clock.read(now);
    }

    @Override
    public TrueTimeInterval trueTime() {
      long local = slot.node.clock.read(now);
      TrueTimeInterval interval = TrueTimeInterval.around(local, epsilon.epsilonNanos(now));
      if (!interval.contains(now)) {
        if (!slot.node.clockFault && !epsilonFault) {
          throw new IllegalStateException(
              "TrueTime on "
                  + slot.node.id
                  + " handed out "
                  + interval
                  + " which excludes true time "
                  + now
                  + " although no clock fault is active");
        }
        trueTimeLies++;
      }
      return interval;
    }

    @Override
    public RandomSource random() {
      return random;
    }

    @Override
    public Storage storage() {
      return slot.disk;
    }

    @Override
    public void log(String text) {
      if (logLines) trace.line(now, slot.name, "log " + text);
    }
  }

  private final SimConfig config;
  private final RandomSource root;
  private final RandomSource network;
  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          1024,
          (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private final TreeMap<NodeId, SimNode> nodes = new TreeMap<>();

  /** The same nodes by id, for lookups on hot paths (the tree keeps the iteration order). */
  private final HashMap<NodeId, SimNode> nodeIndex = new HashMap<>();

  private final HashMap<Address, Slot> slots = new HashMap<>();
  private final List<Slot> slotOrder = new ArrayList<>();
  private final HashSet<SimLink> cut = new HashSet<>();
  private final HashMap<SimLink, LinkConfig> links = new HashMap<>();
  private final List<StepObserver> observers = new ArrayList<>();
  private final Trace trace = new Trace();
  private final TreeMap<String, Long> drops = new TreeMap<>();
  private LinkConfig defaultLink;

  /** Each placed node's region (nodes not placed are in none: no wide-area delay). */
  private final HashMap<NodeId, String> regionOf = new HashMap<>();

  /** The one-way wide-area latency between two regions, keyed by {@link #regionPair}. */
  private final HashMap<String, Latency> betweenRegions = new HashMap<>();

  private EpsilonModel epsilon;
  private boolean epsilonFault;
  private long now;
  private long seq;
  private long events;
  private long messagesSent;
  private long messagesDelivered;

  /** Messages sent, by type: for reports only (never iterated while the run decides anything). */
  private final java.util.HashMap<Class<?>, long[]> sentByType = new java.util.HashMap<>();

  private long trueTimeLies;
  private boolean logLines = true;
  private String currentEvent = "setup";
  private String currentKind = "";

  public Simulator(SimConfig config) {
    this.config = config;
    this.root = new RandomSource(config.seed());
    this.network = root.fork("network");
    this.defaultLink = config.defaultLink();
    this.epsilon = config.epsilon();
  }

  public SimConfig config() {
    return config;
  }

  public long seed() {
    return config.seed();
  }

  public Trace trace() {
    return trace;
  }

  /** Keep {@link Env#log} lines in the trace (default on). */
  public void setLogLines(boolean on) {
    this.logLines = on;
  }

  public void addObserver(StepObserver observer) {
    observers.add(observer);
  }

  /** Adds a physical node with an honest clock drawn from the seed. Idempotent. */
  public void addNode(NodeId id) {
    if (nodes.containsKey(id)) return;
    RandomSource r = root.fork("clock/" + id);
    long offset = r.between(-config.clockOffsetNanosMax(), config.clockOffsetNanosMax());
    long drift = r.between(-config.clockDriftPpmMax(), config.clockDriftPpmMax());
    SimNode n = new SimNode(id, offset, drift, config.clockResyncPeriodNanos());
    nodes.put(id, n);
    nodeIndex.put(id, n);
  }

  /**
   * Hosts a process at {@code address} (adding its node if needed); it starts at the current time.
   */
  public void addProcess(Address address, ProcessFactory factory) {
    if (slots.containsKey(address))
      throw new IllegalArgumentException("address already hosted: " + address);
    addNode(address.node());
    SimNode node = nodeIndex.get(address.node());
    Slot slot = new Slot(address, node, factory);
    slots.put(address, slot);
    slotOrder.add(slot);
    node.slots.add(slot);
    if (node.up) instantiate(slot);
  }

  private void instantiate(Slot slot) {
    slot.env = new SimEnv(slot);
    slot.process = slot.factory.create(slot.env);
    if (slot.process == null)
      throw new IllegalStateException("factory for " + slot.name + " returned null");
    schedule(now, START, slot, null, null);
  }

  /** The live process at {@code address}, or null if it is down. */
  public Process process(Address address) {
    Slot s = slots.get(address);
    return s == null || !s.node.up ? null : s.process;
  }

  /** Every hosted address, in the order added. */
  public List<Address> addresses() {
    List<Address> out = new ArrayList<>();
    for (Slot s : slotOrder) out.add(s.address);
    return out;
  }

  /** The disk of the component at {@code address} (for tests and oracles). */
  public SimDisk disk(Address address) {
    Slot s = slots.get(address);
    if (s == null) throw new IllegalArgumentException("no process at " + address);
    return s.disk;
  }

  /**
   * Whether the component at {@code address} has a sync in flight (its step's effects held back).
   */
  public boolean syncInProgress(Address address) {
    Slot s = slots.get(address);
    return s != null && s.syncing;
  }

  /** Sends a message from outside any process (tests, drivers); it crosses the network normally. */
  public void inject(Address from, Address to, Message message) {
    transmit(from, to, message);
  }

  // ---------------------------------------------------------------- running

  @Override
  public long nowNanos() {
    return now;
  }

  public long events() {
    return events;
  }

  /** Runs every event up to and including time {@code now + nanos}; the clock ends there. */
  public void runFor(long nanos) {
    runUntilTime(now + nanos);
  }

  public void runUntilTime(long timeNanos) {
    while (!queue.isEmpty() && queue.peek().time <= timeNanos) step();
    if (timeNanos > now) now = timeNanos;
    checkVirtualCap();
  }

  /**
   * Runs until {@code done} holds (checked after every event) or {@code maxNanos} of virtual time
   * pass. Returns whether {@code done} held.
   */
  public boolean runUntil(BooleanSupplier done, long maxNanos) {
    long deadline = now + maxNanos;
    while (!done.getAsBoolean()) {
      if (queue.isEmpty() || queue.peek().time > deadline) {
        now = Math.max(now, deadline);
        return done.getAsBoolean();
      }
      step();
    }
    return true;
  }

  private void checkVirtualCap() {
    if (now > config.virtualNanosMax()) {
      throw failure("virtual time cap of " + config.virtualNanosMax() + " ns exceeded", null);
    }
  }

  private SimulationException failure(String what, Throwable cause) {
    return new SimulationException(
        config.seed(),
        "seed "
            + config.seed()
            + " at "
            + now
            + " ns, event "
            + events
            + " ("
            + currentKind
            + " "
            + currentEvent
            + "): "
            + what
            + "\n  replay: the same setup with seed "
            + config.seed(),
        cause);
  }

  private void schedule(long time, int kind, Slot slot, Address from, Object payload) {
    queue.add(
        new Event(
            time, seq++, kind, slot, from, null, payload, slot == null ? 0 : slot.incarnation, 0));
  }

  private void scheduleDelivery(long time, Slot target, Address from, String fromName, Message m) {
    queue.add(new Event(time, seq++, DELIVER, target, from, fromName, m, target.incarnation, now));
  }

  private void step() {
    Event e = queue.poll();
    now = e.time;
    if (++events > config.eventsMax()) {
      throw failure("event cap of " + config.eventsMax() + " exceeded", null);
    }
    if (now > config.virtualNanosMax()) checkVirtualCap();
    try {
      dispatch(e);
    } catch (SimulationException ex) {
      throw ex;
    } catch (RuntimeException ex) {
      throw failure(ex.toString(), ex);
    }
  }

  private void dispatch(Event e) {
    if (e.kind == ACTION) {
      NamedAction a = (NamedAction) e.payload;
      currentEvent = a.what();
      currentKind = "action";
      trace.line(now, "sim", "action " + a.what());
      a.run();
      return;
    }
    Slot slot = e.slot;
    if (e.kind == DELIVER) {
      if (!slot.node.up) {
        drop("down", e.fromName, slot, (Message) e.payload, e.sentAt);
        return;
      }
      if (!cut.isEmpty()
          && !slot.node.id.equals(e.from.node())
          && cut.contains(new SimLink(e.from.node(), slot.node.id))) {
        drop("partition", e.fromName, slot, (Message) e.payload, e.sentAt);
        return;
      }
    } else if (e.incarnation != slot.incarnation || !slot.node.up) {
      return; // a timer, start or sync of an incarnation that crashed: it never happens
    }
    if (e.kind == SYNC_DONE) {
      slot.disk.completeSync();
      slot.syncing = false;
      trace.line(now, slot.name, "synced");
      release(slot, (Effects) e.payload);
      redeliverDeferred(slot);
      return;
    }
    if (slot.node.paused || slot.syncing) {
      if (slot.deferred.size() >= config.deferredEventsMax()) {
        countDrop("inbox-full");
        return;
      }
      slot.deferred.add(e);
      return;
    }
    runStep(slot, e);
  }

  private void runStep(Slot slot, Event e) {
    SimEnv env = slot.env;
    Process p = slot.process;
    if (e.kind == DELIVER) {
      messagesDelivered++;
      Message m = (Message) e.payload;
      currentEvent = slot.name;
      currentKind = "recv";
      trace.message(now, slot.name, "recv", e.fromName, describe(m), m, e.sentAt);
      env.inStep = true;
      p.onMessage(e.from, m);
    } else if (e.kind == TIMER) {
      Timer t = (Timer) e.payload;
      currentEvent = slot.name;
      currentKind = "timer";
      trace.line(
          now,
          slot.name,
          "timer",
          config.traceMessageBodies() ? t.toString() : t.getClass().getSimpleName(),
          null);
      env.inStep = true;
      p.onTimer(t);
    } else if (e.kind == START) {
      currentEvent = slot.name;
      currentKind = "start";
      trace.line(now, slot.name, "start " + slot.incarnation);
      env.inStep = true;
      p.onStart();
    } else {
      throw new IllegalStateException("unknown event kind " + e.kind);
    }
    env.inStep = false;
    boolean sync = slot.disk.takeSyncRequest();
    p.checkInvariants();
    for (int i = 0; i < observers.size(); i++) observers.get(i).afterStep(slot.address, p);
    if (sync) {
      Effects held =
          new Effects(
              new ArrayList<>(env.sendTo),
              new ArrayList<>(env.sendMessages),
              java.util.Arrays.copyOf(env.timerDelays, env.timers.size()),
              new ArrayList<>(env.timers));
      clearEffects(env);
      if (config.fsyncLatencyNanos() == 0) {
        slot.disk.completeSync();
        release(slot, held);
      } else {
        slot.syncing = true;
        schedule(now + config.fsyncLatencyNanos(), SYNC_DONE, slot, null, held);
      }
    } else {
      for (int i = 0; i < env.sendTo.size(); i++)
        transmit(slot.address, slot.name, env.sendTo.get(i), env.sendMessages.get(i));
      for (int i = 0; i < env.timers.size(); i++)
        schedule(now + env.timerDelays[i], TIMER, slot, null, env.timers.get(i));
      clearEffects(env);
    }
  }

  private static void clearEffects(SimEnv env) {
    env.sendTo.clear();
    env.sendMessages.clear();
    env.timers.clear();
  }

  private void release(Slot slot, Effects eff) {
    for (int i = 0; i < eff.to().size(); i++)
      transmit(slot.address, slot.name, eff.to().get(i), eff.messages().get(i));
    for (int i = 0; i < eff.timers().size(); i++)
      schedule(now + eff.delays()[i], TIMER, slot, null, eff.timers().get(i));
  }

  private void redeliverDeferred(Slot slot) {
    // Re-queued at the current time in their original order: later sequence numbers preserve it.
    while (!slot.deferred.isEmpty()) {
      Event d = slot.deferred.poll();
      d.time = now;
      d.seq = seq++;
      queue.add(d);
    }
  }

  private String describe(Message m) {
    return config.traceMessageBodies() ? m.toString() : m.getClass().getSimpleName();
  }

  private void transmit(Address from, Address to, Message m) {
    transmit(from, from.toString(), to, m);
  }

  private void transmit(Address from, String fromName, Address to, Message m) {
    messagesSent++;
    sentByType.computeIfAbsent(m.getClass(), k -> new long[1])[0]++;
    Slot target = slots.get(to);
    if (target == null) {
      countDrop("unknown-address");
      trace.message(now, fromName, "drop unknown-address", to.toString(), null, m, now);
      return;
    }
    if (from.node().equals(to.node())) {
      scheduleDelivery(now + config.localLatencyNanos(), target, from, fromName, m);
      return;
    }
    SimLink link = cut.isEmpty() && links.isEmpty() ? null : new SimLink(from.node(), to.node());
    if (link != null && cut.contains(link)) {
      drop("partition", fromName, target, m, now);
      return;
    }
    LinkConfig lc = link == null ? defaultLink : links.getOrDefault(link, defaultLink);
    if (lc.lossProbability() > 0 && network.chance(lc.lossProbability())) {
      drop("loss", fromName, target, m, now);
      return;
    }
    long wide = regionOf.isEmpty() ? 0 : wideAreaDelay(from.node(), to.node());
    scheduleDelivery(now + wide + delay(lc), target, from, fromName, m);
    if (lc.duplicateProbability() > 0 && network.chance(lc.duplicateProbability())) {
      countDrop("duplicated");
      scheduleDelivery(now + wide + delay(lc), target, from, fromName, m);
    }
  }

  /**
   * The wide-area part of a message's delay: nothing within a region (or for an unplaced node),
   * else a sample of the latency between the two regions, on top of the link's own.
   */
  private long wideAreaDelay(NodeId from, NodeId to) {
    String a = regionOf.get(from);
    String b = regionOf.get(to);
    if (a == null || b == null || a.equals(b)) return 0;
    return betweenRegions.get(regionPair(a, b)).sampleNanos(network);
  }

  private static String regionPair(String a, String b) {
    return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
  }

  /**
   * Places nodes in regions: a message between nodes of two different regions takes, on top of its
   * link's latency (the local network's, and any delay fault), a sample of the latency between
   * those regions. Called before the run starts; the link faults stay independent of it.
   *
   * @param regionOf each placed node's region
   * @param between the one-way latency of every pair of distinct regions used, keyed by either
   *     order ({@code "us|eu"} or {@code "eu|us"})
   * @throws IllegalArgumentException if a pair of regions used has no latency
   */
  public void setRegions(Map<NodeId, String> regionOf, Map<List<String>, Latency> between) {
    this.regionOf.clear();
    this.betweenRegions.clear();
    between.forEach((pair, l) -> betweenRegions.put(regionPair(pair.get(0), pair.get(1)), l));
    TreeSet<String> regions = new TreeSet<>(regionOf.values());
    for (String a : regions)
      for (String b : regions)
        if (a.compareTo(b) < 0 && !betweenRegions.containsKey(regionPair(a, b)))
          throw new IllegalArgumentException("no latency between regions " + a + " and " + b);
    this.regionOf.putAll(regionOf);
    trace.line(now, "net", "regions " + new TreeMap<>(regionOf));
  }

  private long delay(LinkConfig lc) {
    long d = lc.latency().sampleNanos(network);
    if (network.chance(lc.reorderProbability())) d += network.between(0, lc.reorderDelayNanosMax());
    return d;
  }

  /** A message lost on its way to {@code to}: here, now; it was sent at {@code sentAt}. */
  private void drop(String reason, String fromName, Slot to, Message m, long sentAt) {
    countDrop(reason);
    trace.message(
        now, to.name, "drop " + reason, fromName, m.getClass().getSimpleName(), m, sentAt);
  }

  private void countDrop(String reason) {
    drops.merge(reason, 1L, Long::sum);
  }

  // ---------------------------------------------------------------- statistics

  /** Counters of the run so far. */
  public record Stats(
      long events,
      long messagesSent,
      long messagesDelivered,
      long virtualNanos,
      long trueTimeLies,
      TreeMap<String, Long> drops,
      TreeMap<String, Long> messagesByType) {}

  public Stats stats() {
    TreeMap<String, Long> byType = new TreeMap<>();
    sentByType.forEach((type, n) -> byType.merge(messageTypeName(type), n[0], Long::sum));
    return new Stats(
        events, messagesSent, messagesDelivered, now, trueTimeLies, new TreeMap<>(drops), byType);
  }

  /** {@code RaftMessage.AppendEntries} for a nested record, else the simple name. */
  private static String messageTypeName(Class<?> type) {
    Class<?> outer = type.getEnclosingClass();
    return outer == null
        ? type.getSimpleName()
        : outer.getSimpleName() + "." + type.getSimpleName();
  }

  // ---------------------------------------------------------------- SimControl

  @Override
  public Set<NodeId> nodes() {
    return Collections.unmodifiableSet(new TreeSet<>(nodes.keySet()));
  }

  private SimNode node(NodeId id) {
    SimNode n = nodeIndex.get(id);
    if (n == null) throw new IllegalArgumentException("unknown node " + id);
    return n;
  }

  @Override
  public void crash(NodeId id) {
    SimNode n = node(id);
    if (!n.up) return;
    trace.line(now, id.toString(), "crash");
    n.up = false;
    n.paused = false;
    for (Slot s : n.slots) {
      s.incarnation++;
      s.process = null;
      s.env = null;
      s.syncing = false;
      s.deferred.clear();
      s.disk.crash();
    }
  }

  @Override
  public void restart(NodeId id) {
    SimNode n = node(id);
    if (n.up) return;
    trace.line(now, id.toString(), "restart");
    n.up = true;
    for (Slot s : n.slots) {
      s.incarnation++;
      instantiate(s);
    }
  }

  @Override
  public void pause(NodeId id) {
    SimNode n = node(id);
    if (!n.up || n.paused) return;
    trace.line(now, id.toString(), "pause");
    n.paused = true;
  }

  @Override
  public void resume(NodeId id) {
    SimNode n = node(id);
    if (!n.paused) return;
    trace.line(now, id.toString(), "resume");
    n.paused = false;
    for (Slot s : n.slots) if (!s.syncing) redeliverDeferred(s);
  }

  @Override
  public boolean isUp(NodeId id) {
    return node(id).up;
  }

  @Override
  public void cut(Set<SimLink> toCut) {
    for (SimLink l : new TreeSet<>(toCut)) {
      node(l.from());
      node(l.to());
      if (cut.add(l)) trace.line(now, "net", "cut " + l);
    }
  }

  @Override
  public void heal(Set<SimLink> toHeal) {
    for (SimLink l : new TreeSet<>(toHeal)) if (cut.remove(l)) trace.line(now, "net", "heal " + l);
  }

  @Override
  public void healAll() {
    if (!cut.isEmpty()) trace.line(now, "net", "heal-all");
    cut.clear();
  }

  @Override
  public Set<SimLink> cutLinks() {
    return Collections.unmodifiableSet(new TreeSet<>(cut));
  }

  @Override
  public void setDefaultLink(LinkConfig config) {
    trace.line(now, "net", "default-link " + config);
    defaultLink = config;
  }

  @Override
  public void setLink(SimLink link, LinkConfig config) {
    trace.line(now, "net", "link " + link + " " + config);
    links.put(link, config);
  }

  @Override
  public void resetLinks() {
    trace.line(now, "net", "reset-links");
    links.clear();
  }

  @Override
  public void setClockOffset(NodeId id, long offsetNanos) {
    SimNode n = node(id);
    trace.line(now, id.toString(), "clock-offset " + offsetNanos);
    n.clockFault = true;
    n.clock.setOffset(now, offsetNanos);
  }

  @Override
  public void setClockDrift(NodeId id, long driftPpm) {
    SimNode n = node(id);
    trace.line(now, id.toString(), "clock-drift " + driftPpm);
    n.clockFault = true;
    n.clock.setDriftPpm(now, driftPpm);
  }

  @Override
  public void stepClock(NodeId id, long deltaNanos) {
    SimNode n = node(id);
    trace.line(now, id.toString(), "clock-step " + deltaNanos);
    n.clockFault = true;
    n.clock.step(deltaNanos);
  }

  @Override
  public void strobeClock(NodeId id, long amplitudeNanos, long periodNanos, long durationNanos) {
    if (periodNanos <= 0 || durationNanos < 0)
      throw new IllegalArgumentException("strobe needs period > 0");
    node(id).clockFault = true;
    long flips = durationNanos / periodNanos;
    for (long i = 0; i < flips; i++) {
      long delta = i % 2 == 0 ? amplitudeNanos : -amplitudeNanos;
      schedule(now + (i + 1) * periodNanos, "strobe " + id, () -> stepClock(id, delta));
    }
  }

  @Override
  public void setEpsilon(EpsilonModel model) {
    trace.line(now, "sim", "epsilon " + model);
    epsilon = model;
    // Any ε other than the configured one is a fault: it may under-state the real uncertainty.
    epsilonFault = !model.equals(config.epsilon());
  }

  @Override
  public void clearClockFault(NodeId id) {
    SimNode n = node(id);
    trace.line(now, id.toString(), "clock-honest");
    n.clock.setOffset(now, n.honestOffsetNanos);
    n.clock.setDriftPpm(now, n.honestDriftPpm);
    n.clockFault = false;
  }

  /**
   * Sets a node's honest clock offset (local − true time): not a fault, just where this node's
   * clock sits within the bound. Scenarios use it to place clocks deliberately (servers ahead,
   * clients behind) instead of at random; TrueTime still lies if the offset exceeds ε.
   */
  public void setHonestClockOffset(NodeId id, long offsetNanos) {
    SimNode n = node(id);
    trace.line(now, id.toString(), "clock-honest-offset " + offsetNanos);
    n.honestOffsetNanos = offsetNanos;
    if (!n.clockFault) n.clock.setOffset(now, offsetNanos);
  }

  /** The uncertainty TrueTime reports right now (the current ε model at true time). */
  public long epsilonNanosNow() {
    return epsilon.epsilonNanos(now);
  }

  /** This node's clock error (local − true) right now. */
  public long clockErrorNanos(NodeId id) {
    return node(id).clock.errorNanos(now);
  }

  @Override
  public void schedule(long atNanos, String what, Runnable action) {
    if (atNanos < now)
      throw new IllegalArgumentException("cannot schedule in the past: " + atNanos + " < " + now);
    queue.add(
        new Event(atNanos, seq++, ACTION, null, null, null, new NamedAction(what, action), 0, 0));
  }

  private record NamedAction(String what, Runnable action) implements Runnable {
    @Override
    public void run() {
      action.run();
    }
  }
}
