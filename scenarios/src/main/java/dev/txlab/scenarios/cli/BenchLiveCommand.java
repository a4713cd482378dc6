package dev.txlab.scenarios.cli;

import dev.txlab.scenarios.live.LiveBench;
import dev.txlab.scenarios.live.LiveCluster;
import dev.txlab.scenarios.live.LiveException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txlab bench live}: a 3-node single-shard cluster on loopback with fsync on — single-key
 * PUTs at 1, 16 and 64 clients, linearizable GETs at 16 — then a 3-node 3-shard transactional
 * cluster for cross-shard transactions. The clients run in this process, the nodes in their own.
 * Figures, not a verdict; the machine's load is printed with them.
 */
@Command(
    name = "live",
    mixinStandardHelpOptions = true,
    description =
        "Throughput and p50/p99 latency of live clusters on loopback (fsync on), measured with fixed-concurrency HTTP clients.",
    footer = {"", "Example: txlab bench live --measure 10s"})
final class BenchLiveCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--warmup",
      defaultValue = "3s",
      converter = DurationConverter.class,
      description = "Warm-up per load (default 3s).")
  Duration warmup;

  @Option(
      names = "--measure",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Measured time per load (default 10s).")
  Duration measure;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Where the benchmark clusters live, kept afterwards (default: a temporary directory, removed afterwards).")
  Path dir;

  @Option(names = "--skip-txn", description = "Only the single-key figures.")
  boolean skipTxn;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path root = dir != null ? dir : Files.createTempDirectory("txlab-bench-live-");
    List<LiveBench.Figures> rows = new ArrayList<>();
    String stamp = Long.toString(System.currentTimeMillis(), 36);
    out.println("load before: " + uptime());
    out.flush();
    LiveCluster kv;
    try {
      kv = LiveBench.cluster(root.resolve("kv"), 1, "raft-kv", line -> progress(out, line));
    } catch (LiveException e) {
      throw new Txlab.UsageError(e.getMessage());
    }
    try {
      for (int clients : List.of(1, 16, 64)) {
        progress(out, "puts, " + clients + " client(s) …");
        rows.add(
            LiveBench.measure(
                kv, "puts", clients, warmup, measure, LiveBench.put("p" + stamp + "-" + clients)));
      }
      progress(out, "linearizable gets, 16 clients …");
      rows.add(
          LiveBench.measure(
              kv, "linearizable gets", 16, warmup, measure, LiveBench.get("p" + stamp + "-16")));
    } finally {
      report(out, kv.stop(Duration.ofSeconds(5)));
    }
    if (!skipTxn) {
      LiveCluster txn;
      try {
        txn = LiveBench.cluster(root.resolve("txn"), 3, "spanner", line -> progress(out, line));
      } catch (LiveException e) {
        throw new Txlab.UsageError(e.getMessage());
      }
      try {
        progress(out, "cross-shard transactions (3 appends on 3 shards), 16 clients …");
        rows.add(
            LiveBench.measure(
                txn,
                "cross-shard txns (3 shards)",
                16,
                warmup,
                measure,
                LiveBench.crossShardTxn(
                    LiveBench.keysPerClient(txn, 16, "x" + stamp), "b" + stamp + "-")));
      } finally {
        report(out, txn.stop(Duration.ofSeconds(5)));
      }
    }
    out.println();
    out.printf(
        "%-30s %8s %10s %9s %9s %9s %7s%n",
        "load", "clients", "ops/s", "p50 ms", "p99 ms", "max ms", "errors");
    for (LiveBench.Figures f : rows) {
      out.printf(
          Locale.ROOT,
          "%-30s %8d %10.0f %9.1f %9.1f %9.1f %7d%n",
          f.load(),
          f.clients(),
          f.opsPerSecond(),
          f.p50Millis(),
          f.p99Millis(),
          f.maxMillis(),
          f.errors());
    }
    out.println();
    out.println(
        "etcd 3.4, 3 members on loopback, fsync on (issue 6): puts 1 client ~560-600/s (1.5 / 8-9 ms),"
            + " 16 clients ~2,400-2,500/s (5.8 / 15-17 ms), 64 clients ~4,400/s (13.5 / 31-33 ms); linearizable reads,"
            + " 16 clients ~6,400/s (2.3 / 7 ms)");
    out.println(
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cores; load after: "
            + uptime());
    if (dir == null) {
      deleteTree(root);
    } else {
      out.println("clusters' data and logs: " + root);
    }
    out.flush();
    return 0;
  }

  /** Removes a benchmark's temporary directory (its nodes are stopped). */
  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void progress(PrintWriter out, String line) {
    out.println("  " + line);
    out.flush();
  }

  private static void report(PrintWriter out, LiveCluster.StopReport r) {
    if (!r.leftAlive().isEmpty()) {
      out.println("  WARNING: processes left alive: " + r.leftAlive());
    }
  }

  private static String uptime() {
    try {
      return Files.readAllLines(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).get(0).strip()
          + " (1/5/15-min load, running/total, last pid)";
    } catch (IOException e) {
      return "(no /proc/loadavg)";
    }
  }
}
