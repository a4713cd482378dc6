package dev.txlab.scenarios.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.ProtocolRegistry;
import dev.txlab.scenarios.live.LiveException;
import dev.txlab.scenarios.run.Comparison;
import dev.txlab.scenarios.run.RunArtifacts;
import dev.txlab.scenarios.run.RunDirectory;
import dev.txlab.scenarios.run.RunOutcome;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.run.ScenarioLibrary;
import dev.txlab.scenarios.run.ScenarioReader;
import dev.txlab.scenarios.run.SimRun;
import dev.txlab.scenarios.script.ScriptException;
import dev.txlab.scenarios.trace.TraceMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code txlab compare}: one scenario on several protocols — the same workload, seeds and fault
 * schedule — and one table of what each kept and what each cost. Every run is a full run directory
 * (its report is linked from the table); the comparison adds {@code compare.json} and {@code
 * compare.html}. Knobs of one protocol are left out of the others' runs and faults a protocol never
 * met are listed, never dropped silently; the scenario's expectations are not judged.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Run one scenario on several protocols (same workload, seeds and faults) and set the"
            + " verdicts, throughput, latency, retries and waits side by side.",
    footer = {
      "",
      "Examples:",
      "  txlab compare quickstart --protocols spanner,classic,crdb",
      "  txlab compare compare-multi-region --protocols spanner,crdb --seeds 1..3",
      "  txlab compare crdb-causal-reverse --protocols crdb,spanner --json",
      "  txlab compare postgres-vs-newsql --protocols postgres,spanner,crdb,percolator",
      "",
      "Exit status: 0 the comparison ran (whatever the verdicts), 2 bad usage or input."
    })
final class CompareCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SCENARIO",
      description = "A bundled scenario name or a path to a YAML file.")
  String scenario;

  @Option(
      names = "--protocols",
      paramLabel = "P1,P2,…",
      required = true,
      split = ",",
      description = "The protocols to compare (see 'txlab protocols list'), at least two.")
  List<String> protocols;

  @Option(
      names = "--seeds",
      paramLabel = "N or A..B",
      description = "The seeds to run each protocol with (default: the scenario's own seed).")
  String seeds;

  @Option(
      names = "--set",
      paramLabel = "PATH=VALUE",
      description = "Override a scenario field for every protocol (as txlab run --set).")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--fault",
      paramLabel = "LINE",
      description = "Add a fault schedule line for every protocol.")
  List<String> faults = new ArrayList<>();

  @Option(
      names = "--host",
      paramLabel = "sim|live",
      description =
          "Where the runs happen: sim (the simulator: deterministic, seconds of wall time) or live"
              + " (real node processes and real servers, in real time, one protocol after"
              + " another). Default: sim, or live when a protocol is a real server (postgres).")
  String host;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write here (default: runs/compare-<scenario>/<timestamp>, with runs/latest).")
  Path out;

  @Option(
      names = "--json",
      description = "Print the comparison object on stdout; human text goes to stderr.")
  boolean json;

  /** One protocol's runs. */
  record Entry(
      Protocol protocol,
      List<String> skipped,
      List<Long> seeds,
      List<String> dirs,
      List<Comparison.Figures> figures) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter human = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    List<Protocol> ps = new ArrayList<>();
    for (String name : protocols) {
      Protocol p =
          ProtocolRegistry.find(name.strip())
              .orElseThrow(() -> new Txlab.UsageError(ProtocolRegistry.unknown(name.strip())));
      if (ps.contains(p)) {
        throw new Txlab.UsageError("--protocols names " + p.name() + " twice");
      }
      ps.add(p);
    }
    if (ps.size() < 2) {
      throw new Txlab.UsageError("--protocols needs at least two protocols to compare");
    }
    boolean live = live(ps, human);
    ScenarioLibrary.Source source;
    try {
      source = ScenarioLibrary.resolve(scenario);
    } catch (IOException e) {
      throw new Txlab.UsageError(e.getMessage());
    }
    List<String> models = Comparison.commonModels(ps);
    List<Scenario> scenarios = new ArrayList<>();
    List<List<String>> skipped = new ArrayList<>();
    for (Protocol p : ps) {
      List<String> sk = new ArrayList<>();
      try {
        scenarios.add(ScenarioReader.readForComparison(source, overrides, faults, p, models, sk));
      } catch (ScriptException e) {
        throw new Txlab.UsageError(p.name() + ": " + e.getMessage());
      }
      skipped.add(sk);
    }
    List<Long> seedList = seedList(seeds, scenarios.get(0).seed());
    RunDirectory top;
    try {
      top = RunDirectory.create(Path.of("runs"), "compare-" + scenarios.get(0).name(), out);
    } catch (IOException e) {
      throw new Txlab.UsageError("cannot create the comparison directory: " + e.getMessage());
    }
    human.printf(
        "txlab compare %s: %s, seed%s %s%n",
        scenarios.get(0).name(),
        String.join(" vs ", ps.stream().map(Protocol::name).toList()),
        seedList.size() == 1 ? "" : "s",
        seedList.size() == 1
            ? seedList.get(0).toString()
            : seedList.get(0) + ".." + seedList.get(seedList.size() - 1));
    human.flush();

    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < ps.size(); i++) {
      Protocol p = ps.get(i);
      Scenario s = scenarios.get(i);
      List<String> dirs = new ArrayList<>();
      List<Comparison.Figures> figures = new ArrayList<>();
      for (long seed : seedList) {
        Path sub = top.path().resolve(p.name()).resolve("seed-" + seed);
        RunDirectory dir = RunDirectory.create(Path.of("runs"), s.name(), sub);
        RunOutcome o;
        String replay =
            "./txlab run "
                + RunCommand.shellQuote(sub.resolve("scenario.yaml").toString())
                + (live ? " --host live" : "");
        if (live) {
          try {
            o =
                LiveRunCommand.runInto(
                        dir,
                        s,
                        seed,
                        List.of(),
                        replay,
                        TraceMode.OFF,
                        line -> {
                          human.println("    " + p.name() + ": " + line);
                          human.flush();
                        })
                    .outcome();
          } catch (LiveException e) {
            throw new Txlab.UsageError(p.name() + " seed " + seed + ": " + e.getMessage());
          }
        } else {
          try {
            o = SimRun.run(s, seed, f -> {}, null);
          } catch (SimRun.Failed f) {
            throw new IllegalStateException(
                p.name() + " seed " + seed + " stopped on an internal error: " + f.getMessage(), f);
          }
          RunArtifacts.write(dir, o, replay, TraceMode.OFF);
        }
        dirs.add(top.path().relativize(sub).toString());
        Comparison.Figures fig = Comparison.of(o);
        figures.add(fig);
        human.printf(
            "  %-10s seed %-4d %s, %.1f ok/s%n",
            p.name(), seed, String.join(" ", verdictWords(fig)), fig.okPerSecond());
        human.flush();
      }
      entries.add(new Entry(p, skipped.get(i), seedList, dirs, figures));
    }

    Map<String, Object> result = toMap(scenarios.get(0), models, entries, top.path());
    result.put("host", live ? "live" : "sim");
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.writeString(
        top.resolve("compare.json"), mapper.writeValueAsString(result), StandardCharsets.UTF_8);
    Files.writeString(
        top.resolve("compare.html"),
        CompareReport.html(scenarios.get(0), checks(entries), entries, live),
        StandardCharsets.UTF_8);
    top.markLatest();
    human.println();
    human.print(CompareReport.table(checks(entries), entries));
    for (Entry e : entries) {
      for (String s : e.skipped()) {
        human.printf("  %s: left out %s%n", e.protocol().name(), s);
      }
      for (String s : notApplied(e)) {
        human.printf("  %s: fault not applied: %s%n", e.protocol().name(), s);
      }
    }
    human.printf(
        "  the scenario's expectations are not judged in a comparison%n  comparison in %s (compare.html)%n",
        top.path());
    human.flush();
    if (json) {
      spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  /**
   * Whether the runs are live: {@code --host}, or by default live exactly when a protocol is a real
   * server (which the simulator cannot run). Refuses a protocol the chosen host cannot run.
   */
  private boolean live(List<Protocol> ps, PrintWriter human) {
    boolean anyReal = ps.stream().anyMatch(p -> !p.runsOnSimulator());
    if (host == null) {
      host = anyReal ? "live" : "sim";
      if (anyReal) {
        human.println(
            "txlab: "
                + String.join(
                    ", ",
                    ps.stream().filter(p -> !p.runsOnSimulator()).map(Protocol::name).toList())
                + " is a real server, not simulated: comparing on the live host");
      }
    }
    if (!host.equals("sim") && !host.equals("live")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--host must be sim or live, not '" + host + "'");
    }
    for (Protocol p : ps) {
      if (host.equals("sim") && !p.runsOnSimulator()) {
        throw new Txlab.UsageError(
            p.name() + " is a real server, not simulated: compare it with --host live");
      }
      if (host.equals("live") && !dev.txlab.scenarios.live.LiveScenarioRun.hosts(p)) {
        throw new Txlab.UsageError(
            p.name()
                + " runs on the simulator only, not on the live host: compare it with --host sim");
      }
    }
    return host.equals("live");
  }

  static List<String> notApplied(Entry e) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < e.figures().size(); i++) {
      for (String s : e.figures().get(i).notApplied()) {
        String line = s + (e.seeds().size() > 1 ? " (seed " + e.seeds().get(i) + ")" : "");
        if (!out.contains(line)) {
          out.add(line);
        }
      }
    }
    return out;
  }

  private static List<String> verdictWords(Comparison.Figures f) {
    List<String> out = new ArrayList<>();
    f.verdicts().forEach((model, v) -> out.add(model + " " + v));
    return out;
  }

  /** {@code N} or {@code A..B} (at most 1,000 seeds). */
  static List<Long> seedList(String text, long dflt) {
    if (text == null) {
      return List.of(dflt);
    }
    String t = text.strip();
    try {
      long from;
      long to;
      int dots = t.indexOf("..");
      if (dots >= 0) {
        from = Long.parseLong(t.substring(0, dots).strip());
        to = Long.parseLong(t.substring(dots + 2).strip());
      } else {
        from = Long.parseLong(t);
        to = from;
      }
      if (to < from || to - from >= 1000) {
        throw new Txlab.UsageError(
            "--seeds " + text + ": expected A..B with A <= B and at most 1,000 seeds");
      }
      List<Long> out = new ArrayList<>();
      for (long s = from; s <= to; s++) {
        out.add(s);
      }
      return out;
    } catch (NumberFormatException e) {
      throw new Txlab.UsageError("--seeds " + text + ": expected a seed N or a range A..B");
    }
  }

  static Map<String, Object> toMap(Scenario s, List<String> models, List<Entry> entries, Path dir) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", s.name());
    m.put("models", models);
    m.put("out", dir.toString());
    List<Object> ps = new ArrayList<>();
    for (Entry e : entries) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("protocol", e.protocol().name());
      pm.put("left_out", e.skipped());
      pm.put("faults_not_applied", notApplied(e));
      List<Object> runs = new ArrayList<>();
      for (int i = 0; i < e.seeds().size(); i++) {
        Comparison.Figures f = e.figures().get(i);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("seed", e.seeds().get(i));
        r.put("dir", e.dirs().get(i));
        r.put("verdicts", f.verdicts());
        r.put("anomalies", f.anomalies());
        r.put("ok_per_s", round(f.okPerSecond()));
        r.put("latency_ms_p50", round(f.latencyNanos()[0] / 1e6));
        r.put("latency_ms_p99", round(f.latencyNanos()[1] / 1e6));
        r.put("latency_ms_max", round(f.latencyNanos()[2] / 1e6));
        r.put("retries", f.retries());
        r.put("waits", f.waits());
        r.put(
            "messages_per_commit",
            Double.isNaN(f.messagesPerCommit()) ? null : round(f.messagesPerCommit()));
        runs.add(r);
      }
      pm.put("runs", runs);
      ps.add(pm);
    }
    m.put("protocols", ps);
    return m;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, v >= 100 || v == Math.rint(v) ? "%.0f" : "%.1f", v);
  }

  /** Every check the runs made, in the order of the first run that made it. */
  static List<String> checks(List<Entry> entries) {
    List<String> out = new ArrayList<>();
    for (Entry e : entries)
      for (Comparison.Figures f : e.figures())
        for (String c : f.verdicts().keySet()) if (!out.contains(c)) out.add(c);
    return out;
  }
}
