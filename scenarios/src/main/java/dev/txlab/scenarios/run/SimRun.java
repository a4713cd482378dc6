package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.chaos.schedule.Schedule;
import dev.txlab.chaos.sim.SimNemesis;
import dev.txlab.checker.CheckResult;
import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.linear.LinearSpec;
import dev.txlab.checker.linear.LinearizabilityChecker;
import dev.txlab.checker.linear.NilRead;
import dev.txlab.node.api.Address;
import dev.txlab.node.cluster.SimCluster;
import dev.txlab.node.kv.KvClient;
import dev.txlab.node.sim.LinkConfig;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.Simulator;
import dev.txlab.node.time.EpsilonModel;
import dev.txlab.scenarios.workload.HistoryRecorder;
import dev.txlab.scenarios.workload.RegisterWorkload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * Runs a scenario on the simulator: builds the cluster, starts the clients and the nemesis,
 * runs the workload with faults for {@code duration}, heals everything, keeps the workload
 * going for {@code converge} (the cluster must make progress again), stops the clients and lets
 * their last operations settle, then checks the history.
 *
 * <p>A run is a pure function of (scenario, seed, version): the cluster, the clients and the
 * nemesis all draw from sources derived from the one seed, and nothing here reads the wall clock
 * except the {@code wall_seconds} statistic, which is reported but never affects the run.
 */
public final class SimRun {
  /** The checks a register run performs, by the names results and expectations use. */
  public static final List<String> CHECKS = List.of("linearizable", "converged");

  /** The metrics a register run reports, by the names results and expectations use. */
  public static final List<String> METRICS =
      List.of(
          "ops", "ops_ok", "ops_fail", "ops_info", "ops_ok_after_heal", "raft_safety_violations",
          "truetime_lies", "faults_applied", "events", "messages");

  /** The metrics a transactional run reports (plus {@code aborts_CAUSE} and distributions). */
  public static final List<String> TXN_METRICS =
      List.of(
          "txns", "txns_ok", "txns_fail", "txns_info", "txns_ok_after_heal", "commits", "aborts", "retries",
          "unknown_outcomes", "coordinator_decisions", "blocked_txns", "blocked_ms_max", "commit_wait_ms_p50",
          "commit_wait_ms_p99", "commit_wait_ms_max", "in_doubt_ms_p50", "in_doubt_ms_p99", "in_doubt_ms_max",
          "lock_hold_ms_p50", "lock_hold_ms_p99", "lock_hold_ms_max", "atomicity_checks",
          "raft_safety_violations", "truetime_lies", "faults_applied", "events", "messages", "bank_reads",
          "bank_total_violations", "bank_balance_min");

  public static List<String> metrics(boolean transactional) {
    return transactional ? TXN_METRICS : METRICS;
  }

  public static boolean knownMetric(String name, boolean transactional) {
    return metrics(transactional).contains(name) || (transactional && name.startsWith("aborts_"));
  }

  /** The checks a run performs: per consistency model for transactions. */
  public static List<String> checks(Scenario.WorkloadSpec workload, List<String> consistency) {
    if (!workload.transactional()) {
      return CHECKS;
    }
    List<String> out = new ArrayList<>(consistency);
    if (workload.bank()) {
      out.add("bank-total");
    }
    out.add("converged");
    return out;
  }

  /** A simulated second, for readability. */
  static final long SECOND_NANOS = 1_000_000_000L;

  /** One check's verdict, in the run result. */
  public record Check(Validity validity, List<String> anomalyTypes, String summary) {}

  /** What a run produced. */
  public record Outcome(
      Scenario scenario,
      long seed,
      History history,
      CheckResult primary,
      Map<String, Check> checks,
      Map<String, Double> metrics,
      List<String> raftViolations,
      List<FaultEvent> planEvents,
      String plan,
      String traceDigest,
      Simulator.Stats stats,
      double simSeconds,
      double wallSeconds,
      double simulateWallSeconds,
      double checkWallSeconds,
      ClockTimeline clocks,
      Map<String, long[]> distributions) {

    /** The overall verdict: the worst over the checks. */
    public Validity validity() {
      Validity v = Validity.VALID;
      for (Check c : checks.values()) {
        v = v.worse(c.validity());
      }
      return v;
    }
  }

  private SimRun() {}

  /**
   * Runs {@code scenario} with {@code seed}.
   *
   * @param progress told the fraction of simulated time done, now and then
   * @param traceSink every trace line, or null
   */
  public static Outcome run(Scenario scenario, long seed, DoubleConsumer progress, Consumer<String> traceSink) {
    if (scenario.transactional()) {
      return TxnRun.run(scenario, seed, progress, traceSink);
    }
    long wallStart = System.nanoTime();
    SimCluster cluster = new SimCluster(clusterConfig(scenario, seed));
    Simulator sim = cluster.sim();
    if (traceSink != null) {
      sim.trace().setSink(traceSink);
    }

    // Clients.
    RegisterWorkload workload =
        new RegisterWorkload(RegisterWorkload.keysFor(cluster.shardMap(), scenario.workload().keysPerShard()));
    Scenario.WorkloadSpec w = scenario.workload();
    long thinkNanos = (long) ((double) w.clients() * SECOND_NANOS / w.rate());
    long timeoutNanos = w.timeout().toNanos();
    List<String> clientIds = new ArrayList<>();
    for (int i = 1; i <= w.clients(); i++) {
      clientIds.add(Address.of(dev.txlab.node.api.NodeId.of("c" + i), "client").toString());
    }
    HistoryRecorder recorder = new HistoryRecorder(sim::nowNanos, clientIds);
    KvClient.Config base = cluster.clientConfig(thinkNanos);
    KvClient.Config clientConfig =
        new KvClient.Config(
            base.shardMap(), thinkNanos, Math.min(base.retryTimeoutNanos(), timeoutNanos), timeoutNanos,
            base.readsFromAnyReplica());
    for (int i = 0; i < w.clients(); i++) {
      Address a = cluster.addClient(clientConfig, workload, recorder);
      if (!a.toString().equals(clientIds.get(i))) {
        throw new IllegalStateException("client address " + a + " is not the expected " + clientIds.get(i));
      }
    }
    placeClocks(sim, scenario, cluster.serverNodes(), clientIds);

    // The nemesis: the plan is fixed up front from the seed; role targets resolve when they fire.
    long healAtNanos = scenario.duration().toNanos();
    long convergeEndNanos = healAtNanos + scenario.converge().toNanos();
    SplittableRandom nemesisRandom = new SplittableRandom(seed ^ 0x6e656d65736973L);
    SimNemesis nemesis =
        new SimNemesis(
            cluster,
            nemesisRandom.split(),
            (at, event, result) ->
                recorder.nemesis(
                    event.fault().keyword(),
                    result.isResolved()
                        ? event.fault().text() + (result.value().isEmpty() ? "" : " → " + String.join(",", result.value()))
                        : event.fault().text() + " (not applied: " + result.reason() + ")"));
    List<FaultEvent> plan;
    try {
      plan = Schedule.parse(scenario.faults()).plan(nemesis.view(), healAtNanos, nemesisRandom.split());
    } catch (FaultSyntaxException e) {
      // The reader validated every line; failing here is our bug.
      throw new IllegalStateException("a validated fault line no longer parses: " + e.getMessage(), e);
    }
    nemesis.schedule(plan);
    sim.schedule(convergeEndNanos, "workload stop", workload::stop);

    // Run in slices so a person sees progress; the slices do not change what happens.
    long settleNanos = timeoutNanos + SECOND_NANOS;
    long endNanos = convergeEndNanos + settleNanos;
    ClockTimeline clocks = ClockTimeline.of(sim.nodes());
    runWithProgress(sim, endNanos, progress, clocks);

    long wallSimulated = System.nanoTime();
    Map<String, Check> checks = new LinkedHashMap<>();
    History history;
    try {
      history = History.of("history.edn", recorder.events());
    } catch (HistoryException e) {
      throw new IllegalStateException("the recorder wrote an inconsistent history: " + e.getMessage(), e);
    }
    CheckResult lin;
    try {
      lin =
          LinearizabilityChecker.check(
              history, new LinearSpec("cas-register", null, NilRead.ABSENT, true, java.time.Duration.ofMinutes(2)));
    } catch (UnfitHistoryException e) {
      throw new IllegalStateException("the recorder wrote a history the checker cannot read: " + e.getMessage(), e);
    }
    checks.put(
        "linearizable",
        new Check(lin.validity(), lin.validity() == Validity.INVALID ? List.of("nonlinearizable") : List.of(), firstLine(lin.toText())));
    long wallChecked = System.nanoTime();
    long okAfterHeal = recorder.okOpsAfter(healAtNanos);
    checks.put(
        "converged",
        new Check(
            okAfterHeal > 0 ? Validity.VALID : Validity.INVALID,
            okAfterHeal > 0 ? List.of() : List.of("no-progress-after-heal"),
            okAfterHeal + " operations succeeded after the final heal"));

    Simulator.Stats stats = sim.stats();
    List<String> violations = cluster.monitor().violations();
    Map<String, Double> metrics = new TreeMap<>();
    metrics.put("ops", (double) (recorder.okOps() + recorder.failOps() + recorder.infoOps()));
    metrics.put("ops_ok", (double) recorder.okOps());
    metrics.put("ops_fail", (double) recorder.failOps());
    metrics.put("ops_info", (double) recorder.infoOps());
    metrics.put("ops_ok_after_heal", (double) okAfterHeal);
    metrics.put("raft_safety_violations", (double) violations.size());
    metrics.put("truetime_lies", (double) stats.trueTimeLies());
    metrics.put("faults_applied", (double) nemesis.appliedEvents());
    metrics.put("events", (double) stats.events());
    metrics.put("messages", (double) stats.messagesSent());
    String digest = sim.trace().digestHex();
    double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
    return new Outcome(
        scenario, seed, history, lin, checks, metrics, violations, plan, Schedule.planText(plan), digest, stats,
        stats.virtualNanos() / 1e9, wallSeconds, (wallSimulated - wallStart) / 1e9, (wallChecked - wallSimulated) / 1e9,
        clocks, Map.of());
  }

  static SimCluster.Config clusterConfig(Scenario s, long seed) {
    SimCluster.Config c = SimCluster.Config.defaults(seed).withShape(s.nodes(), s.shards(), s.replicas())
        .withPlacement(s.placementNodes()).withSim(simConfig(s, seed));
    for (Map.Entry<String, String> k : s.knobs().entrySet()) {
      c = c.withKnob(k.getKey(), k.getValue());
    }
    return c;
  }

  /** The simulated world's settings from the scenario's network and clocks. */
  static SimConfig simConfig(Scenario s, long seed) {
    SimConfig defaults = SimConfig.defaults(seed);
    Scenario.NetworkSpec n = s.network();
    LinkConfig link =
        new LinkConfig(
            LatencyText.parse(n.latency()), n.loss(), n.duplicate(), n.reorder(),
            n.reorder() > 0 ? SimNemesis.REORDER_DELAY_NANOS_MAX : 0);
    EpsilonModel eps = LatencyText.epsilon(s.clocks().epsilon());
    SimConfig sim =
        new SimConfig(
            seed, link, defaults.localLatencyNanos(), defaults.fsyncLatencyNanos(), eps,
            defaults.clockResyncPeriodNanos(), s.clocks().offsetMax().toNanos(), s.clocks().driftPpmMax(),
            defaults.eventsMax(), defaults.virtualNanosMax(), defaults.deferredEventsMax(), false);
    return sim;
  }

  /** Applies the scenario's placed clock offsets ({@code clocks.offsets}) to servers and clients. */
  static void placeClocks(Simulator sim, Scenario s, List<dev.txlab.node.api.NodeId> servers, List<String> clientAddresses) {
    Map<String, Long> offsets = s.clocks().offsets();
    if (offsets.isEmpty()) {
      return;
    }
    List<dev.txlab.node.api.NodeId> clients = new ArrayList<>();
    for (String a : clientAddresses) {
      clients.add(Address.parse(a).node());
    }
    if (offsets.containsKey("servers")) {
      servers.forEach(n -> sim.setHonestClockOffset(n, offsets.get("servers")));
    }
    if (offsets.containsKey("clients")) {
      clients.forEach(n -> sim.setHonestClockOffset(n, offsets.get("clients")));
    }
    for (Map.Entry<String, Long> e : offsets.entrySet()) {
      if (!e.getKey().equals("servers") && !e.getKey().equals("clients")) {
        sim.setHonestClockOffset(dev.txlab.node.api.NodeId.of(e.getKey()), e.getValue());
      }
    }
  }

  /** How often, in simulated time, the clocks are sampled for the report. */
  static final long CLOCK_SAMPLE_NANOS = 50_000_000L;

  /**
   * Runs the simulator to {@code endNanos} in slices of at most {@link #CLOCK_SAMPLE_NANOS},
   * sampling the clocks after each and telling {@code progress} as it goes.
   */
  static void runWithProgress(Simulator sim, long endNanos, DoubleConsumer progress, ClockTimeline clocks) {
    int reported = 0;
    clocks.sample(sim);
    for (long t = Math.min(endNanos, CLOCK_SAMPLE_NANOS); ; t = Math.min(endNanos, t + CLOCK_SAMPLE_NANOS)) {
      sim.runUntilTime(t);
      clocks.sample(sim);
      int fiftieths = (int) (50 * t / Math.max(1, endNanos));
      if (fiftieths > reported) {
        reported = fiftieths;
        progress.accept(fiftieths / 50.0);
      }
      if (t >= endNanos) {
        return;
      }
    }
  }


  static String firstLine(String text) {
    String t = text.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

}
