package dev.txlab.scenarios.cli;

import dev.txlab.checker.history.HistoryWriter;
import dev.txlab.scenarios.run.Check;
import dev.txlab.scenarios.run.RunArtifacts;
import dev.txlab.scenarios.run.RunDirectory;
import dev.txlab.scenarios.run.RunOutcome;
import dev.txlab.scenarios.run.RunResults;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.run.ScenarioLibrary;
import dev.txlab.scenarios.run.ScenarioReader;
import dev.txlab.scenarios.run.ScenarioYaml;
import dev.txlab.scenarios.run.SimRun;
import dev.txlab.scenarios.script.ScriptException;
import dev.txlab.scenarios.trace.TraceMode;
import dev.txlab.scenarios.trace.TraceWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code txlab run}: runs a scenario on the simulator and writes its run directory. Exit status 0
 * when the scenario's expectations hold (or, with none, when the checks pass), 1 when not, 2 on bad
 * input.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Run a scenario (a bundled name or a YAML file) and check what its clients observed.",
    footer = {
      "",
      "Examples:",
      "  txlab run lin-kv --seed 7",
      "  txlab run lin-kv --set reads=local --set nodes=3 --json",
      "  txlab run lin-kv --fault 'at 5s for 3s isolate leader:shard-1'",
      "",
      "Exit status: 0 expectations met, 1 not met, 2 bad usage or input."
    })
final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SCENARIO",
      description =
          "A bundled scenario name (see 'txlab scenarios list') or a path to a YAML file.")
  String scenario;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "The seed (default: the scenario's). The same seed gives the same run.")
  Long seed;

  @Option(
      names = "--set",
      paramLabel = "PATH=VALUE",
      description =
          "Override a scenario field, e.g. --set nodes=3 --set reads=local --set workload.rate=500.")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--fault",
      paramLabel = "LINE",
      description =
          "Add a fault schedule line to the scenario's, e.g. --fault 'at 5s for 3s isolate leader:shard-1'.")
  List<String> faults = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write the run here (default: runs/<scenario>/<timestamp>, with runs/latest).")
  Path out;

  @Option(
      names = "--json",
      description = "Print the result object on stdout; progress and human text go to stderr.")
  boolean json;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description =
          "sim (the deterministic simulator, default) or live (real node processes on this machine, real time;"
              + " the default for a protocol that is a real server, such as postgres).")
  String host;

  @Option(
      names = "--trace",
      paramLabel = "full|summary|off",
      defaultValue = "full",
      description =
          "What the run directory keeps of the simulator's trace (trace.jsonl.gz): full (every event, the default),"
              + " summary (messages, faults and process starts: what the report's message diagram needs), or off (none;"
              + " the report then has no message diagram). The trace digest is over every event either way.")
  String trace;

  @Override
  public Integer call() {
    TraceMode traceMode;
    try {
      traceMode = TraceMode.parse(trace);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (host == null) {
      host = "sim";
      try {
        Scenario peek = ScenarioReader.read(ScenarioLibrary.resolve(scenario), overrides, faults);
        if (!dev.txlab.coordinator.protocol.ProtocolRegistry.get(peek.protocol())
            .runsOnSimulator()) {
          host = "live";
          (json ? spec.commandLine().getErr() : spec.commandLine().getOut())
              .println(
                  "txlab: protocol "
                      + peek.protocol()
                      + " is a real server, not simulated: running on the live host");
        }
      } catch (ScriptException | IOException e) {
        throw new Txlab.UsageError(e.getMessage());
      }
    }
    if (host.equals("live")) {
      return LiveRunCommand.run(spec, scenario, seed, overrides, faults, out, json, traceMode);
    }
    if (!host.equals("sim")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--host must be sim or live, not '" + host + "'");
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter human = json ? err : spec.commandLine().getOut();
    Scenario s;
    try {
      s = ScenarioReader.read(ScenarioLibrary.resolve(scenario), overrides, faults);
    } catch (ScriptException e) {
      throw new Txlab.UsageError(e.getMessage());
    } catch (IOException e) {
      throw new Txlab.UsageError(e.getMessage());
    }
    long runSeed = seed != null ? seed : s.seed();
    if (!dev.txlab.coordinator.protocol.ProtocolRegistry.get(s.protocol()).runsOnSimulator()) {
      throw new Txlab.UsageError(
          "protocol "
              + s.protocol()
              + " is a real server and does not run on the simulator: use --host live");
    }

    RunDirectory dir;
    try {
      dir = RunDirectory.create(Path.of("runs"), s.name(), out);
    } catch (IOException e) {
      throw new Txlab.UsageError("cannot create the run directory: " + e.getMessage());
    }
    human.printf(
        "txlab run %s: seed %d, %d nodes, %d shards × %d replicas, %s simulated + %s to converge%n",
        s.name(),
        runSeed,
        s.nodes(),
        s.shards(),
        s.replicas(),
        human(s.duration()),
        human(s.converge()));
    human.flush();

    RunOutcome o;
    Progress progress = new Progress(err, System.console() != null);
    try (TraceWriter traceFile =
        traceMode == TraceMode.OFF
            ? null
            : TraceWriter.open(dir.resolve(RunDirectory.TRACE), traceMode)) {
      o = SimRun.run(s, runSeed, progress::update, traceFile);
    } catch (IOException | UncheckedIOException e) {
      throw new Txlab.UsageError(
          "cannot write the trace " + dir.resolve(RunDirectory.TRACE) + ": " + e.getMessage());
    } catch (SimRun.Failed f) {
      progress.done();
      writeFailure(dir, s, f, replayCommand(runSeed));
      err.println(
          "txlab: the run stopped on an internal error; what it recorded is in " + dir.path());
      err.println("  replay: " + replayCommand(runSeed));
      err.flush();
      throw f;
    } finally {
      progress.done();
    }

    String replay = replayCommand(runSeed);
    Map<String, Object> results;
    try {
      results = RunArtifacts.write(dir, o, replay, traceMode);
      dir.finish(results);
    } catch (IOException e) {
      throw new Txlab.UsageError(
          "cannot write the run directory " + dir.path() + ": " + e.getMessage());
    }

    boolean met = RunResults.expectationsMet(o);
    human.printf(
        "%s in %.1f s of simulated time (%.1f s wall, %,d events, %,d messages)%n",
        o.validity() == dev.txlab.checker.Validity.VALID
            ? "valid"
            : o.validity() == dev.txlab.checker.Validity.INVALID ? "INVALID" : "unknown",
        o.timings().runSeconds(),
        o.timings().wallSeconds(),
        o.simulated().stats().events(),
        o.simulated().stats().messagesSent());
    for (Map.Entry<String, Check> c : o.checks().entrySet()) {
      human.printf(
          "  %-20s %-8s %s%n", c.getKey(), word(c.getValue().validity()), c.getValue().summary());
    }
    for (Map.Entry<String, Boolean> e : RunResults.expectations(o).entrySet()) {
      human.printf("  expect %-40s %s%n", e.getKey(), e.getValue() ? "held" : "DID NOT HOLD");
    }
    human.printf("  trace sha256 %s%n", o.simulated().traceDigest());
    human.printf("  run directory %s%n", dir.path());
    human.printf("  replay: %s%n", replay);
    human.flush();
    if (json) {
      spec.commandLine().getOut().println(RunResults.json(results, false));
      spec.commandLine().getOut().flush();
    }
    return exitStatus(s, o.validity(), met);
  }

  /**
   * The exit status: with expectations, whether they held (0) or not (1); with none, the verdicts
   * decide — 0 valid, 1 invalid, 3 unknown (a check gave up).
   */
  static int exitStatus(Scenario s, dev.txlab.checker.Validity v, boolean expectationsMet) {
    if (!s.expectations().isEmpty()) {
      return expectationsMet ? 0 : 1;
    }
    return v == dev.txlab.checker.Validity.VALID
        ? 0
        : v == dev.txlab.checker.Validity.INVALID ? 1 : 3;
  }

  private static String word(dev.txlab.checker.Validity v) {
    switch (v) {
      case VALID:
        return "valid";
      case INVALID:
        return "INVALID";
      default:
        return "unknown";
    }
  }

  private static String human(java.time.Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  /**
   * A crashed run's directory: the history until the crash, the script as run, and a {@code
   * results.json} with the error, the seed and the replay command; {@code runs/latest} is left
   * pointing at the last run that finished.
   */
  private static void writeFailure(RunDirectory dir, Scenario s, SimRun.Failed f, String replay) {
    try {
      try (BufferedWriter w =
          Files.newBufferedWriter(dir.resolve(RunDirectory.HISTORY), StandardCharsets.UTF_8)) {
        HistoryWriter.writeEdn(f.events(), w);
      }
      Files.writeString(dir.resolve(RunDirectory.SCENARIO), ScenarioYaml.asRun(s, f.seed()));
      Map<String, Object> results = new java.util.LinkedHashMap<>();
      results.put("scenario", s.name());
      results.put("seed", f.seed());
      results.put("host", "sim");
      results.put("error", String.valueOf(f.getCause()));
      results.put("stopped_at_sim_seconds", f.atNanos() / 1e9);
      results.put("history_events", f.events().size());
      results.put("replay", replay);
      RunArtifacts.writeResults(dir, results);
    } catch (IOException | RuntimeException e) {
      f.addSuppressed(e);
    }
  }

  /** The command that reproduces this run exactly. */
  private String replayCommand(long runSeed) {
    StringBuilder sb =
        new StringBuilder("./txlab run ")
            .append(shellQuote(scenario))
            .append(" --seed ")
            .append(runSeed);
    for (String o : overrides) {
      sb.append(" --set ").append(shellQuote(o));
    }
    for (String f : faults) {
      sb.append(" --fault ").append(shellQuote(f));
    }
    return sb.toString();
  }

  static String shellQuote(String s) {
    if (s.matches("[A-Za-z0-9._/=:,+-]+")) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** A progress bar on a terminal; a few milestone lines otherwise (CI logs stay short). */
  static final class Progress {
    private final PrintWriter err;
    private final boolean terminal;
    private int lastQuarter;

    Progress(PrintWriter err, boolean terminal) {
      this.err = err;
      this.terminal = terminal;
    }

    void update(double fraction) {
      if (terminal) {
        int width = 40;
        int filled = (int) Math.round(fraction * width);
        err.print(
            "\r  ["
                + "#".repeat(filled)
                + " ".repeat(width - filled)
                + "] "
                + Math.round(fraction * 100)
                + "%");
        err.flush();
      } else {
        int quarter = (int) Math.floor(fraction * 4);
        if (quarter > lastQuarter) {
          lastQuarter = quarter;
          err.println("  simulated " + (quarter * 25) + "%");
          err.flush();
        }
      }
    }

    void done() {
      if (terminal) {
        err.println();
        err.flush();
      }
    }
  }
}
