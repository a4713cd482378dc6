package dev.txlab.scenarios.run;

import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.checker.CheckResult;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import dev.txlab.node.sim.Simulator;
import java.util.List;
import java.util.Map;

/**
 * What a scenario run produced, on either host: the history, the verdict of each check, the
 * metrics, the faults as applied, the clocks, and where the run came from ({@link Provenance}).
 * Everything the checks, the expectations, {@code results.json} and the report need is here; what
 * only one host can know lives in that host's provenance, so no host ever fills a field that does
 * not apply to it (a live run has no trace digest and no simulated message counts; a simulated run
 * has no process ids).
 *
 * @param primary the checker result whose own page sits beside the report (the first invalid
 *     consistency model, else the first one; the linearizability result for single-key runs), or
 *     null
 * @param planEvents the faults as the run applied them, start and undo events, on the run's
 *     timeline (nanoseconds since the run's start)
 * @param plan the same, one schedule line per fault, for people
 * @param clocks every node's clock error over the run (empty where the host does not sample it)
 * @param distributions protocol distributions (commit wait, in doubt, lock hold), in nanoseconds
 * @param notes what the protocol said of committed transactions that the history cannot hold (their
 *     timestamp, the node that served them), by the index of their completion event
 * @param waitStories the transactions that waited longest, as the protocol tells them (a blocked
 *     2PC transaction: its coordinator, participants, locks and moments), longest first
 * @param findings what the protocol found, by heading, one line each (the migration's divergent
 *     keys, shadow-read mismatches, phase switches): listed in the report and results.json
 * @param timeSeries quantities the protocol measured over time, plotted next to the fault bands
 */
public record RunOutcome(
    Scenario scenario,
    Provenance provenance,
    History history,
    CheckResult primary,
    Map<String, Check> checks,
    Map<String, Double> metrics,
    List<FaultEvent> planEvents,
    String plan,
    ClockTimeline clocks,
    Map<String, long[]> distributions,
    Timings timings,
    Map<Long, String> notes,
    List<dev.txlab.coordinator.protocol.WaitStory> waitStories,
    Map<String, List<String>> findings,
    List<dev.txlab.coordinator.protocol.TimeSeries> timeSeries) {

  /** An outcome without the protocol's findings or time series. */
  public RunOutcome(
      Scenario scenario,
      Provenance provenance,
      History history,
      CheckResult primary,
      Map<String, Check> checks,
      Map<String, Double> metrics,
      List<FaultEvent> planEvents,
      String plan,
      ClockTimeline clocks,
      Map<String, long[]> distributions,
      Timings timings,
      Map<Long, String> notes,
      List<dev.txlab.coordinator.protocol.WaitStory> waitStories) {
    this(
        scenario,
        provenance,
        history,
        primary,
        checks,
        metrics,
        planEvents,
        plan,
        clocks,
        distributions,
        timings,
        notes,
        waitStories,
        Map.of(),
        List.of());
  }

  /** An outcome without notes or wait stories (a live run has neither). */
  public RunOutcome(
      Scenario scenario,
      Provenance provenance,
      History history,
      CheckResult primary,
      Map<String, Check> checks,
      Map<String, Double> metrics,
      List<FaultEvent> planEvents,
      String plan,
      ClockTimeline clocks,
      Map<String, long[]> distributions,
      Timings timings) {
    this(
        scenario,
        provenance,
        history,
        primary,
        checks,
        metrics,
        planEvents,
        plan,
        clocks,
        distributions,
        timings,
        Map.of(),
        List.of());
  }

  /** Where a run came from: the only host-specific part of an outcome. */
  public sealed interface Provenance permits Simulated, Live {
    /** {@code sim} or {@code live}, as {@code results.json} names the host. */
    String host();
  }

  /**
   * A simulated run: a pure function of (scenario, seed, version), so its trace digest identifies
   * it; {@code stats} are the simulator's own counts.
   *
   * @param raftViolations Raft safety violations the monitors found (always empty unless a knob
   *     removes a guarantee)
   */
  public record Simulated(
      long seed, String traceDigest, Simulator.Stats stats, List<String> raftViolations)
      implements Provenance {
    public Simulated {
      raftViolations = List.copyOf(raftViolations);
    }

    @Override
    public String host() {
      return "sim";
    }
  }

  /**
   * A run on real node processes.
   *
   * @param seed the seed that planned the run's random faults, if the run planned any (a workload
   *     run against a running cluster takes its faults from {@code txlab chaos} instead)
   * @param startEpochMillis when the workload started, by the wall clock
   * @param pids each node's operating-system process id (the ones it had when the run started)
   * @param clusterDir where the nodes kept their data and logs
   * @param notes what the live host could not reproduce of the scenario, said rather than faked
   */
  public record Live(
      java.util.OptionalLong seed,
      long startEpochMillis,
      Map<String, Long> pids,
      String clusterDir,
      List<String> notes)
      implements Provenance {
    public Live {
      pids = Map.copyOf(pids);
      notes = List.copyOf(notes);
    }

    @Override
    public String host() {
      return "live";
    }
  }

  /**
   * How long the run took.
   *
   * @param runSeconds the run's own timeline: simulated seconds, or real seconds on the live host
   * @param wallSeconds the whole run, by the wall clock
   * @param executeWallSeconds running the cluster and the workload, by the wall clock
   * @param checkWallSeconds checking the history, by the wall clock
   */
  public record Timings(
      double runSeconds, double wallSeconds, double executeWallSeconds, double checkWallSeconds) {}

  public RunOutcome {
    checks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(checks));
    metrics = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(metrics));
    planEvents = List.copyOf(planEvents);
    distributions = Map.copyOf(distributions);
    notes = Map.copyOf(notes);
    waitStories = List.copyOf(waitStories);
    findings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(findings));
    timeSeries = List.copyOf(timeSeries);
  }

  /** The overall verdict: the worst over the checks. */
  public Validity validity() {
    Validity v = Validity.VALID;
    for (Check c : checks.values()) {
      v = v.worse(c.validity());
    }
    return v;
  }

  /**
   * The seed that planned the run, if any: on the simulator it decides everything; on the live host
   * it decides the random fault schedule only.
   */
  public java.util.OptionalLong seed() {
    if (provenance instanceof Simulated s) {
      return java.util.OptionalLong.of(s.seed());
    }
    return ((Live) provenance).seed();
  }

  /** The simulated provenance; fails for a live run, which has none. */
  public Simulated simulated() {
    if (provenance instanceof Simulated s) {
      return s;
    }
    throw new IllegalStateException("a " + provenance.host() + " run has no simulated provenance");
  }
}
