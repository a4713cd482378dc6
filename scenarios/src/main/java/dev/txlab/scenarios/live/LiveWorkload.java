package dev.txlab.scenarios.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.txlab.checker.CheckResult;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvOp;
import dev.txlab.scenarios.run.Check;
import dev.txlab.scenarios.run.RunChecks;
import dev.txlab.scenarios.workload.RegisterDriver;
import dev.txlab.scenarios.workload.TxnDriver;
import dev.txlab.scenarios.workload.WorkloadDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The live host's adapter for a workload: client threads against a live cluster, driven by the
 * run's {@link WorkloadDriver} — the same one the simulator uses, which picks the operations and
 * records what the clients observe as a Jepsen history, here with wall-clock times (nanoseconds
 * since the workload started). What is live's own is the transport: a {@code register} operation
 * goes over the single-key API, a transaction ({@code list-append}, {@code rw-register}, {@code
 * bank}) over {@code POST /txn}, and each reply becomes an outcome.
 *
 * <p>Fixed concurrency: each client is a thread with one request in flight, paced so that all of
 * them together issue {@code rate} operations per second (fewer if the cluster is slower). A client
 * talks to one node and moves to the next when its node refuses connections. Outcomes are recorded
 * as Jepsen does: {@code :ok}; {@code :fail} only when the operation definitely did not happen
 * (connection refused, the node said so, a compare-and-set that found another value, an abort);
 * {@code :info} otherwise (a timeout, a 504, a connection cut mid-request) — after which the client
 * continues as a new process.
 *
 * <p>Keys are fresh for every run (numbered from the wall clock at the start), so values left in
 * the cluster by earlier runs are never read as if this run had written them.
 *
 * <p>Faults applied while the workload ran — by {@code txlab chaos} or a scenario's schedule — are
 * read back from {@code faults.jsonl} and merged in at their own times as {@code :nemesis}
 * operations.
 */
public final class LiveWorkload {
  /**
   * @param rate operations per second, all clients together (0: as fast as they go)
   * @param timeout how long a client waits for one answer before recording {@code :info}
   */
  public record Spec(
      String name,
      int rate,
      Duration duration,
      int clients,
      Duration timeout,
      int keysPerShard,
      int activeKeys,
      int writesPerKey,
      int txnLengthMax,
      List<String> consistency,
      int accounts,
      long initialBalance) {
    public Spec {
      consistency = List.copyOf(consistency);
      if (!WorkloadDriver.NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown workload " + name);
      }
      if (rate < 0
          || clients < 1
          || duration.isNegative()
          || timeout.isNegative()
          || timeout.isZero()) {
        throw new IllegalArgumentException(
            "need rate >= 0, clients >= 1, a duration and a timeout");
      }
    }

    /** What the workload's driver needs of these settings. */
    public WorkloadDriver.Spec driverSpec() {
      return new WorkloadDriver.Spec(
          name, keysPerShard, activeKeys, writesPerKey, txnLengthMax, accounts);
    }

    public static Spec defaults(String name) {
      return new Spec(
          name,
          200,
          Duration.ofSeconds(30),
          10,
          Duration.ofSeconds(10),
          2,
          5,
          32,
          4,
          name.equals("register") ? List.of() : List.of("strict-serializable"),
          8,
          10);
    }

    public Spec withBank(int accounts, long initialBalance) {
      return new Spec(
          name,
          rate,
          duration,
          clients,
          timeout,
          keysPerShard,
          activeKeys,
          writesPerKey,
          txnLengthMax,
          consistency,
          accounts,
          initialBalance);
    }

    public Spec withLoad(int rate, Duration duration, int clients) {
      return new Spec(
          name,
          rate,
          duration,
          clients,
          timeout,
          keysPerShard,
          activeKeys,
          writesPerKey,
          txnLengthMax,
          consistency,
          accounts,
          initialBalance);
    }

    public Spec withConsistency(List<String> models) {
      return new Spec(
          name,
          rate,
          duration,
          clients,
          timeout,
          keysPerShard,
          activeKeys,
          writesPerKey,
          txnLengthMax,
          models,
          accounts,
          initialBalance);
    }

    public Spec withTxnShape(int activeKeys, int writesPerKey, int txnLengthMax) {
      return new Spec(
          name,
          rate,
          duration,
          clients,
          timeout,
          keysPerShard,
          activeKeys,
          writesPerKey,
          txnLengthMax,
          consistency,
          accounts,
          initialBalance);
    }

    /** The register workload's keys: {@code keysPerShard} of each shard. */
    public Spec withKeysPerShard(int keysPerShard) {
      return new Spec(
          name,
          rate,
          duration,
          clients,
          timeout,
          keysPerShard,
          activeKeys,
          writesPerKey,
          txnLengthMax,
          consistency,
          accounts,
          initialBalance);
    }

    public Spec withTimeout(Duration timeout) {
      return new Spec(
          name,
          rate,
          duration,
          clients,
          timeout,
          keysPerShard,
          activeKeys,
          writesPerKey,
          txnLengthMax,
          consistency,
          accounts,
          initialBalance);
    }
  }

  /** One fault from {@code faults.jsonl}, at its time relative to the workload's start. */
  public record FaultRecord(
      long atNanos, String f, String fault, boolean applied, String summary) {}

  /**
   * When one client's next operation is due, at the spec's rate shared by its clients. Clients
   * start spread over one interval, so they do not all fire together; a client that falls behind (a
   * slow operation) catches up by at most one interval, not by a burst.
   */
  public static final class Pacer {
    private final long intervalNanos;
    private long next;

    /**
     * Client {@code index} of {@code spec}'s clients, whose workload started at {@code startNanos}.
     */
    public Pacer(Spec spec, int index, long startNanos) {
      this.intervalNanos = spec.rate() == 0 ? 0 : (long) (1e9 * spec.clients() / spec.rate());
      this.next = startNanos + (intervalNanos == 0 ? 0 : intervalNanos * index / spec.clients());
    }

    /**
     * Waits until the next operation is due; returns false, without waiting further, once {@code
     * stopping} says so.
     */
    public boolean awaitTurn(java.util.function.BooleanSupplier stopping) {
      while (!stopping.getAsBoolean()) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LiveCluster.sleep(Math.max(1, Math.min(100, wait / 1_000_000)));
          continue;
        }
        next = Math.max(next + intervalNanos, System.nanoTime() - intervalNanos);
        return true;
      }
      return false;
    }
  }

  /** What a workload produced, checked. */
  public record Result(
      History history,
      Map<String, Check> checks,
      CheckResult primary,
      Map<String, Double> metrics,
      List<FaultRecord> faults,
      long startWallNanos,
      double runSeconds,
      double checkSeconds) {
    public Validity validity() {
      Validity v = Validity.VALID;
      for (Check c : checks.values()) {
        v = v.worse(c.validity());
      }
      return v;
    }
  }

  private final LiveCluster cluster;
  private final Spec spec;
  private final String runId;
  private final long keyBase;
  private final Object lock = new Object();

  /** Its generator and recorder are not thread safe: clients use them holding {@link #lock}. */
  private final WorkloadDriver driver;

  private final Histogram latencyMicros = new Histogram(60_000_000L, 3);
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;
  private long startNanos;
  private long startWallNanos;
  private long stopNanos;

  public LiveWorkload(LiveCluster cluster, Spec spec) {
    this.cluster = cluster;
    this.spec = spec;
    long wall = System.currentTimeMillis();
    this.runId = Long.toString(wall, 36);
    // Fresh keys per run: far apart from any earlier run's (runs start at least a millisecond
    // apart).
    this.keyBase = wall * 1000;
    List<String> clientIds = new ArrayList<>();
    for (int i = 1; i <= spec.clients(); i++) {
      clientIds.add("c" + i);
    }
    this.driver =
        WorkloadDriver.create(spec.driverSpec(), cluster.shardMap(), keyBase, this::now, clientIds);
    boolean transactional = driver.spec().transactional();
    if (transactional && !cluster.transactional()) {
      throw new IllegalArgumentException(
          "the '"
              + spec.name()
              + "' workload needs transactional nodes; this cluster runs "
              + cluster.file().protocol()
              + " (single-key nodes): use the register workload");
    }
    if (!transactional && cluster.transactional()) {
      throw new IllegalArgumentException(
          "the register workload uses the single-key API of raft-kv nodes; this cluster runs "
              + cluster.file().protocol()
              + " (transactional nodes): use list-append, rw-register or bank, or start a cluster"
              + " with --protocol raft-kv");
    }
  }

  private long now() {
    return System.nanoTime() - startNanos;
  }

  /** Starts the clients. */
  public void start() {
    activeAtStart = activeFaults(cluster);
    startNanos = System.nanoTime();
    startWallNanos = LiveNemesis.wallNanos();
    List<String> nodes = cluster.nodes();
    for (int i = 0; i < spec.clients(); i++) {
      int index = i;
      Thread t = new Thread(() -> clientLoop(index, nodes), "txlab-client-c" + (i + 1));
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /** Runs the workload for its duration, then stops it. */
  public void runFor(Duration d) {
    long end = startNanos + d.toNanos();
    while (System.nanoTime() < end) {
      LiveCluster.sleep(Math.max(1, Math.min(200, (end - System.nanoTime()) / 1_000_000)));
    }
  }

  /** Stops issuing operations and waits for those in flight (at most a timeout). */
  public void stop() {
    stopping = true;
    synchronized (lock) {
      driver.stop();
    }
    long deadline = System.nanoTime() + spec.timeout().toNanos() + 2_000_000_000L;
    for (Thread t : threads) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      try {
        t.join(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    stopNanos = System.nanoTime();
  }

  /** The completions so far, by outcome. */
  public WorkloadDriver.Tally tally() {
    synchronized (lock) {
      return driver.tally();
    }
  }

  /**
   * Waits until at least {@code more} operations complete ok after this call, or {@code max}
   * passes; returns whether they did. Tests and probes use it after a heal or restart instead of a
   * fixed sleep, so a slow machine (a JVM restarting, an election) still sees the cluster make
   * progress before the run ends, and a fast one does not wait longer than it needs.
   */
  public boolean awaitOk(long more, Duration max) {
    long target = tally().ok() + more;
    long deadline = System.nanoTime() + max.toNanos();
    while (tally().ok() < target) {
      if (System.nanoTime() >= deadline) return false;
      LiveCluster.sleep(50);
    }
    return true;
  }

  /** Runs for {@code d}, telling {@code progress} a line every {@code everyNanos}. */
  public void runFor(Duration d, long everyNanos, java.util.function.Consumer<String> progress) {
    long end = startNanos + d.toNanos();
    long nextReport = startNanos + everyNanos;
    while (System.nanoTime() < end) {
      LiveCluster.sleep(Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
      if (System.nanoTime() >= nextReport && System.nanoTime() < end) {
        WorkloadDriver.Tally t = tally();
        progress.accept(
            String.format(
                java.util.Locale.ROOT,
                "  %5.1fs  %,d ok  %,d fail  %,d info",
                (System.nanoTime() - startNanos) / 1e9,
                t.ok(),
                t.fail(),
                t.info()));
        nextReport += everyNanos;
      }
    }
  }

  public long startWallNanos() {
    return startWallNanos;
  }

  /** Nanoseconds since the workload started. */
  public long elapsedNanos() {
    return System.nanoTime() - startNanos;
  }

  private void clientLoop(int index, List<String> nodes) {
    String client = "c" + (index + 1);
    String wireClient = client + "-" + runId;
    RandomSource random = new RandomSource(keyBase + index * 7919L);
    Pacer pacer = new Pacer(spec, index, startNanos);
    int nodeIndex = index % nodes.size();
    long seq = 0;
    while (pacer.awaitTurn(() -> stopping)) {
      NodeApi api = cluster.api(nodes.get(nodeIndex));
      long s = ++seq;
      boolean refused =
          driver.match(
              r -> register(r, api, client, random, s),
              t -> txn(t, api, index, client, wireClient, random, s));
      if (refused) {
        nodeIndex = (nodeIndex + 1) % nodes.size();
      }
    }
  }

  /**
   * One single-key operation over the node's key-value API; returns true when the node refused the
   * connection.
   */
  private boolean register(
      RegisterDriver d, NodeApi api, String client, RandomSource random, long seq) {
    KvOp op;
    synchronized (lock) {
      op = d.operations().next(random);
      if (op == null) {
        return false; // stopped
      }
      d.observer().invoked(client, seq, op);
    }
    long t0 = System.nanoTime();
    NodeApi.Reply r;
    String path = NodeApi.kvPath(op.key());
    if (op instanceof KvOp.Get) {
      r = api.get(path, spec.timeout());
    } else if (op instanceof KvOp.Put) {
      r = api.put(path, Map.of("value", ((KvOp.Put) op).value()), spec.timeout());
    } else {
      KvOp.Cas c = (KvOp.Cas) op;
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("expected", c.expected());
      body.put("value", c.value());
      r = api.post(path + "/cas", body, spec.timeout());
    }
    ClientObserver.Outcome outcome;
    String value = null;
    if (r.ok()) {
      outcome = ClientObserver.Outcome.OK;
      JsonNode v = r.body() == null ? null : r.body().get("value");
      value = v == null || v.isNull() ? null : v.asText();
    } else if (op instanceof KvOp.Get || definite(r)) {
      // A read has no effect, so a read without an answer may be recorded as not having happened.
      outcome = ClientObserver.Outcome.FAIL;
    } else {
      outcome = ClientObserver.Outcome.INFO;
    }
    synchronized (lock) {
      d.observer().completed(client, seq, op, outcome, value);
      if (r.ok())
        latencyMicros.recordValue(
            Math.min(latencyMicros.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
    }
    return r.notSent();
  }

  /**
   * Definitely not applied: never sent, or the node said so (a failed cas, busy, a 4xx, or {@code
   * definite: true}).
   */
  private static boolean definite(NodeApi.Reply r) {
    if (r.notSent()) return true;
    if (r.status() == 0) return false;
    if (r.status() == 409 || r.status() == 503) return true;
    JsonNode d = r.body() == null ? null : r.body().get("definite");
    return d != null && d.asBoolean(false);
  }

  /** One transaction over {@code POST /txn}; returns true when the node refused the connection. */
  private boolean txn(
      TxnDriver d,
      NodeApi api,
      int index,
      String client,
      String wireClient,
      RandomSource random,
      long seq) {
    List<MicroOp> ops;
    synchronized (lock) {
      ops = d.operations(index).next(random);
      if (ops == null) {
        return false; // stopped
      }
      d.observer().invoked(client, seq, ops);
    }
    List<List<Object>> wire = new ArrayList<>();
    for (MicroOp m : ops) {
      String f =
          m.kind() == MicroOp.Kind.APPEND ? "append" : m.kind() == MicroOp.Kind.WRITE ? "w" : "r";
      wire.add(
          java.util.Arrays.asList(
              f, m.key(), m.isWrite() ? (Object) Long.parseLong(m.value()) : null));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("client", wireClient);
    body.put("seq", seq);
    body.put("workload", d.checkerWorkload());
    body.put("ops", wire);
    long t0 = System.nanoTime();
    NodeApi.Reply r = api.post("/txn", body, spec.timeout());
    List<MicroOp> result = ops;
    ClientObserver.Outcome outcome;
    String cause = null;
    if (r.ok() && r.body() != null && "ok".equals(r.body().path("status").asText())) {
      outcome = ClientObserver.Outcome.OK;
      JsonNode effects = r.body().get("effects");
      // A protocol that says what took effect (a saga's steps and compensations) is recorded so.
      result = effects != null ? effects(effects) : withReads(ops, r.body().get("ops"));
    } else if (r.status() == 409 || r.notSent() || (r.status() != 504 && definite(r))) {
      outcome = ClientObserver.Outcome.FAIL;
      cause = r.body() == null ? r.describe() : r.body().path("cause").asText(r.describe());
    } else {
      outcome = ClientObserver.Outcome.INFO;
      cause = r.describe();
    }
    synchronized (lock) {
      d.observer().completed(client, seq, result, outcome, cause);
      if (outcome == ClientObserver.Outcome.OK) {
        latencyMicros.recordValue(
            Math.min(latencyMicros.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
      }
    }
    return r.notSent();
  }

  /** The writes a node said took effect ({@code "effects": [["append", key, value], …]}). */
  private static List<MicroOp> effects(JsonNode effects) {
    List<MicroOp> out = new ArrayList<>();
    for (JsonNode e : effects) {
      String f = e.get(0).asText();
      String key = e.get(1).asText();
      long v = e.get(2).asLong();
      out.add(f.equals("append") ? MicroOp.append(key, v) : MicroOp.write(key, v));
    }
    return out;
  }

  /**
   * The issued micro-ops with each read's value from the answer (which lists ops in request order).
   */
  private static List<MicroOp> withReads(List<MicroOp> ops, JsonNode answer) {
    if (answer == null || !answer.isArray() || answer.size() != ops.size()) {
      throw new IllegalStateException(
          "a node answered ok with ops that do not match the request: " + answer);
    }
    List<MicroOp> out = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      MicroOp m = ops.get(i);
      if (m.isWrite()) {
        out.add(m);
        continue;
      }
      JsonNode v = answer.get(i).get(2);
      if (m.kind() == MicroOp.Kind.READ_LIST) {
        List<String> elements = new ArrayList<>();
        if (v != null && v.isArray()) v.forEach(e -> elements.add(Long.toString(e.asLong())));
        out.add(m.withValue(String.join(" ", elements)));
      } else {
        out.add(m.withValue(v == null || v.isNull() ? null : Long.toString(v.asLong())));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ checking

  /**
   * Merges the faults of the run's window into the history and checks it.
   *
   * @param healAtNanos time after which the cluster must make progress ({@code converged}), or -1
   *     to use the last fault of the window
   */
  public Result check(long healAtNanos) {
    long runEnd = stopNanos == 0 ? System.nanoTime() : stopNanos;
    List<FaultRecord> faults = new ArrayList<>();
    for (String text : activeAtStart) {
      // In force before the workload began (applied earlier with txlab chaos): recorded at time 0.
      faults.add(
          new FaultRecord(
              0, text.split(" ", 2)[0], text, true, text + " (active when the workload started)"));
    }
    faults.addAll(
        readFaults(cluster.dir(), startWallNanos, startWallNanos + (runEnd - startNanos)));
    return checked(
        driver,
        lock,
        spec,
        faults,
        healAtNanos,
        startWallNanos,
        (runEnd - startNanos) / 1e9,
        latencyMicros);
  }

  /**
   * A workload's history checked, whoever carried its operations (txlab's nodes, or a database):
   * the driver's events with the faults of the run's window merged in at their times, every check,
   * and the counts and figures.
   *
   * @param lock what the clients hold while they use the driver and the histogram
   * @param healAtNanos time after which the target must make progress ({@code converged}), or -1 to
   *     use the last fault of the window
   * @param seconds how long the workload ran
   */
  public static Result checked(
      WorkloadDriver driver,
      Object lock,
      Spec spec,
      List<FaultRecord> faults,
      long healAtNanos,
      long startWallNanos,
      double seconds,
      Histogram latencyMicros) {
    long healAt = healAtNanos;
    if (healAt < 0) {
      healAt = 0;
      for (FaultRecord f : faults) {
        if (f.applied()) healAt = Math.max(healAt, f.atNanos());
      }
    }
    List<Op> ops;
    Map<String, Double> counts;
    long okAfter;
    synchronized (lock) {
      ops = new ArrayList<>(driver.events());
      counts = driver.counts(healAt);
      okAfter = driver.okAfter(healAt);
    }
    // Nemesis operations at their own times, among the clients' in time order.
    List<Op> merged = new ArrayList<>(ops.size() + faults.size());
    int fi = 0;
    for (Op op : ops) {
      while (fi < faults.size() && faults.get(fi).atNanos() <= op.timeNanos()) {
        merged.addAll(nemesisOps(faults.get(fi++)));
      }
      merged.add(op);
    }
    while (fi < faults.size()) {
      merged.addAll(nemesisOps(faults.get(fi++)));
    }
    List<Op> indexed = new ArrayList<>(merged.size());
    for (int i = 0; i < merged.size(); i++) {
      Op o = merged.get(i);
      indexed.add(new Op(i, o.timeNanos(), o.process(), o.type(), o.f(), o.value(), o.extra()));
    }
    History history;
    try {
      history = History.of("history.edn", indexed);
    } catch (HistoryException e) {
      throw new IllegalStateException(
          "the live recorder wrote an inconsistent history: " + e.getMessage(), e);
    }
    long checkStart = System.nanoTime();
    RunChecks.Subject subject =
        RunChecks.Subject.of(driver.spec(), spec.consistency(), spec.initialBalance());
    RunChecks.Result checked =
        RunChecks.check(
            subject,
            history,
            okAfter,
            healAtNanos >= 0 || !faults.isEmpty() ? "after the last fault ended" : "");
    Map<String, Check> checks = checked.checks();
    CheckResult primary = checked.primary();
    Map<String, Double> bankFigures = checked.figures();
    double checkSeconds = (System.nanoTime() - checkStart) / 1e9;

    Map<String, Double> metrics = new TreeMap<>(counts);
    String unit = driver.unit();
    double ok = counts.get(unit + "_ok");
    metrics.put(unit + "_ok_per_s", Math.round(ok / Math.max(seconds, 1e-9) * 10) / 10.0);
    if (driver.spec().transactional()) {
      // As the simulator counts them: read-write transactions acknowledged as committed.
      long commits = 0;
      for (Op o : ops) {
        if (o.type() == OpType.OK && writes(o.value())) commits++;
      }
      metrics.put("commits", (double) commits);
    }
    synchronized (lock) {
      if (latencyMicros.getTotalCount() > 0) {
        metrics.put("latency_ms_p50", latencyMicros.getValueAtPercentile(50) / 1000.0);
        metrics.put("latency_ms_p99", latencyMicros.getValueAtPercentile(99) / 1000.0);
        metrics.put("latency_ms_max", latencyMicros.getMaxValue() / 1000.0);
      }
    }
    metrics.putAll(bankFigures);
    long applied = faults.stream().filter(FaultRecord::applied).count();
    metrics.put("faults_applied", (double) applied);
    return new Result(
        history, checks, primary, metrics, faults, startWallNanos, seconds, checkSeconds);
  }

  /**
   * A fault as Jepsen writes it: an :info pair with the same :f, the second carrying what it did.
   */
  private static List<Op> nemesisOps(FaultRecord f) {
    return List.of(
        new Op(0, f.atNanos(), Op.NEMESIS, OpType.INFO, f.f(), null),
        new Op(0, f.atNanos(), Op.NEMESIS, OpType.INFO, f.f(), f.summary()));
  }

  private List<String> activeAtStart = List.of();

  /**
   * The faults in force on the cluster right now, in the chaos text forms: nodes that are down
   * ({@code kill n3}) and the link and clock faults the nodes report (a partition once, whichever
   * node reports it). Phase-triggered kills that are armed are left out: they have not happened.
   */
  static List<String> activeFaults(LiveCluster cluster) {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    java.util.Set<java.util.Set<java.util.Set<String>>> partitions = new java.util.HashSet<>();
    for (LiveCluster.NodeStatus st : cluster.status()) {
      if (!st.alive()) {
        out.add("kill " + st.node());
        continue;
      }
      if (st.status() == null || !st.status().has("faults")) {
        continue;
      }
      for (com.fasterxml.jackson.databind.JsonNode f : st.status().get("faults")) {
        String text = f.asText();
        if (text.startsWith("kill-after ")) {
          continue;
        }
        if (text.startsWith("partition ")) {
          java.util.Set<java.util.Set<String>> groups = new java.util.HashSet<>();
          for (String g : text.substring("partition ".length()).split("\\|")) {
            groups.add(new java.util.TreeSet<>(List.of(g.split(","))));
          }
          if (!partitions.add(groups)) {
            continue; // the same partition, as another node words it
          }
        }
        out.add(text);
      }
    }
    return List.copyOf(out);
  }

  /** The faults of {@code faults.jsonl} applied between two wall times, relative to the first. */
  public static List<FaultRecord> readFaults(Path dir, long fromWallNanos, long toWallNanos) {
    Path file = dir.resolve(ClusterFile.FAULTS);
    List<FaultRecord> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
    for (String line : lines) {
      if (line.isBlank()) continue;
      JsonNode j;
      try {
        j = ClusterFile.json().readTree(line);
      } catch (IOException e) {
        continue; // a line cut short by a crash of the chaos command: it names no complete fault
      }
      long t = j.path("time_ns").asLong(-1);
      if (t < fromWallNanos || t > toWallNanos) continue;
      out.add(
          new FaultRecord(
              t - fromWallNanos,
              j.path("f").asText("fault"),
              j.path("fault").asText(),
              j.path("applied").asBoolean(true),
              j.path("summary").asText(j.path("fault").asText())));
    }
    out.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
    return Collections.unmodifiableList(out);
  }

  /** Whether a transaction's micro-ops include a write ({@code :append} or {@code :w}). */
  private static boolean writes(Object value) {
    if (!(value instanceof List<?> mops)) return false;
    for (Object m : mops) {
      if (m instanceof List<?> mop
          && !mop.isEmpty()
          && !String.valueOf(mop.get(0)).equals(":r")
          && !(mop.get(0) instanceof dev.txlab.checker.history.Keyword k && k.name().equals("r"))) {
        return true;
      }
    }
    return false;
  }
}
