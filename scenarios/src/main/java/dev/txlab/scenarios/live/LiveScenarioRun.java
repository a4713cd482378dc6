package dev.txlab.scenarios.live;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.chaos.schedule.Schedule;
import dev.txlab.scenarios.run.Expectation;
import dev.txlab.scenarios.run.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A scenario run for real: a cluster of the scenario's shape and knobs started in a directory of
 * its own, the scenario's workload driven for {@code duration} while its fault schedule is applied
 * at the planned wall-clock moments (through the same {@link LiveNemesis} as {@code txlab chaos}),
 * the final heal, {@code converge} more of the workload, and then the cluster stopped — with no
 * process left — before the history is checked.
 *
 * <p>What the live host cannot reproduce is said, not faked: the simulated network's latency and
 * loss settings and simulated clock bounds. A kill at a protocol phase ({@code kill coordinator
 * after prepare}) arms the coordinator's node, which halts itself when the phase comes. Protocol
 * metrics are read from the nodes before they stop; expectations on what only the simulator
 * measures (Raft safety monitors, simulated message counts) are listed as not measured.
 */
public final class LiveScenarioRun {
  /**
   * Whether the live nodes take knob {@code name} as a flag: the node's own flags say (a
   * transactional node takes every knob its hosted protocols declare); the rest are simulator-only,
   * and the run says so.
   */
  private static boolean nodeTakes(String name, boolean transactional) {
    if (name.equals("fsync")) {
      return false; // the cluster's own setting, given when it starts
    }
    return (transactional
            ? dev.txlab.coordinator.live.LiveTxnNode.FLAGS
            : dev.txlab.node.live.LiveNode.FLAGS)
        .contains(name);
  }

  /**
   * What a live scenario run produced.
   *
   * @param findings what the run found beside the history, by heading, one line each (a CDC run's
   *     divergent keys), for the report and results.json
   * @param timeSeries quantities measured over the run's time (a CDC run's retained WAL), plotted
   *     next to the fault bands
   */
  public record Outcome(
      LiveWorkload.Result result,
      List<String> notes,
      LiveCluster.StopReport stop,
      Path clusterDir,
      Map<String, Long> pids,
      Map<String, List<String>> findings,
      List<dev.txlab.coordinator.protocol.TimeSeries> timeSeries) {
    public Outcome {
      findings = Map.copyOf(findings);
      timeSeries = List.copyOf(timeSeries);
    }

    /** An outcome with nothing measured beside the history. */
    public Outcome(
        LiveWorkload.Result result,
        List<String> notes,
        LiveCluster.StopReport stop,
        Path clusterDir,
        Map<String, Long> pids) {
      this(result, notes, stop, clusterDir, pids, Map.of(), List.of());
    }
  }

  private LiveScenarioRun() {}

  /**
   * The expectations the live host can evaluate (verdicts, checks, anomalies, and metrics it
   * measures).
   */
  public static boolean measurable(Expectation e, Scenario s) {
    boolean transactional = s.transactional();
    List<String> nodeMetrics =
        dev.txlab.coordinator.protocol.ProtocolRegistry.get(s.protocol()).liveNodeMetrics();
    String metric = e.metric();
    if (metric == null) {
      return true;
    }
    String unit = transactional ? "txns" : "ops";
    return metric.startsWith(unit)
        || metric.equals("faults_applied")
        || metric.startsWith("latency_ms_")
        || metric.startsWith("bank_")
        || nodeMetrics.stream().anyMatch(metric::startsWith)
        || (transactional && metric.equals("commits"));
  }

  /**
   * A cluster with a node process that is not running at the end has not converged, whatever the
   * clients managed meanwhile (a majority serves without it): the {@code converged} check says so,
   * naming the nodes.
   */
  public static LiveWorkload.Result notConvergedIfDown(LiveWorkload.Result r, List<String> down) {
    if (down.isEmpty() || !r.checks().containsKey("converged")) {
      return r;
    }
    Map<String, dev.txlab.scenarios.run.Check> checks = new java.util.LinkedHashMap<>(r.checks());
    dev.txlab.scenarios.run.Check c = checks.get("converged");
    checks.put(
        "converged",
        new dev.txlab.scenarios.run.Check(
            dev.txlab.checker.Validity.INVALID,
            List.of("node-down-at-end"),
            "not converged: "
                + String.join(", ", down)
                + (down.size() == 1 ? " is" : " are")
                + " down at the end ("
                + c.summary()
                + ")"));
    return new LiveWorkload.Result(
        r.history(),
        checks,
        r.primary(),
        r.metrics(),
        r.faults(),
        r.startWallNanos(),
        r.runSeconds(),
        r.checkSeconds());
  }

  /**
   * The metrics the cluster's protocol says its live nodes measure inside themselves ({@code GET
   * /admin/status}'s {@code metrics}; {@link
   * dev.txlab.coordinator.protocol.Protocol#liveNodeMetrics}), read just before the cluster stops:
   * the cluster-wide figure is the maximum over the nodes that answer (every replica of a shard
   * sees the same in-doubt transaction; a node killed during the run restarted with empty figures).
   */
  public static Map<String, Double> nodeMetrics(LiveCluster cluster) {
    List<String> wanted =
        dev.txlab.coordinator.protocol.ProtocolRegistry.get(cluster.file().protocol())
            .liveNodeMetrics();
    Map<String, Double> out = new java.util.TreeMap<>();
    for (LiveCluster.NodeStatus st : cluster.status()) {
      if (st.status() == null || !st.status().has("metrics")) {
        continue;
      }
      st.status()
          .get("metrics")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isNumber() && wanted.stream().anyMatch(e.getKey()::startsWith)) {
                  out.merge(e.getKey(), e.getValue().asDouble(), Math::max);
                }
              });
    }
    return out;
  }

  /** How long a run waits, after its workload stopped, for the protocol's own checks to hold. */
  static final Duration AUDIT_PATIENCE = Duration.ofSeconds(20);

  /** A state that told the same this long has settled: waiting longer would not change it. */
  static final Duration AUDIT_SETTLED = Duration.ofSeconds(3);

  /**
   * The protocol's checks of its own state and the figures it shows ({@link
   * dev.txlab.coordinator.protocol.Protocol#liveAudit}), on what the running nodes' processes tell
   * ({@link LiveCluster#probes}); empty for a protocol with none. Work still in flight when the
   * workload stopped (a saga between its steps) finishes on its own, so the state is read again,
   * every half second, until every check holds, or the readings stay the same for {@link
   * #AUDIT_SETTLED} (a state that no longer changes: a double charge stays one), or {@code
   * patience} passes; what is reported is the last reading, so a check that never comes to hold is
   * reported as it stands then.
   */
  public static java.util.Optional<dev.txlab.coordinator.protocol.LiveAudit> audit(
      LiveCluster cluster, dev.txlab.coordinator.protocol.Protocol protocol, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    java.util.Optional<dev.txlab.coordinator.protocol.LiveAudit> last = java.util.Optional.empty();
    long sameSince = System.nanoTime();
    while (true) {
      java.util.Optional<dev.txlab.coordinator.protocol.LiveAudit> a =
          protocol.liveAudit(cluster.probes());
      long now = System.nanoTime();
      if (!a.equals(last)) {
        sameSince = now;
      }
      last = a;
      if (a.isEmpty()
          || a.get().allValid()
          || now - sameSince >= AUDIT_SETTLED.toNanos()
          || now >= deadline) {
        return a;
      }
      LiveCluster.sleep(500);
    }
  }

  /**
   * Whether the live host can run {@code protocol}: live nodes host it, or it has a live target of
   * its own (a real server such as PostgreSQL). The one test {@code run --host live} and {@code
   * compare --host live} both make before starting anything.
   */
  public static boolean hosts(dev.txlab.coordinator.protocol.Protocol protocol) {
    return protocol.runsLive() || LiveTarget.forProtocol(protocol.name()).isPresent();
  }

  /**
   * Runs {@code s} (already reduced to measurable expectations by the caller) on a fresh live
   * cluster in {@code clusterDir}.
   */
  public static Outcome run(Scenario s, long seed, Path clusterDir, Consumer<String> progress)
      throws LiveException {
    dev.txlab.coordinator.protocol.Protocol protocol =
        dev.txlab.coordinator.protocol.ProtocolRegistry.get(s.protocol());
    java.util.Optional<LiveTarget> target = LiveTarget.forProtocol(protocol.name());
    if (target.isPresent()) {
      return target.get().run(s, seed, clusterDir, progress);
    }
    if (s.transactional()
        && !dev.txlab.coordinator.live.LiveTxnNode.HOSTED.contains(protocol.name())) {
      throw new LiveException(
          "protocol "
              + protocol.name()
              + " runs on the simulator only; live nodes host "
              + String.join(", ", dev.txlab.coordinator.live.LiveTxnNode.HOSTED)
              + " (and raft-kv for single keys)");
    }
    List<String> notes = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    for (Map.Entry<String, String> k : s.knobs().entrySet()) {
      if (nodeTakes(k.getKey(), s.transactional())) {
        flags.add("--" + k.getKey());
        flags.add(k.getValue());
      } else if (!k.getKey().equals("fsync")) {
        notes.add(
            "knob "
                + k.getKey()
                + "="
                + k.getValue()
                + " is simulator-only; the live nodes use their defaults");
      }
    }
    if (s.network().loss() > 0 || s.network().duplicate() > 0 || s.network().reorder() > 0) {
      notes.add(
          "the scenario's simulated network (latency "
              + s.network().latency()
              + ", loss/duplicate/reorder) is not"
              + " applied: live nodes talk over real loopback TCP");
    }
    if (!s.network().regions().isEmpty()) {
      notes.add(
          "the scenario's regions and their latencies are simulated only; live nodes all run on"
              + " this machine");
    }
    notes.add(
        "clock bounds and TrueTime's epsilon model are simulated only; live nodes use the system clock with a fixed epsilon");
    if (!s.placement().isEmpty()) {
      notes.add(
          "the scenario's placement is simulator-only; live nodes place shard s on nodes s+1 … s+R");
    }
    for (String line : s.faults()) {
      if (line.contains(" after prepare") || line.contains(" after decide")) {
        notes.add(
            "'"
                + line
                + "': the coordinator's node is armed at the scheduled time and halts itself (a real crash)"
                + " the moment a coordinator there reaches the phase; the fault window is shaded from the arming");
      }
    }
    String fsync = s.knobs().getOrDefault("fsync", "always");
    LiveCluster.StartOptions o =
        LiveCluster.StartOptions.defaults(clusterDir)
            .withShape(s.nodes(), s.shards(), s.replicas())
            .withProtocol(s.protocol())
            .withFsync(fsync)
            .withNodeFlags(withParent(flags))
            .withTimeout(Duration.ofSeconds(120));
    Started started = startCluster(o, progress);
    LiveCluster cluster = started.cluster();
    Map<String, Long> pids = new java.util.TreeMap<>();
    LiveWorkload.Result result;
    LiveCluster.StopReport stop;
    try {
      Scenario.WorkloadSpec ws = s.workload();
      LiveWorkload.Spec spec = workloadSpec(s);
      List<FaultEvent> plan = plan(s, ClusterView.ofShape(cluster.nodes(), cluster.shards()), seed);
      for (LiveCluster.NodeStatus st : cluster.status()) {
        if (st.pid() != null) {
          pids.put(st.node(), st.pid());
        }
      }
      LiveWorkload w = new LiveWorkload(cluster, spec);
      dev.txlab.chaos.live.LiveNemesis nemesis =
          new dev.txlab.chaos.live.LiveNemesis(
              new ClusterControl(cluster), new SplittableRandom(seed));
      progress.accept(
          "cluster up; running "
              + ws.name()
              + " for "
              + seconds(s.duration())
              + " with "
              + plan.size()
              + " planned fault events, then "
              + seconds(s.converge())
              + " to converge");
      w.start();
      applyPlan(plan, w::elapsedNanos, w.startWallNanos(), nemesis, clusterDir, progress);
      w.runFor(s.duration().plus(s.converge()));
      w.stop();
      List<String> down = new ArrayList<>();
      for (String n : cluster.nodes()) {
        if (!cluster.alive(n)) {
          down.add(n);
        }
      }
      Map<String, Double> measured = s.transactional() ? nodeMetrics(cluster) : Map.of();
      java.util.Optional<dev.txlab.coordinator.protocol.LiveAudit> audit =
          audit(cluster, protocol, AUDIT_PATIENCE);
      result = notConvergedIfDown(w.check(s.duration().toNanos()), down);
      if (audit.isPresent()) {
        for (dev.txlab.coordinator.protocol.ProtocolCheck c : audit.get().checks()) {
          result.checks().put(c.name(), dev.txlab.scenarios.run.RunChecks.fromProtocol(c));
        }
        measured = new java.util.TreeMap<>(measured);
        measured.putAll(audit.get().metrics());
        notes.add(
            "the protocol's own checks ("
                + String.join(", ", protocol.checks())
                + ") were computed on the state the nodes' processes told after the workload"
                + " stopped (GET /admin/probe), each group as its most advanced replica holds it");
      }
      rateShortfall(s.transactional() ? "txns" : "ops", result, ws.rate()).ifPresent(notes::add);
      if (!measured.isEmpty()) {
        result.metrics().putAll(measured);
        notes.add(
            "protocol metrics ("
                + String.join(", ", measured.keySet())
                + ") were read from the nodes just before"
                + " they stopped: the maximum over the nodes; a node killed during the run restarted with empty figures");
      }
    } finally {
      stop = started.stop();
      // The nodes' data and logs stay with the run; the copy of the application jar need not.
      try {
        java.nio.file.Files.deleteIfExists(clusterDir.resolve("txlab.jar"));
      } catch (java.io.IOException e) {
        progress.accept(
            "note: could not remove " + clusterDir.resolve("txlab.jar") + ": " + e.getMessage());
      }
    }
    return new Outcome(result, notes, stop, clusterDir, pids);
  }

  /**
   * A live cluster started for one run, stopped on any exit: an interrupted run (Ctrl-C, SIGTERM)
   * stops its nodes from a shutdown hook — registered before they start, so an interrupt while they
   * start stops them too; a run killed outright leaves nodes that exit by themselves ({@code
   * --parent-pid}).
   */
  public record Started(LiveCluster cluster, Thread stopOnExit) {
    /** Stops the nodes (a grace of 5 s each) and lets go of the hook. */
    public LiveCluster.StopReport stop() {
      LiveCluster.StopReport r = cluster.stop(Duration.ofSeconds(5));
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook is running or has run; nothing to undo.
      }
      return r;
    }
  }

  /** Starts a cluster as {@code o} says, with its stop-on-exit hook in place first. */
  public static Started startCluster(LiveCluster.StartOptions o, Consumer<String> progress)
      throws LiveException {
    Path clusterDir = o.dir();
    progress.accept("starting " + o.nodes() + " node processes in " + clusterDir + " …");
    Thread stopOnExit =
        new Thread(
            () -> {
              progress.accept("interrupted: stopping the cluster's node processes …");
              try {
                LiveCluster.StopReport r = LiveCluster.load(clusterDir).stop(Duration.ofSeconds(5));
                progress.accept(
                    r.leftAlive().isEmpty()
                        ? "cluster stopped: no node process left"
                        : "cluster stop left processes alive: " + r.leftAlive());
              } catch (LiveException e) {
                progress.accept("no cluster to stop yet (" + e.getMessage() + ")");
              }
            },
            "txlab-stop-cluster");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    try {
      return new Started(LiveCluster.start(o, null), stopOnExit);
    } catch (LiveException | RuntimeException e) {
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException ignored) {
        // Shutting down already: the hook stops what started.
      }
      throw e;
    }
  }

  /**
   * The scenario's fault schedule planned against {@code view}, from the run's seed salted as the
   * simulator salts it ({@link dev.txlab.scenarios.run.SimRun#NEMESIS_SEED_SALT}), so one seed
   * plans the same faults on both hosts.
   *
   * @throws LiveException naming what does not fit
   */
  public static List<FaultEvent> plan(Scenario s, ClusterView view, long seed)
      throws LiveException {
    try {
      return Schedule.parse(s.faults())
          .plan(
              view,
              s.duration().toNanos(),
              new SplittableRandom(seed ^ dev.txlab.scenarios.run.SimRun.NEMESIS_SEED_SALT));
    } catch (FaultSyntaxException | IllegalArgumentException e) {
      throw new LiveException(
          "the scenario's fault schedule does not fit the live cluster: " + e.getMessage(), e);
    }
  }

  /** The scenario's workload as live clients run it, for its duration and convergence. */
  public static LiveWorkload.Spec workloadSpec(Scenario s) {
    Scenario.WorkloadSpec ws = s.workload();
    return LiveWorkload.Spec.defaults(ws.name())
        .withLoad(ws.rate(), s.duration().plus(s.converge()), ws.clients())
        .withTimeout(ws.timeout())
        .withKeysPerShard(ws.keysPerShard())
        .withTxnShape(ws.activeKeysInUse(), ws.writesPerKey(), ws.txnLengthMax())
        .withConsistency(s.transactional() ? s.consistency() : List.of())
        .withBank(ws.accounts(), ws.initialBalance());
  }

  /** How often, between planned events, the nemesis reconciles the cluster with its state. */
  private static final long RECONCILE_EVERY_MILLIS = 250;

  /**
   * Applies the plan's events at their times (relative to the workload's start), on this thread,
   * through the live nemesis ({@link dev.txlab.chaos.live.LiveNemesis}): each event changes the
   * reference state and the cluster is made to match it. Between events the nemesis reconciles now
   * and then, so an armed kill that fired is seen (and its window's end restarts that node) and a
   * node that came back gets the settings the plan still wants. Every event, applied or refused,
   * and every fired kill goes to the cluster's {@code faults.jsonl}.
   */
  public static void applyPlan(
      List<FaultEvent> plan,
      java.util.function.LongSupplier elapsedNanos,
      long startWallNanos,
      dev.txlab.chaos.live.LiveNemesis nemesis,
      Path clusterDir,
      Consumer<String> progress) {
    for (FaultEvent e : plan) {
      while (e.atNanos() - elapsedNanos.getAsLong() > 0) {
        LiveCluster.sleep(
            Math.min(
                RECONCILE_EVERY_MILLIS,
                Math.max(1, (e.atNanos() - elapsedNanos.getAsLong()) / 1_000_000)));
        if (e.atNanos() - elapsedNanos.getAsLong() > 0) {
          report(nemesis.reconcile(), nemesis, clusterDir, elapsedNanos, progress);
        }
      }
      long wall = LiveNemesis.wallNanos();
      dev.txlab.chaos.live.LiveNemesis.Applied a = nemesis.apply(e);
      boolean ok = a.result().isResolved();
      LiveNemesis.record(
          clusterDir,
          wall,
          a.event().fault(),
          ok ? a.result().value() : List.of(),
          ok,
          a.summary(),
          ok ? a.changes() : List.of(a.result().reason()));
      // The moment it was applied (as recorded, and as the summary lists it), not when applying
      // finished: a restart takes seconds.
      progress.accept(
          String.format(
              java.util.Locale.ROOT, "  %6.2fs  %s", (wall - startWallNanos) / 1e9, a.summary()));
      report(List.of(), nemesis, clusterDir, elapsedNanos, progress);
    }
  }

  /** Prints what a reconcile changed and records the kills it found fired. */
  private static void report(
      List<String> changes,
      dev.txlab.chaos.live.LiveNemesis nemesis,
      Path clusterDir,
      java.util.function.LongSupplier elapsedNanos,
      Consumer<String> progress) {
    for (dev.txlab.chaos.live.LiveNemesis.Fired f : nemesis.drainFired()) {
      Fault kill =
          new Fault.Kill(dev.txlab.chaos.fault.Target.node(f.node()), java.util.Optional.empty());
      LiveNemesis.record(
          clusterDir,
          LiveNemesis.wallNanos(),
          kill,
          List.of(f.node()),
          true,
          "kill coordinator after " + f.phase().text() + " → " + f.node(),
          List.of(f.node() + " halted itself"));
    }
    for (String c : changes) {
      progress.accept(
          String.format(
              java.util.Locale.ROOT,
              "  %6.2fs    reconcile: %s",
              elapsedNanos.getAsLong() / 1e9,
              c));
    }
  }

  /**
   * A warning when the workload did not reach 90 % of the rate asked for: the figures then describe
   * a lighter load than the scenario names, and a reader must know it.
   */
  public static java.util.Optional<String> rateShortfall(
      String unit, LiveWorkload.Result r, int requested) {
    double n = r.metrics().getOrDefault(unit, 0.0);
    double achieved = r.runSeconds() > 0 ? n / r.runSeconds() : 0;
    if (achieved >= 0.9 * requested) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        String.format(
            java.util.Locale.ROOT,
            "the workload reached %.1f %s/s of the %d requested (%.0f%%): the clients waited on a"
                + " slow or unavailable cluster, or this machine could not keep up",
            achieved,
            unit,
            requested,
            100 * achieved / requested));
  }

  /**
   * The node flags, plus the run's own process id: a node exits when the run that started it is
   * gone.
   */
  public static List<String> withParent(List<String> flags) {
    List<String> out = new ArrayList<>(flags);
    out.add("--parent-pid");
    out.add(Long.toString(ProcessHandle.current().pid()));
    return out;
  }

  public static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
