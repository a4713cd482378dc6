package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.fault.Resolved;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.chaos.schedule.Schedule;
import dev.txlab.chaos.sim.SimNemesis;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.sim.LinkConfig;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.Simulator;
import dev.txlab.node.sim.TraceSink;
import dev.txlab.node.time.EpsilonModel;
import dev.txlab.scenarios.workload.WorkloadDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.DoubleConsumer;

/**
 * The run pipeline on the simulator, one for every workload and protocol: builds the cluster
 * ({@link SimDeployment}: the protocol's processes on the simulated host), starts the clients and
 * the nemesis, runs the workload with faults for {@code duration}, heals everything, keeps the
 * workload going for {@code converge} (the cluster must make progress again), stops the clients and
 * lets their last operations settle, then checks the history ({@link RunChecks}, the same checks a
 * live run gets) and returns a host-neutral {@link RunOutcome}.
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
          "ops",
          "ops_ok",
          "ops_fail",
          "ops_info",
          "ops_ok_after_heal",
          "raft_safety_violations",
          "truetime_lies",
          "faults_applied",
          "events",
          "messages");

  /**
   * The metrics the pipeline itself reports for a transactional run, whatever the protocol (the
   * protocol's own come from {@link Protocol#metrics}).
   */
  public static final List<String> TXN_METRICS =
      List.of(
          "txns",
          "txns_ok",
          "txns_fail",
          "txns_info",
          "txns_ok_after_heal",
          "raft_safety_violations",
          "truetime_lies",
          "faults_applied",
          "events",
          "messages",
          "bank_reads",
          "bank_total_violations",
          "bank_balance_min");

  /**
   * The metrics a run of {@code protocol} reports: the pipeline's and the protocol's (a declared
   * name ending in {@code _} stands for every metric it begins).
   */
  public static List<String> metrics(Protocol protocol, boolean transactional) {
    List<String> all = new java.util.ArrayList<>(transactional ? TXN_METRICS : METRICS);
    all.addAll(protocol.metrics());
    return all;
  }

  public static boolean knownMetric(String name, Protocol protocol, boolean transactional) {
    for (String m : metrics(protocol, transactional)) {
      if (m.equals(name) || (m.endsWith("_") && name.startsWith(m) && name.length() > m.length()))
        return true;
    }
    return false;
  }

  /** The checks a run of {@code protocol} performs: the history's, then the protocol's own. */
  public static List<String> checks(
      Scenario.WorkloadSpec workload, List<String> consistency, Protocol protocol) {
    List<String> all = new java.util.ArrayList<>(checks(workload, consistency));
    all.addAll(protocol.checks());
    return all;
  }

  /** The checks a run performs, in report order ({@link RunChecks#names}). */
  public static List<String> checks(Scenario.WorkloadSpec workload, List<String> consistency) {
    return RunChecks.names(
        new RunChecks.Subject(
            workload.transactional(),
            "",
            workload.transactional() ? consistency : List.of(),
            workload.bank(),
            0,
            0));
  }

  /** A simulated second, for readability. */
  static final long SECOND_NANOS = 1_000_000_000L;

  /** Mixed into the seed for the nemesis' random source, so it is independent of the cluster's. */
  public static final long NEMESIS_SEED_SALT = 0x6e656d65736973L;

  private SimRun() {}

  /**
   * A run that stopped on an internal error (a txlab bug, reported with its seed): the history
   * recorded until then and the simulated time it stopped at, for an honest run directory.
   */
  public static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long seed;
    private final transient List<dev.txlab.checker.history.Op> events;
    private final long atNanos;

    Failed(
        long seed,
        List<dev.txlab.checker.history.Op> events,
        long atNanos,
        RuntimeException cause) {
      super(
          "the run stopped at "
              + atNanos / 1e9
              + " s of simulated time (seed "
              + seed
              + "): "
              + cause,
          cause);
      this.seed = seed;
      this.events = List.copyOf(events);
      this.atNanos = atNanos;
    }

    public long seed() {
      return seed;
    }

    /** What the clients saw until the run stopped (its last operations may be incomplete). */
    public List<dev.txlab.checker.history.Op> events() {
      return events;
    }

    public long atNanos() {
      return atNanos;
    }
  }

  /**
   * Runs {@code scenario} with {@code seed} on the simulator.
   *
   * @param progress told the fraction of simulated time done, now and then
   * @param traceSink every trace line, or null
   */
  public static RunOutcome run(
      Scenario scenario, long seed, DoubleConsumer progress, TraceSink traceSink) {
    long wallStart = System.nanoTime();
    SimDeployment cluster = new ProtocolSimDeployment(scenario, seed);
    Simulator sim = cluster.sim();
    if (traceSink != null) {
      sim.trace().setSink(traceSink);
    }

    // Clients.
    Scenario.WorkloadSpec w = scenario.workload();
    List<String> clientIds = new ArrayList<>();
    for (int i = 1; i <= w.clients(); i++) {
      clientIds.add(Address.of(NodeId.of("c" + i), "client").toString());
    }
    WorkloadDriver driver = cluster.addClients(w, clientIds);
    placeClocks(sim, scenario, cluster.serverNodes(), clientIds);
    placeRegions(sim, scenario, cluster.serverNodes(), clientIds);

    // The nemesis: the plan is fixed up front from the seed; role targets resolve when they fire.
    long healAtNanos = scenario.duration().toNanos();
    long convergeEndNanos = healAtNanos + scenario.converge().toNanos();
    SplittableRandom nemesisRandom = new SplittableRandom(seed ^ NEMESIS_SEED_SALT);
    SimNemesis nemesis =
        new SimNemesis(
            cluster.target(),
            nemesisRandom.split(),
            new SimNemesis.Recorder() {
              @Override
              public void applied(long at, FaultEvent event, Resolved<List<String>> result) {
                driver.nemesis(
                    event.fault().keyword(),
                    result.isResolved()
                        ? event.fault().text()
                            + (result.value().isEmpty()
                                ? ""
                                : " → " + String.join(",", result.value()))
                        : event.fault().text() + " (not applied: " + result.reason() + ")");
              }

              @Override
              public void fired(long at, Fault.TxnPhase phase, String node) {
                driver.nemesis("kill", "kill coordinator after " + phase.text() + " → " + node);
              }
            });
    cluster.onCoordinatorPhase(
        (phase, coordinator) -> {
          if (nemesis.state().armedKills().containsValue(phase)) {
            // Not inside the coordinator's step: right after it, before its next one.
            sim.schedule(
                sim.nowNanos(),
                "nemesis fires kill after " + phase.text(),
                () -> nemesis.onCoordinatorPhase(phase, coordinator.node().toString()));
          }
        });
    List<FaultEvent> plan;
    try {
      plan =
          Schedule.parse(scenario.faults())
              .plan(nemesis.view(), healAtNanos, nemesisRandom.split());
    } catch (FaultSyntaxException e) {
      // The reader validated every line; failing here is our bug.
      throw new IllegalStateException(
          "a validated fault line no longer parses: " + e.getMessage(), e);
    }
    nemesis.schedule(plan);
    sim.schedule(convergeEndNanos, "workload stop", driver::stop);

    // Run in slices so a person sees progress; the slices do not change what happens.
    long endNanos = convergeEndNanos + cluster.settleNanos(w);
    ClockTimeline clocks = ClockTimeline.of(sim.nodes());
    try {
      runWithProgress(sim, endNanos, progress, clocks);
    } catch (RuntimeException e) {
      // Our bug (an invariant, a monitor, a crash in a process): the run cannot go on, but what
      // the clients saw until then is kept for the run directory.
      throw new Failed(seed, driver.events(), sim.nowNanos(), e);
    }
    long wallSimulated = System.nanoTime();

    History history;
    try {
      history = History.of("history.edn", driver.events());
    } catch (HistoryException e) {
      throw new IllegalStateException(
          "the recorder wrote an inconsistent history: " + e.getMessage(), e);
    }
    RunChecks.Result checked =
        RunChecks.check(
            RunChecks.Subject.of(scenario),
            history,
            driver.okAfter(healAtNanos),
            "after the final heal");
    for (dev.txlab.coordinator.protocol.ProtocolCheck c : cluster.protocolChecks()) {
      checked.checks().put(c.name(), RunChecks.fromProtocol(c));
    }
    long wallChecked = System.nanoTime();
    Map<String, Check> checks = new java.util.LinkedHashMap<>(checked.checks());

    Simulator.Stats stats = sim.stats();
    List<String> violations = cluster.raftViolations();
    Map<String, Double> metrics = new TreeMap<>(driver.counts(healAtNanos));
    metrics.putAll(cluster.metrics());
    metrics.putAll(checked.figures());
    metrics.put("raft_safety_violations", (double) violations.size());
    metrics.put("truetime_lies", (double) stats.trueTimeLies());
    metrics.put("faults_applied", (double) nemesis.appliedEvents());
    metrics.put("events", (double) stats.events());
    metrics.put("messages", (double) stats.messagesSent());
    RunOutcome.Simulated provenance =
        new RunOutcome.Simulated(seed, sim.trace().digestHex(), stats, violations);
    RunOutcome.Timings timings =
        new RunOutcome.Timings(
            stats.virtualNanos() / 1e9,
            (System.nanoTime() - wallStart) / 1e9,
            (wallSimulated - wallStart) / 1e9,
            (wallChecked - wallSimulated) / 1e9);
    return new RunOutcome(
        scenario,
        provenance,
        history,
        checked.primary(),
        checks,
        metrics,
        plan,
        Schedule.planText(plan),
        clocks,
        cluster.distributions(),
        timings,
        driver.notes(),
        cluster.waitStories(),
        cluster.findings(),
        cluster.timeSeries());
  }

  /**
   * Places servers in the scenario's regions, and each client {@code ci} in the region of the
   * {@code i}-th server (wrapping around): clients are spread over the regions as the servers are.
   */
  static void placeRegions(
      Simulator sim, Scenario s, List<NodeId> servers, List<String> clientIds) {
    Scenario.NetworkSpec n = s.network();
    if (n.regions().isEmpty()) {
      return;
    }
    Map<NodeId, String> regionOf = new java.util.HashMap<>();
    n.regions().forEach((region, nodes) -> nodes.forEach(x -> regionOf.put(NodeId.of(x), region)));
    for (int i = 0; i < clientIds.size(); i++) {
      NodeId client = Address.parse(clientIds.get(i)).node();
      regionOf.put(client, regionOf.get(servers.get(i % servers.size())));
    }
    Map<List<String>, dev.txlab.node.sim.Latency> between = new java.util.HashMap<>();
    n.regionLatency()
        .forEach(
            (pair, text) -> {
              int dash = pair.indexOf('-');
              between.put(
                  List.of(pair.substring(0, dash), pair.substring(dash + 1)),
                  LatencyText.parse(text));
            });
    sim.setRegions(regionOf, between);
  }

  /** The simulated world's settings from the scenario's network and clocks. */
  static SimConfig simConfig(Scenario s, long seed) {
    SimConfig defaults = SimConfig.defaults(seed);
    Scenario.NetworkSpec n = s.network();
    LinkConfig link =
        new LinkConfig(
            LatencyText.parse(n.latency()),
            n.loss(),
            n.duplicate(),
            n.reorder(),
            n.reorder() > 0 ? SimNemesis.REORDER_DELAY_NANOS_MAX : 0);
    EpsilonModel eps = LatencyText.epsilon(s.clocks().epsilon());
    SimConfig sim =
        new SimConfig(
            seed,
            link,
            defaults.localLatencyNanos(),
            defaults.fsyncLatencyNanos(),
            eps,
            defaults.clockResyncPeriodNanos(),
            s.clocks().offsetMax().toNanos(),
            s.clocks().driftPpmMax(),
            defaults.eventsMax(),
            defaults.virtualNanosMax(),
            defaults.deferredEventsMax(),
            false);
    return sim;
  }

  /**
   * Applies the scenario's placed clock offsets ({@code clocks.offsets}) to servers and clients.
   */
  static void placeClocks(
      Simulator sim,
      Scenario s,
      List<dev.txlab.node.api.NodeId> servers,
      List<String> clientAddresses) {
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
  static void runWithProgress(
      Simulator sim, long endNanos, DoubleConsumer progress, ClockTimeline clocks) {
    int reported = 0;
    clocks.sample(sim);
    for (long t = Math.min(endNanos, CLOCK_SAMPLE_NANOS);
        ;
        t = Math.min(endNanos, t + CLOCK_SAMPLE_NANOS)) {
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
}
