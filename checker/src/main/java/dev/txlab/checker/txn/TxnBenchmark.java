package dev.txlab.checker.txn;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.history.HistoryFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Figures for the transactional checker: for each history, the time to parse it, to infer its
 * dependency graph, to search the graph for cycles, and the peak heap used; plus a generator of
 * large valid list-append histories. The command line wraps it as {@code txlab bench txn}.
 *
 * <p>Run each measurement in a fresh JVM for honest numbers (JIT warm-up and heap state of one
 * history otherwise leak into the next).
 */
public final class TxnBenchmark {
  private TxnBenchmark() {}

  /** What one history cost. */
  public record Figures(
      Path file,
      String workload,
      String verdict,
      List<String> anomalyTypes,
      int txns,
      int edges,
      long parseMillis,
      long inferMillis,
      long searchMillis,
      long peakHeapBytes) {
    public long totalMillis() {
      return parseMillis + inferMillis + searchMillis;
    }
  }

  /**
   * Parses and checks each file against {@code models} (empty: strict-serializable), printing one
   * line per file to {@code out}.
   */
  public static List<Figures> run(List<Path> files, List<String> models, PrintStream out)
      throws IOException, HistoryException, UnfitHistoryException {
    List<Figures> all = new ArrayList<>();
    out.printf(
        "%-40s %-12s %7s %7s %7s %7s %8s %9s  %s%n",
        "history", "workload", "txns", "parse", "infer", "search", "total", "peak-heap", "verdict");
    for (Path f : files) {
      resetPeaks();
      long t0 = System.nanoTime();
      History h = HistoryFormat.read(f, null);
      long t1 = System.nanoTime();
      String workload = TxnSpec.guessWorkload(h);
      if (workload == null) {
        throw new UnfitHistoryException(-1, f + " does not look like a transactional history");
      }
      TxnResult r = TxnChecker.check(h, new TxnSpec(workload, models, false, false, false, null));
      Figures fig =
          new Figures(
              f,
              workload,
              r.validity().name().toLowerCase(),
              r.anomalyTypes(),
              r.txnCount(),
              r.edgeCount(),
              (t1 - t0) / 1_000_000,
              r.inferMillis(),
              r.searchMillis(),
              peakHeap());
      all.add(fig);
      out.printf(
          "%-40s %-12s %7d %6dms %6dms %6dms %7dms %8dM  %s %s%n",
          f.getFileName(),
          workload,
          fig.txns(),
          fig.parseMillis(),
          fig.inferMillis(),
          fig.searchMillis(),
          fig.totalMillis(),
          fig.peakHeapBytes() >> 20,
          fig.verdict(),
          fig.anomalyTypes());
    }
    return all;
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /**
   * Sum of the heap pools' peaks since the last reset: an upper bound on the live heap (pools peak
   * at different moments), which is what a user sizing -Xmx needs.
   */
  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /**
   * Writes a valid list-append history of {@code txns} transactions to {@code file} (gzipped when
   * the name ends in .gz): {@code concurrency} clients over a rotating pool of keys, each
   * transaction applied atomically at its completion, so the history is strictly serializable by
   * construction. Deterministic in {@code seed}.
   */
  public static void generate(long seed, int txns, int concurrency, Path file) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    OutputStream os = Files.newOutputStream(file);
    if (file.toString().endsWith(".gz")) {
      os = new GZIPOutputStream(os, 1 << 16);
    }
    int activeKeys = 8;
    int appendsPerKeyMax = 64;
    long[] slotKey = new long[activeKeys];
    int[] slotAppends = new int[activeKeys];
    for (int i = 0; i < activeKeys; i++) {
      slotKey[i] = i;
    }
    long nextKey = activeKeys;
    boolean json = file.toString().contains(".jsonl");
    java.util.Map<Long, List<Long>> lists = new java.util.HashMap<>();
    long[][] pendingKeys = new long[concurrency][];
    long[][] pendingValues = new long[concurrency][];
    long index = 0;
    long time = 0;
    int invoked = 0;
    int completed = 0;
    try (Writer w =
        new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
      StringBuilder sb = new StringBuilder(256);
      while (completed < txns) {
        int p = rnd.nextInt(concurrency);
        time += 1 + rnd.nextInt(1000);
        sb.setLength(0);
        if (pendingKeys[p] == null) {
          if (invoked == txns) {
            continue;
          }
          invoked++;
          int n = 1 + rnd.nextInt(4);
          long[] keys = new long[n];
          long[] values = new long[n];
          sb.append("{:index ")
              .append(index++)
              .append(", :time ")
              .append(time)
              .append(", :type :invoke, :process ")
              .append(p)
              .append(", :f :txn, :value [");
          for (int i = 0; i < n; i++) {
            // Skewed key choice: low slots are hot, as in Elle's exponential distribution; a
            // slot moves to a fresh key after enough appends, so lists stay short.
            int slot = Math.min(activeKeys - 1, Integer.numberOfTrailingZeros(rnd.nextInt() | 128));
            boolean append = rnd.nextBoolean();
            if (append && slotAppends[slot] >= appendsPerKeyMax) {
              slotKey[slot] = nextKey++;
              slotAppends[slot] = 0;
            }
            keys[i] = slotKey[slot];
            values[i] = append ? ++slotAppends[slot] : -1;
            sb.append(append ? "[:append " : "[:r ")
                .append(keys[i])
                .append(' ')
                .append(append ? Long.toString(values[i]) : "nil")
                .append(']');
          }
          sb.append("]}\n");
          pendingKeys[p] = keys;
          pendingValues[p] = values;
        } else {
          // The transaction takes effect atomically now, at its completion.
          long[] keys = pendingKeys[p];
          long[] values = pendingValues[p];
          pendingKeys[p] = null;
          sb.append("{:index ")
              .append(index++)
              .append(", :time ")
              .append(time)
              .append(", :type :ok, :process ")
              .append(p)
              .append(", :f :txn, :value [");
          for (int i = 0; i < keys.length; i++) {
            List<Long> l = lists.computeIfAbsent(keys[i], k -> new ArrayList<>());
            if (values[i] >= 0) {
              l.add(values[i]);
              sb.append("[:append ").append(keys[i]).append(' ').append(values[i]).append(']');
            } else {
              sb.append("[:r ").append(keys[i]).append(" [");
              for (int j = 0; j < l.size(); j++) {
                if (j > 0) {
                  sb.append(' ');
                }
                sb.append(l.get(j));
              }
              sb.append("]]");
            }
          }
          sb.append("]}\n");
          completed++;
        }
        w.write(json ? toJson(sb) : sb.toString());
      }
    }
  }

  /**
   * The JSON Lines form of one generated EDN line; the generator's lines use only a fixed shape
   * (keyword keys, integers, :r/:append, nil and vectors), so a textual rewrite is exact.
   */
  private static String toJson(StringBuilder edn) {
    String s = edn.toString().trim();
    s =
        s.replace("{:index ", "{\"index\":")
            .replace(", :time ", ",\"time\":")
            .replace(", :type :invoke", ",\"type\":\"invoke\"")
            .replace(", :type :ok", ",\"type\":\"ok\"")
            .replace(", :process ", ",\"process\":")
            .replace(", :f :txn", ",\"f\":\"txn\"")
            .replace(", :value ", ",\"value\":")
            .replace("[:append ", "[\"append\",")
            .replace("[:r ", "[\"r\",")
            .replace("][", "],[")
            .replace(" nil]", ",null]");
    // Remaining spaces separate a key from its value or list elements.
    s = s.replace(' ', ',');
    return s + "\n";
  }

  /**
   * {@code TxnBenchmark [--models m1,m2] file...} checks files; {@code TxnBenchmark --generate txns
   * seed out.edn[.gz]} writes a valid history.
   */
  public static void main(String[] args) throws Exception {
    if (args.length >= 4 && args[0].equals("--generate")) {
      generate(Long.parseLong(args[2]), Integer.parseInt(args[1]), 10, Paths.get(args[3]));
      return;
    }
    List<String> models = List.of();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--models")) {
        models = List.of(args[++i].split(","));
      } else {
        files.add(Paths.get(args[i]));
      }
    }
    if (files.isEmpty()) {
      System.err.println(
          "usage: TxnBenchmark [--models m1,m2] history... | "
              + "--generate txns seed out.edn[.gz]");
      System.exit(2);
    }
    run(files, models, System.out);
  }
}
