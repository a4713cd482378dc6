package dev.txlab.scenarios.cli;

import dev.txlab.scenarios.live.EtcdCluster;
import dev.txlab.scenarios.live.LiveBench;
import dev.txlab.scenarios.live.LiveCluster;
import dev.txlab.scenarios.live.LiveException;
import dev.txlab.scenarios.live.NodeApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txlab bench live}: a 3-node single-shard raft-kv cluster on loopback with fsync on — PUTs
 * at 1, 16 and 64 clients, linearizable GETs at 16, {@value LiveBench#KEYS} keys, {@value
 * LiveBench#VALUE_BYTES}-byte values, every request to the leader — and, when {@code etcd} is on
 * the PATH, a 3-member etcd measured the same way by the same client, one system at a time, with
 * the ratios; then a 3-node 3-shard Spanner-style cluster for list-append transactions at 16 and 64
 * clients ({@code --txn-clients}) over a shared pool of keys ({@code --txn-keys}), each point's
 * history checked for strict serializability. Closed-loop clients in this process, one HdrHistogram
 * per point; {@code --rounds} takes medians, {@code --json} prints every figure. The single-key
 * points are figures only; the transactional points carry the checker's verdict too (exit status 1
 * when a history is invalid). The machine's load is printed with them.
 */
@Command(
    name = "live",
    mixinStandardHelpOptions = true,
    description =
        "Throughput and latency of a live cluster on loopback (fsync on), beside etcd when it is on the PATH, measured with the same closed-loop HTTP clients; then list-append transactions on a 3-shard Spanner-style cluster, each point's history checked for strict serializability (exit 1 if one is invalid).",
    footer = {"", "Example: txlab bench live --rounds 3 --measure 10s"})
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

  @Option(
      names = "--skip-single-key",
      description = "Only the transactional points (no raft-kv cluster, no etcd).")
  boolean skipSingleKey;

  @Option(
      names = "--txn-clients",
      defaultValue = "16,64",
      paramLabel = "N[,N…]",
      description =
          "The transactional points: closed-loop clients of each, in order, on one Spanner-style cluster per round (default 16,64).")
  String txnClients;

  @Option(
      names = "--txn-keys",
      defaultValue = "" + DEFAULT_TXN_KEYS,
      paramLabel = "N",
      description =
          "The transactions' shared key pool: keys in use at a time, hashed over the 3 shards, each retired for a fresh one after 32 appends; fewer keys, more conflicts (default "
              + DEFAULT_TXN_KEYS
              + ").")
  int txnKeys;

  static final int DEFAULT_TXN_KEYS = 64;

  @Option(
      names = "--etcd",
      defaultValue = "auto",
      paramLabel = "auto|on|off",
      description =
          "Measure a 3-member etcd beside txlab with the same client: auto (when etcd is on the PATH; the default), on (refuse without it), off.")
  String etcd;

  @Option(
      names = "--rounds",
      defaultValue = "1",
      description =
          "Rounds, each system once per round, one at a time; each figure is the median over the rounds (default 1).")
  int rounds;

  @Option(names = "--json", description = "Print the figures as JSON instead of a table.")
  boolean json;

  /** The single-key loads measured side by side, as {@code wrk_vs_etcd.sh} measures them. */
  private record Point(String load, int clients, boolean put) {}

  private static final List<Point> POINTS =
      List.of(
          new Point("puts", 1, true),
          new Point("puts", 16, true),
          new Point("puts", 64, true),
          new Point("linearizable gets", 16, false));

  /** Every single-key point against one system's leader, each added to its list of rounds. */
  private void measurePoints(
      List<List<LiveBench.Figures>> perPoint,
      String system,
      NodeApi leader,
      java.util.function.Function<Point, LiveBench.Request> request,
      PrintWriter progress) {
    for (int i = 0; i < POINTS.size(); i++) {
      Point pt = POINTS.get(i);
      progress(progress, "  " + system + " " + pt.load() + ", " + pt.clients() + " client(s) …");
      perPoint
          .get(i)
          .add(
              LiveBench.measure(
                  List.of(leader), pt.load(), pt.clients(), warmup, measure, request.apply(pt)));
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (rounds < 1 || rounds > 20) {
      throw new Txlab.UsageError("--rounds: between 1 and 20, not " + rounds);
    }
    if (!List.of("auto", "on", "off").contains(etcd)) {
      throw new Txlab.UsageError("--etcd: auto, on or off, not '" + etcd + "'");
    }
    java.util.Optional<Path> etcdProgram =
        etcd.equals("off") ? java.util.Optional.empty() : EtcdCluster.onPath();
    if (etcd.equals("on") && etcdProgram.isEmpty()) {
      throw new Txlab.UsageError(
          "--etcd on: no etcd on the PATH (apt-get install -y etcd-server installs it)");
    }
    if (skipTxn && skipSingleKey) {
      throw new Txlab.UsageError("--skip-txn and --skip-single-key: together they leave nothing");
    }
    List<Integer> txnPoints = txnPoints(txnClients);
    if (txnKeys < 1 || txnKeys > 1_000_000) {
      throw new Txlab.UsageError("--txn-keys: between 1 and 1000000, not " + txnKeys);
    }
    if (skipSingleKey) etcdProgram = java.util.Optional.empty();
    PrintWriter progress = json ? new PrintWriter(Writer.nullWriter()) : out;
    Path root = dir != null ? dir : Files.createTempDirectory("txlab-bench-live-");
    String loadBefore = uptime();
    progress.println("load before: " + loadBefore);
    progress.flush();
    // Per point, per system: the figures of every round.
    Map<String, List<List<LiveBench.Figures>>> figures = new LinkedHashMap<>();
    figures.put("txlab", new ArrayList<>());
    if (etcdProgram.isPresent()) figures.put("etcd", new ArrayList<>());
    for (List<List<LiveBench.Figures>> perPoint : figures.values()) {
      for (int i = 0; i < POINTS.size(); i++) perPoint.add(new ArrayList<>());
    }
    String stamp = Long.toString(System.currentTimeMillis(), 36);
    // Per transactional point: its figures of every round.
    List<List<LiveBench.TxnFigures>> txnFigures = new ArrayList<>();
    if (!skipTxn) {
      for (int i = 0; i < txnPoints.size(); i++) txnFigures.add(new ArrayList<>());
    }
    try {
      for (int round = 1; round <= rounds; round++) {
        String prefix = "b" + stamp + "r" + round + "-";
        if (etcdProgram.isPresent()) {
          progress(progress, "round " + round + ": etcd, 3 members on loopback …");
          try (EtcdCluster e =
              EtcdCluster.start(etcdProgram.get(), root.resolve("etcd-" + round))) {
            NodeApi leader =
                e.leader().orElseThrow(() -> new LiveException("etcd lost its leader"));
            measurePoints(
                figures.get("etcd"),
                "etcd",
                leader,
                pt -> pt.put() ? LiveBench.etcdPut(prefix) : LiveBench.etcdGet(prefix),
                progress);
          }
        }
        if (!skipSingleKey) {
          progress(progress, "round " + round + ": txlab raft-kv …");
          LiveCluster kv =
              LiveBench.cluster(
                  root.resolve("kv-" + round), 1, "raft-kv", line -> progress(progress, line));
          try {
            NodeApi leader = leaderOf(kv);
            measurePoints(
                figures.get("txlab"),
                "txlab",
                leader,
                pt -> pt.put() ? LiveBench.txlabPut(prefix) : LiveBench.txlabGet(prefix),
                progress);
          } finally {
            report(progress, kv.stop(Duration.ofSeconds(5)));
          }
        }
        if (!skipTxn) {
          progress(progress, "round " + round + ": txlab spanner, 3 shards …");
          LiveCluster txn =
              LiveBench.cluster(
                  root.resolve("txn-" + round), 3, "spanner", line -> progress(progress, line));
          try {
            for (int i = 0; i < txnPoints.size(); i++) {
              int clients = txnPoints.get(i);
              progress(
                  progress,
                  "  list-append transactions, "
                      + clients
                      + " client(s), "
                      + txnKeys
                      + " keys in use …");
              LiveBench.TxnFigures f =
                  LiveBench.measureTxns(txn, clients, txnKeys, warmup, measure);
              progress(
                  progress,
                  String.format(
                      Locale.ROOT,
                      "    history of %,d txns: %s (checked in %.2f s)",
                      f.historyTxns(),
                      f.verdict(),
                      f.checkSeconds()));
              txnFigures.get(i).add(f);
            }
          } finally {
            report(progress, txn.stop(Duration.ofSeconds(5)));
          }
        }
      }
    } catch (LiveException e) {
      throw new Txlab.UsageError(e.getMessage());
    } finally {
      if (dir == null) deleteTree(root);
    }
    String loadAfter = uptime();
    if (json) {
      printJson(out, figures, txnFigures, loadBefore, loadAfter);
    } else {
      printTable(out, figures, txnFigures, loadAfter, etcdProgram.isPresent());
      if (dir != null) out.println("clusters' data and logs: " + root);
    }
    out.flush();
    for (List<LiveBench.TxnFigures> point : txnFigures) {
      for (LiveBench.TxnFigures f : point) {
        if (f.validity() == dev.txlab.checker.Validity.INVALID) return 1;
      }
    }
    return 0;
  }

  /** {@code --txn-clients}: a comma-separated list of client counts, 1 to 1024 each. */
  static List<Integer> txnPoints(String text) {
    List<Integer> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      int n;
      try {
        n = Integer.parseInt(part.strip());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > 1024) {
        throw new Txlab.UsageError(
            "--txn-clients: client counts from 1 to 1024, separated by commas (e.g. 16,64), not '"
                + text
                + "'");
      }
      out.add(n);
    }
    return out;
  }

  /** The median figures of a transactional point's rounds, and the worst verdict among them. */
  static LiveBench.TxnFigures medianTxn(List<LiveBench.TxnFigures> rounds) {
    LiveBench.TxnFigures worst = rounds.get(0);
    for (LiveBench.TxnFigures f : rounds) {
      if (f.validity().worse(worst.validity()) != worst.validity()) worst = f;
    }
    return new LiveBench.TxnFigures(
        worst.clients(),
        worst.keys(),
        medianOf(rounds, LiveBench.TxnFigures::seconds),
        (long) medianOf(rounds, f -> (double) f.committed()),
        (long) medianOf(rounds, f -> (double) f.aborted()),
        (long) medianOf(rounds, f -> (double) f.indefinite()),
        medianOf(rounds, LiveBench.TxnFigures::multiShard),
        medianOf(rounds, LiveBench.TxnFigures::p50Millis),
        medianOf(rounds, LiveBench.TxnFigures::p90Millis),
        medianOf(rounds, LiveBench.TxnFigures::p99Millis),
        medianOf(rounds, LiveBench.TxnFigures::p999Millis),
        medianOf(rounds, LiveBench.TxnFigures::maxMillis),
        (long) medianOf(rounds, f -> (double) f.historyTxns()),
        worst.validity(),
        worst.verdict(),
        medianOf(rounds, LiveBench.TxnFigures::checkSeconds));
  }

  /** The raft-kv cluster's shard-0 leader, waited for (the loads go to it, as wrk's do). */
  private static NodeApi leaderOf(LiveCluster c) throws LiveException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      java.util.Optional<String> l = c.view().leaderOf(c.shards().get(0));
      if (l.isPresent()) return c.api(l.get());
      LiveCluster.sleep(100);
    }
    throw new LiveException("the raft-kv cluster elected no leader within 30 s");
  }

  /** The median figures of a point's rounds (each figure its own median). */
  static LiveBench.Figures median(List<LiveBench.Figures> rounds) {
    LiveBench.Figures first = rounds.get(0);
    return new LiveBench.Figures(
        first.load(),
        first.clients(),
        (long) medianOf(rounds, f -> (double) f.ok()),
        (long) medianOf(rounds, f -> (double) f.errors()),
        medianOf(rounds, LiveBench.Figures::seconds),
        medianOf(rounds, LiveBench.Figures::p50Millis),
        medianOf(rounds, LiveBench.Figures::p90Millis),
        medianOf(rounds, LiveBench.Figures::p99Millis),
        medianOf(rounds, LiveBench.Figures::p999Millis),
        medianOf(rounds, LiveBench.Figures::maxMillis));
  }

  private static <T> double medianOf(List<T> rounds, java.util.function.ToDoubleFunction<T> f) {
    double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private void printTable(
      PrintWriter out,
      Map<String, List<List<LiveBench.Figures>>> figures,
      List<List<LiveBench.TxnFigures>> txn,
      String loadAfter,
      boolean sideBySide) {
    out.println();
    if (skipSingleKey) {
      // The transactional points alone.
    } else if (sideBySide) {
      out.printf(
          "%-20s %7s %11s %11s %6s %17s %17s%n",
          "load",
          "clients",
          "etcd ops/s",
          "txlab ops/s",
          "ratio",
          "etcd p50/p99 ms",
          "txlab p50/p99 ms");
      for (int i = 0; i < POINTS.size(); i++) {
        LiveBench.Figures e = median(figures.get("etcd").get(i));
        LiveBench.Figures t = median(figures.get("txlab").get(i));
        out.printf(
            Locale.ROOT,
            "%-20s %7d %11.0f %11.0f %6.2f %17s %17s%n",
            POINTS.get(i).load(),
            POINTS.get(i).clients(),
            e.opsPerSecond(),
            t.opsPerSecond(),
            t.opsPerSecond() / e.opsPerSecond(),
            String.format(Locale.ROOT, "%.2f / %.2f", e.p50Millis(), e.p99Millis()),
            String.format(Locale.ROOT, "%.2f / %.2f", t.p50Millis(), t.p99Millis()));
      }
    } else {
      out.printf(
          "%-20s %7s %10s %9s %9s %9s %7s%n",
          "load", "clients", "ops/s", "p50 ms", "p99 ms", "max ms", "errors");
      for (int i = 0; i < POINTS.size(); i++) {
        row(out, median(figures.get("txlab").get(i)));
      }
    }
    if (!txn.isEmpty()) {
      if (!skipSingleKey) out.println();
      out.printf(
          "%-20s %7s %10s %10s %6s %8s %8s %8s %9s %9s%n",
          "load",
          "clients",
          "commits/s",
          "aborts/s",
          "info",
          "p50 ms",
          "p90 ms",
          "p99 ms",
          "p99.9 ms",
          "max ms");
      for (List<LiveBench.TxnFigures> point : txn) {
        LiveBench.TxnFigures f = medianTxn(point);
        out.printf(
            Locale.ROOT,
            "%-20s %7d %10.0f %10.1f %6d %8.2f %8.2f %8.2f %9.2f %9.2f%n",
            "list-append txns",
            f.clients(),
            f.committedPerSecond(),
            f.abortedPerSecond(),
            f.indefinite(),
            f.p50Millis(),
            f.p90Millis(),
            f.p99Millis(),
            f.p999Millis(),
            f.maxMillis());
      }
      for (List<LiveBench.TxnFigures> point : txn) {
        for (int r = 0; r < point.size(); r++) {
          LiveBench.TxnFigures f = point.get(r);
          out.printf(
              Locale.ROOT,
              "%d clients%s: %.0f%% of commits on 2+ shards; history of %,d txns: %s; checked in"
                  + " %.2f s%n",
              f.clients(),
              point.size() > 1 ? ", round " + (r + 1) : "",
              100 * f.multiShard(),
              f.historyTxns(),
              f.verdict(),
              f.checkSeconds());
        }
      }
      out.printf(
          Locale.ROOT,
          "transactions: a 3-node 3-shard spanner cluster, fsync on; each 1-%d micro-ops (list"
              + " appends and reads, half each) over a shared pool of %d keys hashed over the"
              + " shards (a key retired after %d appends), clients spread over the nodes; latency"
              + " of committed transactions; aborts/s: definite failures; info: unknown outcomes;"
              + " each point's history checked for strict serializability%n",
          LiveBench.TXN_LENGTH_MAX,
          txnKeys,
          LiveBench.TXN_WRITES_PER_KEY);
    }
    out.println();
    if (!skipSingleKey) printSingleKeyFooter(out, sideBySide);
    out.println(
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cores; load after: "
            + loadAfter);
  }

  private void printSingleKeyFooter(PrintWriter out, boolean sideBySide) {
    out.println(
        "each system alone on loopback, 3 members, fsync on; "
            + rounds
            + " round(s), the median of each figure; "
            + LiveBench.KEYS
            + " keys, "
            + LiveBench.VALUE_BYTES
            + "-byte values; every client's requests go to the leader");
    if (!sideBySide) {
      out.println(
          "no etcd measured beside it"
              + (etcd.equals("off")
                  ? " (--etcd off)"
                  : ": etcd is not on the PATH (apt-get install -y etcd-server)"));
    }
  }

  private static void row(PrintWriter out, LiveBench.Figures f) {
    out.printf(
        Locale.ROOT,
        "%-20s %7d %10.0f %9.2f %9.2f %9.2f %7d%n",
        f.load(),
        f.clients(),
        f.opsPerSecond(),
        f.p50Millis(),
        f.p99Millis(),
        f.maxMillis(),
        f.errors());
  }

  private void printJson(
      PrintWriter out,
      Map<String, List<List<LiveBench.Figures>>> figures,
      List<List<LiveBench.TxnFigures>> txn,
      String loadBefore,
      String loadAfter)
      throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("rounds", rounds);
    doc.put("keys", LiveBench.KEYS);
    doc.put("value_bytes", LiveBench.VALUE_BYTES);
    doc.put("cores", Runtime.getRuntime().availableProcessors());
    doc.put("load_before", loadBefore);
    doc.put("load_after", loadAfter);
    List<Map<String, Object>> points = new ArrayList<>();
    for (int i = 0; i < (skipSingleKey ? 0 : POINTS.size()); i++) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("load", POINTS.get(i).load());
      p.put("clients", POINTS.get(i).clients());
      for (Map.Entry<String, List<List<LiveBench.Figures>>> sys : figures.entrySet()) {
        Map<String, Object> m = figuresJson(median(sys.getValue().get(i)));
        List<Map<String, Object>> each = new ArrayList<>();
        for (LiveBench.Figures f : sys.getValue().get(i)) each.add(figuresJson(f));
        m.put("each_round", each);
        p.put(sys.getKey(), m);
      }
      if (figures.containsKey("etcd")) {
        p.put(
            "ratio",
            median(figures.get("txlab").get(i)).opsPerSecond()
                / median(figures.get("etcd").get(i)).opsPerSecond());
      }
      points.add(p);
    }
    doc.put("points", points);
    if (!txn.isEmpty()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("protocol", "spanner");
      t.put("shards", 3);
      t.put("workload", "list-append");
      t.put("keys", txnKeys);
      t.put("txn_length_max", LiveBench.TXN_LENGTH_MAX);
      t.put("writes_per_key", LiveBench.TXN_WRITES_PER_KEY);
      List<Map<String, Object>> txnPoints = new ArrayList<>();
      for (List<LiveBench.TxnFigures> point : txn) {
        Map<String, Object> m = txnJson(medianTxn(point));
        List<Map<String, Object>> each = new ArrayList<>();
        for (LiveBench.TxnFigures f : point) each.add(txnJson(f));
        m.put("each_round", each);
        txnPoints.add(m);
      }
      t.put("points", txnPoints);
      doc.put("transactions", t);
    }
    out.println(
        new com.fasterxml.jackson.databind.ObjectMapper()
            .writerWithDefaultPrettyPrinter()
            .writeValueAsString(doc));
  }

  private static Map<String, Object> figuresJson(LiveBench.Figures f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ops_per_s", Math.round(f.opsPerSecond() * 10) / 10.0);
    m.put("ok", f.ok());
    m.put("errors", f.errors());
    m.put("seconds", Math.round(f.seconds() * 100) / 100.0);
    m.put("p50_ms", f.p50Millis());
    m.put("p90_ms", f.p90Millis());
    m.put("p99_ms", f.p99Millis());
    m.put("p999_ms", f.p999Millis());
    m.put("max_ms", f.maxMillis());
    return m;
  }

  private static Map<String, Object> txnJson(LiveBench.TxnFigures f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clients", f.clients());
    m.put("committed_per_s", Math.round(f.committedPerSecond() * 10) / 10.0);
    m.put("aborted_per_s", Math.round(f.abortedPerSecond() * 10) / 10.0);
    m.put("committed", f.committed());
    m.put("aborted", f.aborted());
    m.put("indefinite", f.indefinite());
    m.put("seconds", Math.round(f.seconds() * 100) / 100.0);
    m.put("multi_shard_share", Math.round(f.multiShard() * 1000) / 1000.0);
    m.put("p50_ms", f.p50Millis());
    m.put("p90_ms", f.p90Millis());
    m.put("p99_ms", f.p99Millis());
    m.put("p999_ms", f.p999Millis());
    m.put("max_ms", f.maxMillis());
    m.put("history_txns", f.historyTxns());
    m.put("valid", f.validity().json());
    m.put("verdict", f.verdict());
    m.put("check_seconds", Math.round(f.checkSeconds() * 1000) / 1000.0);
    return m;
  }

  /** Removes a benchmark's temporary directory (its nodes are stopped). */
  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
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
