package dev.txlab.scenarios.cli;

import dev.txlab.checker.Validity;
import dev.txlab.scenarios.live.LiveCluster;
import dev.txlab.scenarios.live.LiveReport;
import dev.txlab.scenarios.live.LiveWorkload;
import dev.txlab.scenarios.run.Check;
import dev.txlab.scenarios.run.RunDirectory;
import dev.txlab.scenarios.run.RunOutcome;
import dev.txlab.scenarios.run.RunResults;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.run.ScenarioLibrary;
import dev.txlab.scenarios.run.ScenarioReader;
import dev.txlab.scenarios.script.ScriptException;
import dev.txlab.scenarios.trace.TraceMode;
import dev.txlab.scenarios.workload.WorkloadDriver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code txlab workload NAME}: clients against the live cluster for a while, their history recorded
 * with wall-clock times and the faults applied meanwhile, then checked and reported like a
 * simulated run. Exit status 0 valid, 1 invalid, 3 unknown, 2 bad usage or no cluster.
 */
@Command(
    name = "workload",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Drive clients against the live cluster, record the history (with the faults applied meanwhile), check it, and write a run directory.",
    footer = {
      "",
      "Workloads: register (single-key reads, writes, compare-and-set; checked for linearizability),",
      "           list-append and rw-register (transactions; checked against --consistency),",
      "           bank (transfers between --accounts; every read must see the same total).",
      "Examples:",
      "  txlab workload list-append --duration 20s",
      "  txlab workload register --rate 500 --clients 20 --duration 1m --out /tmp/run",
      "",
      "Exit status: 0 valid, 1 invalid, 3 unknown, 2 bad usage or no cluster."
    })
final class WorkloadCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin ClusterCommand.DirOption dir = new ClusterCommand.DirOption();

  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description =
          "register, list-append, rw-register, bank or causal-reverse (three roles: a reader and two writers on disjoint keys).")
  String name;

  @Option(
      names = "--rate",
      defaultValue = "200",
      description = "Operations (transactions) per second, all clients together (default 200).")
  int rate;

  @Option(
      names = "--duration",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How long the clients run (default 30s).")
  Duration duration;

  @Option(
      names = "--clients",
      defaultValue = "10",
      description = "Concurrent clients, one request in flight each (default 10).")
  int clients;

  @Option(
      names = "--timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "A client records :info after waiting this long (default 10s).")
  Duration timeout;

  @Option(
      names = "--accounts",
      defaultValue = "8",
      description = "bank: how many accounts (default 8).")
  int accounts;

  @Option(
      names = "--initial-balance",
      defaultValue = "10",
      description = "bank: each account's starting balance (default 10).")
  long initialBalance;

  @Option(
      names = "--consistency",
      split = ",",
      paramLabel = "MODEL",
      description = "Transactions: the models to check (default strict-serializable).")
  List<String> consistency = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write the run here (default: runs/live-NAME/<timestamp>, with runs/latest).")
  Path out;

  @Option(
      names = "--json",
      description = "Print the result object on stdout; human text goes to stderr.")
  boolean json;

  @Override
  public Integer call() {
    if (!WorkloadDriver.NAMES.contains(name) || name.equals("tso")) {
      // tso runs on the simulator only: a live node serves no timestamps to outside clients.
      throw new Txlab.UsageError(
          "unknown workload '"
              + name
              + "'; choose one of "
              + String.join(", ", WorkloadDriver.NAMES));
    }
    if (accounts < 2 || accounts > 1000 || initialBalance < 0) {
      throw new Txlab.UsageError("need --accounts 2..1000 and --initial-balance >= 0");
    }
    if (rate < 1 || clients < 1 || clients > 1000 || duration.isZero() || duration.isNegative()) {
      throw new Txlab.UsageError("need --rate >= 1, --clients 1..1000 and a positive --duration");
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter human = json ? err : spec.commandLine().getOut();
    LiveCluster c = dir.load();
    if (c.running().isEmpty()) {
      throw new Txlab.UsageError(
          "no node of the cluster in "
              + c.dir()
              + " is running; start it with: txlab cluster start"
              + dir.flag());
    }
    List<String> models = consistency.isEmpty() ? List.of("strict-serializable") : consistency;
    Scenario s = scenario(c, models);
    LiveWorkload.Spec ws =
        LiveWorkload.Spec.defaults(name)
            .withLoad(rate, duration, clients)
            .withTimeout(timeout)
            .withConsistency(s.transactional() ? models : List.of())
            .withBank(accounts, initialBalance);
    LiveWorkload w;
    try {
      w = new LiveWorkload(c, ws);
    } catch (IllegalArgumentException e) {
      throw new Txlab.UsageError(e.getMessage());
    }
    RunDirectory rd;
    try {
      rd = RunDirectory.create(Path.of("runs"), s.name(), out);
    } catch (IOException e) {
      throw new Txlab.UsageError("cannot create the run directory: " + e.getMessage());
    }
    human.printf(
        "txlab workload %s: %d clients at %d/s for %s against %d nodes in %s (faults from 'txlab chaos' are recorded)%n",
        name, clients, rate, text(duration), c.nodes().size(), c.dir());
    human.flush();
    w.start();
    w.runFor(
        duration,
        5_000_000_000L,
        line -> {
          human.println(line);
          human.flush();
        });
    w.stop();
    java.util.Map<String, Double> measured =
        dev.txlab.scenarios.live.LiveScenarioRun.nodeMetrics(c);
    LiveWorkload.Result r = w.check(-1);
    r.metrics().putAll(measured); // the nodes' protocol metrics since they started (max over nodes)
    Map<String, Long> pids = new java.util.TreeMap<>();
    for (LiveCluster.NodeStatus st : c.status()) {
      if (st.pid() != null) {
        pids.put(st.node(), st.pid());
      }
    }
    RunOutcome o =
        LiveReport.outcome(
            s, r, java.util.OptionalLong.empty(), pids, c.dir().toString(), List.of());
    Map<String, Object> results;
    try {
      results = LiveReport.write(rd, o, r, command(), TraceMode.FULL);
      rd.finish(results);
    } catch (IOException e) {
      throw new Txlab.UsageError(
          "cannot write the run directory " + rd.path() + ": " + e.getMessage());
    }
    print(human, o, r, rd);
    if (json) {
      spec.commandLine().getOut().println(RunResults.json(results, false));
      spec.commandLine().getOut().flush();
    }
    Validity v = o.validity();
    return v == Validity.VALID ? 0 : v == Validity.INVALID ? 1 : 3;
  }

  static void print(PrintWriter human, RunOutcome o, LiveWorkload.Result r, RunDirectory rd) {
    Map<String, Double> m = r.metrics();
    String unit = m.containsKey("txns") ? "txns" : "ops";
    human.printf(
        "%s: %,.0f %s in %.1f s (%,.0f ok, %,.0f fail, %,.0f info; %.1f ok/s; latency p50 %s ms, p99 %s ms)%n",
        LiveReport.word(o.validity()),
        m.get(unit),
        unit,
        r.runSeconds(),
        m.get(unit + "_ok"),
        m.get(unit + "_fail"),
        m.get(unit + "_info"),
        m.get(unit + "_ok_per_s"),
        fmt(m.get("latency_ms_p50")),
        fmt(m.get("latency_ms_p99")));
    for (Map.Entry<String, Check> e : o.checks().entrySet()) {
      human.printf(
          "  %-20s %-8s %s%n",
          e.getKey(), LiveReport.word(e.getValue().validity()), e.getValue().summary());
    }
    if (!r.faults().isEmpty()) {
      human.println("  faults during the run:");
      for (LiveWorkload.FaultRecord f : r.faults()) {
        human.printf("    at %6.2fs  %s%n", f.atNanos() / 1e9, f.summary());
      }
    }
    human.printf("  run directory %s (report.html, history.edn, results.json)%n", rd.path());
    human.flush();
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f", v);
  }

  /**
   * The run as a scenario (for the report): the cluster's shape, the workload, no scheduled faults.
   */
  private Scenario scenario(LiveCluster c, List<String> models) {
    boolean txn = !name.equals("register");
    StringBuilder y = new StringBuilder();
    y.append("name: live-").append(name).append('\n');
    y.append("description: the ")
        .append(name)
        .append(" workload against the live cluster in ")
        .append(c.dir().toAbsolutePath())
        .append('\n');
    y.append("duration: ").append(text(duration)).append('\n');
    y.append("converge: 1s\n");
    y.append("nodes: ").append(c.nodes().size()).append('\n');
    y.append("shards: ").append(c.file().shards()).append('\n');
    y.append("replicas: ").append(c.file().replicas()).append('\n');
    y.append("protocol: ").append(txn ? c.file().protocol() : "raft-kv").append('\n');
    if (!txn) {
      y.append("fsync: ").append(c.file().fsync()).append('\n');
    }
    y.append("workload:\n  name: ")
        .append(name)
        .append("\n  clients: ")
        .append(clients)
        .append("\n  rate: ")
        .append(rate)
        .append('\n');
    if (name.equals("bank")) {
      y.append("  accounts: ")
          .append(accounts)
          .append("\n  initial-balance: ")
          .append(initialBalance)
          .append('\n');
    }
    if (txn) {
      y.append("consistency: [").append(String.join(", ", models)).append("]\n");
    }
    try {
      return ScenarioReader.read(
          new ScenarioLibrary.Source("live-" + name, "live", y.toString()), List.of());
    } catch (ScriptException e) {
      throw new Txlab.UsageError(e.getMessage());
    }
  }

  private String command() {
    StringBuilder sb =
        new StringBuilder("txlab workload ")
            .append(name)
            .append(" --rate ")
            .append(rate)
            .append(" --duration ")
            .append(text(duration))
            .append(" --clients ")
            .append(clients);
    sb.append(dir.flag());
    return sb.toString();
  }

  static String text(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }
}
