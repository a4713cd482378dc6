package dev.txlab.scenarios.cli;

import dev.txlab.checker.Validity;
import dev.txlab.scenarios.live.LiveException;
import dev.txlab.scenarios.live.LiveReport;
import dev.txlab.scenarios.live.LiveScenarioRun;
import dev.txlab.scenarios.run.Expectation;
import dev.txlab.scenarios.run.RunArtifacts;
import dev.txlab.scenarios.run.RunDirectory;
import dev.txlab.scenarios.run.RunOutcome;
import dev.txlab.scenarios.run.RunResults;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.run.ScenarioLibrary;
import dev.txlab.scenarios.run.ScenarioReader;
import dev.txlab.scenarios.script.ScriptException;
import dev.txlab.scenarios.trace.TraceMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code txlab run SCENARIO --host live}: the scenario on real node processes, in real time (see
 * {@link LiveScenarioRun}). Writes the same run directory as a simulated run; the cluster's own
 * directory (data, logs, faults) is kept under {@code DIR/cluster} for inspection. Exit status 0
 * when every expectation the live host can evaluate holds and the cluster stopped cleanly.
 */
final class LiveRunCommand {
  private LiveRunCommand() {}

  static int run(
      CommandLine.Model.CommandSpec spec,
      String scenario,
      Long seed,
      List<String> overrides,
      List<String> faults,
      Path out,
      boolean json,
      TraceMode trace) {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter human = json ? err : spec.commandLine().getOut();
    Scenario full;
    ScenarioLibrary.Source source;
    try {
      source = ScenarioLibrary.resolve(scenario);
      full = ScenarioReader.read(source, overrides, faults);
    } catch (ScriptException | IOException e) {
      throw new Txlab.UsageError(e.getMessage());
    }
    dev.txlab.coordinator.protocol.Protocol protocol =
        dev.txlab.coordinator.protocol.ProtocolRegistry.get(full.protocol());
    if (!LiveScenarioRun.hosts(protocol)) {
      // Refused before any node process starts or any directory is made.
      throw new Txlab.UsageError(
          "protocol " + full.protocol() + " runs on the simulator only: drop --host live");
    }
    // Only what the live host measures is evaluated; the rest is named as not measured.
    List<String> kept = new ArrayList<>();
    List<String> unmeasured = new ArrayList<>();
    for (Expectation e : full.expectations()) {
      (LiveScenarioRun.measurable(e, full) ? kept : unmeasured).add(e.text());
    }
    List<String> liveOverrides = new ArrayList<>(overrides);
    liveOverrides.add("expect=[" + String.join(", ", kept) + "]");
    Scenario s;
    try {
      s = ScenarioReader.read(source, liveOverrides, faults);
    } catch (ScriptException e) {
      throw new IllegalStateException(
          "the scenario no longer reads with its measurable expectations: " + e.getMessage(), e);
    }
    long runSeed = seed != null ? seed : s.seed();
    RunDirectory dir;
    try {
      dir = RunDirectory.create(Path.of("runs"), s.name() + "-live", out);
    } catch (IOException e) {
      throw new Txlab.UsageError("cannot create the run directory: " + e.getMessage());
    }
    human.printf(
        "txlab run %s --host live: %d node processes, %d shards × %d replicas, %s with faults + %s to converge, in real time%n",
        s.name(),
        s.nodes(),
        s.shards(),
        s.replicas(),
        LiveScenarioRun.seconds(s.duration()),
        LiveScenarioRun.seconds(s.converge()));
    human.flush();
    Ran ran;
    try {
      ran =
          runInto(
              dir,
              s,
              runSeed,
              unmeasured,
              command(scenario, overrides, faults),
              trace,
              line -> {
                human.println(line);
                human.flush();
              });
    } catch (LiveException e) {
      throw new Txlab.UsageError(e.getMessage());
    } catch (IOException e) {
      throw new Txlab.UsageError(
          "cannot write the run directory " + dir.path() + ": " + e.getMessage());
    }
    LiveScenarioRun.Outcome lo = ran.live();
    RunOutcome o = ran.outcome();
    Map<String, Object> results = ran.results();
    boolean clean = lo.stop().leftAlive().isEmpty();
    WorkloadCommand.print(human, o, lo.result(), dir);
    boolean met = RunResults.expectationsMet(o);
    for (Map.Entry<String, Boolean> e : RunResults.expectations(o).entrySet()) {
      human.printf("  expect %-40s %s%n", e.getKey(), e.getValue() ? "held" : "DID NOT HOLD");
    }
    for (String u : unmeasured) {
      human.printf("  expect %-40s not measured live (simulator-only)%n", u);
    }
    for (String n : lo.notes()) {
      human.println("  note: " + n);
    }
    human.println(
        "  "
            + (clean
                ? "cluster stopped: no node process left"
                : "cluster stop left processes alive: " + lo.stop().leftAlive())
            + "; its data and logs: "
            + lo.clusterDir());
    human.flush();
    if (json) {
      spec.commandLine().getOut().println(RunResults.json(results, false));
      spec.commandLine().getOut().flush();
    }
    Validity v = o.validity();
    int status = RunCommand.exitStatus(s, v, met);
    return status == 0 && !clean ? 1 : status;
  }

  /** A live run's outcome, as the run directory holds it. */
  record Ran(LiveScenarioRun.Outcome live, RunOutcome outcome, Map<String, Object> results) {}

  /**
   * Runs {@code s} on a fresh live cluster (or its live target) under {@code dir/cluster} and
   * writes the run directory: the one live run both {@code txlab run --host live} and {@code txlab
   * compare --host live} make.
   *
   * @param unmeasured the scenario's expectations the live host does not measure (named in the
   *     notes and results)
   */
  static Ran runInto(
      RunDirectory dir,
      Scenario s,
      long runSeed,
      List<String> unmeasured,
      String command,
      TraceMode trace,
      java.util.function.Consumer<String> progress)
      throws LiveException, IOException {
    LiveScenarioRun.Outcome lo = LiveScenarioRun.run(s, runSeed, dir.resolve("cluster"), progress);
    List<String> notes = new ArrayList<>(lo.notes());
    for (String u : unmeasured) {
      notes.add(
          "expectation '"
              + u
              + "' is not measured on the live host (simulator-only metric); not evaluated");
    }
    boolean clean = lo.stop().leftAlive().isEmpty();
    notes.add(
        clean
            ? "cluster stopped: no node process left"
            : "cluster stop left processes alive: " + lo.stop().leftAlive());
    RunOutcome o =
        LiveReport.outcome(
            s,
            lo.result(),
            java.util.OptionalLong.of(runSeed),
            lo.pids(),
            lo.clusterDir().toString(),
            notes,
            lo.findings(),
            lo.timeSeries());
    Map<String, Object> results = LiveReport.write(dir, o, lo.result(), command, trace);
    results.put("expectations_not_measured", unmeasured);
    RunArtifacts.writeResults(dir, results);
    dir.finish(results);
    return new Ran(lo, o, results);
  }

  private static String command(String scenario, List<String> overrides, List<String> faults) {
    StringBuilder sb =
        new StringBuilder("./txlab run ")
            .append(RunCommand.shellQuote(scenario))
            .append(" --host live");
    for (String o : overrides) {
      sb.append(" --set ").append(RunCommand.shellQuote(o));
    }
    for (String f : faults) {
      sb.append(" --fault ").append(RunCommand.shellQuote(f));
    }
    return sb.toString();
  }
}
