package dev.txlab.scenarios.cli;

import dev.txlab.scenarios.run.RunOutcome;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.run.ScenarioLibrary;
import dev.txlab.scenarios.run.ScenarioReader;
import dev.txlab.scenarios.run.SimRun;
import dev.txlab.scenarios.script.ScriptException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txlab bench sim}: how fast the simulator runs a fixed scenario — 5 nodes, 3 shards × 3
 * replicas, 1,000 client operations per simulated second for 60 simulated seconds, faults on —
 * printing simulated events and messages per wall second and the virtual/wall time ratio, with the
 * checker's time reported separately. Runs it a few times (the first warms the JIT up) and reports
 * each run and the best.
 */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description =
        "Time the simulator on a fixed faulty scenario (events/s, messages/s, virtual/wall ratio).")
final class BenchSimCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--runs",
      defaultValue = "3",
      paramLabel = "N",
      description = "How many runs (default ${DEFAULT-VALUE}; the first includes JIT warm-up).")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Runs of the first seed before the measured ones, not reported (JIT warm-up; default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seed of the first run; later runs use the next seeds.")
  long seed;

  @Option(
      names = "--scenario",
      defaultValue = "lin-kv",
      paramLabel = "NAME",
      description =
          "The scenario to time (default ${DEFAULT-VALUE}, at 1,000 ops/s with 50 clients for 60 s; other scenarios run as written plus --set).")
  String scenario;

  @Option(
      names = "--set",
      paramLabel = "PATH=VALUE",
      description = "Change the benchmark scenario (e.g. --set duration=10s).")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() {
    if (runs < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1");
    }
    if (warmup < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--warmup must be at least 0");
    }
    List<String> all = new ArrayList<>();
    if (scenario.equals("lin-kv")) {
      all.addAll(
          List.of(
              "nodes=5",
              "shards=3",
              "replicas=3",
              "duration=60s",
              "converge=5s",
              "workload.rate=1000",
              "workload.clients=50"));
    }
    all.addAll(overrides);
    Scenario s;
    try {
      ScenarioLibrary.Source source = ScenarioLibrary.resolve(scenario);
      s = ScenarioReader.read(source, all);
    } catch (ScriptException e) {
      throw new Txlab.UsageError(e.getMessage());
    } catch (java.io.IOException e) {
      throw new Txlab.UsageError("cannot read scenario " + scenario + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "scenario: %s with %s; faults: %s%n",
        s.name(),
        all.isEmpty() ? "its own settings" : String.join(" ", all),
        String.join("; ", s.faults()));
    out.printf(
        "%-4s %6s %12s %12s %12s %12s %10s %9s %9s %8s %9s%n",
        "run",
        "seed",
        "events",
        "events/s",
        "messages/s",
        "virt/wall",
        "sim-wall-s",
        "check-s",
        "total-s",
        "ops-ok",
        "verdict");
    if (warmup > 0) {
      out.printf("warming up: %d run(s) of seed %d, not reported%n", warmup, seed);
      out.flush();
      for (int i = 0; i < warmup; i++) SimRun.run(s, seed, f -> {}, null);
    }
    double bestEventsPerSecond = 0;
    double bestRatio = 0;
    double[] eventRates = new double[runs];
    double[] ratios = new double[runs];
    for (int i = 0; i < runs; i++) {
      RunOutcome o = SimRun.run(s, seed + i, f -> {}, null);
      double wall = o.timings().executeWallSeconds();
      double eventsPerSecond = o.simulated().stats().events() / wall;
      double messagesPerSecond = o.simulated().stats().messagesSent() / wall;
      double ratio = o.timings().runSeconds() / wall;
      bestEventsPerSecond = Math.max(bestEventsPerSecond, eventsPerSecond);
      bestRatio = Math.max(bestRatio, ratio);
      eventRates[i] = eventsPerSecond;
      ratios[i] = ratio;
      double ok = o.metrics().getOrDefault("txns_ok", o.metrics().getOrDefault("ops_ok", 0.0));
      out.printf(
          "%-4d %6d %,12d %,12.0f %,12.0f %11.1fx %10.2f %9.2f %9.2f %8.0f %9s%n",
          i + 1,
          seed + i,
          o.simulated().stats().events(),
          eventsPerSecond,
          messagesPerSecond,
          ratio,
          wall,
          o.timings().checkWallSeconds(),
          o.timings().wallSeconds(),
          ok,
          o.validity().name().toLowerCase(java.util.Locale.ROOT));
      out.flush();
    }
    out.printf(
        "median: %,.0f simulated events per wall second; %.1fx real time%n",
        median(eventRates), median(ratios));
    out.printf(
        "best: %,.0f simulated events per wall second; %.1fx real time (simulation only, checker excluded)%n",
        bestEventsPerSecond, bestRatio);
    return 0;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
