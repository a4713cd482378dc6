package dev.txlab.checker.linear;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.history.HistoryFormat;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Figures for the linearizability checker: each history is parsed once, then checked {@code warmup}
 * times (JIT warm-up, not reported) and {@code rounds} times measured; the per-file minimum and
 * median are printed, with the sum of minimums (Porcupine's reference figures are sums of per-file
 * minimums too). Also generates the histories the issue asks about: large multi-key register
 * histories, and single- or multi-key histories full of crashed writes that end in one stale read.
 * The command line wraps it as {@code txlab bench check}.
 */
public final class LinearBenchmark {
  private LinearBenchmark() {}

  /** One file's figures. */
  public record Figures(
      Path file,
      String workload,
      String verdict,
      int events,
      double minMillis,
      double medianMillis) {}

  /** Expands directories (recursively, sorted) into history files. */
  public static List<Path> expand(List<Path> inputs) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : inputs) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(Files::isRegularFile)
              .filter(f -> f.toString().matches(".*\\.(edn|log|txt|jsonl|gz)$"))
              .sorted()
              .forEach(out::add);
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Times the checker on each file.
   *
   * @param specFor the spec for a file (its workload, initial state …)
   */
  public static List<Figures> run(
      List<Path> files,
      java.util.function.Function<History, LinearSpec> specFor,
      int warmup,
      int rounds,
      PrintStream out)
      throws IOException, HistoryException, UnfitHistoryException {
    List<Figures> all = new ArrayList<>();
    out.printf(
        "%-52s %-15s %8s %10s %10s  %s%n",
        "history", "workload", "events", "min ms", "median ms", "verdict");
    double totalMin = 0;
    for (Path f : files) {
      History h = HistoryFormat.read(f, null);
      LinearSpec spec = specFor.apply(h);
      LinearResult r = null;
      for (int i = 0; i < warmup; i++) {
        r = LinearizabilityChecker.check(h, spec);
      }
      double[] ms = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        r = LinearizabilityChecker.check(h, spec);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      Figures fig =
          new Figures(
              f,
              spec.workload(),
              r.validity().name().toLowerCase(Locale.ROOT),
              h.size(),
              ms[0],
              ms[rounds / 2]);
      all.add(fig);
      totalMin += fig.minMillis();
      out.printf(
          Locale.ROOT,
          "%-52s %-15s %8d %10.3f %10.3f  %s%n",
          shorten(f.toString(), 52),
          fig.workload(),
          fig.events(),
          fig.minMillis(),
          fig.medianMillis(),
          fig.verdict());
    }
    out.printf(
        Locale.ROOT,
        "total over %d files: %.1f ms (sum of per-file minimums)%n",
        files.size(),
        totalMin);
    return all;
  }

  private static String shorten(String s, int n) {
    return s.length() <= n ? s : "…" + s.substring(s.length() - n + 1);
  }

  /**
   * The spec a file is checked with when none is given: the workload guessed from the operations,
   * independent keys if the values look like tuples, and the corpus conventions for Knossos'
   * cas-register files (initial value 0).
   */
  public static LinearSpec defaultSpec(History h) {
    if (h.source().contains("etcd_")) {
      // Porcupine's etcd logs: one etcd key, initially absent (nil).
      return new LinearSpec("cas-register", null, NilRead.ABSENT, false, null);
    }
    String w = LinearSpec.guessWorkload(h);
    if (w == null) {
      throw new IllegalArgumentException(h.source() + ": cannot tell the workload");
    }
    String src = h.source();
    if (w.equals("multi-register")) {
      return new LinearSpec(w, Edn.parse("{:x 0 :y 0}"), null, false, null);
    }
    if (src.contains("knossos") && w.equals("cas-register")) {
      return new LinearSpec(w, 0L, NilRead.UNKNOWN, false, null);
    }
    boolean independent =
        (w.equals("register") || w.equals("cas-register")) && LinearSpec.guessIndependent(h);
    return new LinearSpec(w, null, null, independent, null);
  }

  // ---------------------------------------------------------------- generators

  /**
   * A register history from a real atomic register: {@code clients} processes issue reads, writes
   * and compare-and-sets on {@code keys} independent keys ({@code [k v]} tuples), each taking
   * effect atomically at a random instant inside its interval; a fraction crash (their effect may
   * or may not happen; the process is retired and a new one takes its place). Linearizable by
   * construction. Values are drawn from {@code values}.
   */
  public static List<Op> atomicRegisterHistory(
      long seed, int operations, int clients, int keys, int values, double crashFraction) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Object[] regs = new Object[keys];
    List<Op> events = new ArrayList<>();
    int[] process = new int[clients];
    for (int c = 0; c < clients; c++) {
      process[c] = c;
    }
    // Each client has at most one op open: [phase, key, f, a, b, effectApplied, crash]
    long[][] open = new long[clients][];
    Object[] result = new Object[clients];
    int issued = 0;
    long time = 0;
    while (issued < operations || anyOpen(open)) {
      int c = rnd.nextInt(clients);
      time += 1 + rnd.nextInt(1000);
      long[] o = open[c];
      if (o == null) {
        if (issued >= operations) {
          continue;
        }
        issued++;
        int k = rnd.nextInt(keys);
        int f = rnd.nextInt(3);
        long a = rnd.nextInt(values);
        long b = rnd.nextInt(values);
        boolean crash = rnd.nextDouble() < crashFraction;
        open[c] = new long[] {0, k, f, a, b, 0, crash ? 1 : 0};
        events.add(
            new Op(
                events.size(),
                time,
                process[c],
                OpType.INVOKE,
                fName(f),
                value(k, f, a, b, null, true)));
      } else if (o[5] == 0) {
        // The effect happens now, atomically (a crashed op may not happen at all).
        int k = (int) o[1];
        boolean happens = o[6] == 0 || rnd.nextBoolean();
        if (happens) {
          if (o[2] == 0) {
            result[c] = regs[k];
          } else if (o[2] == 1) {
            regs[k] = o[3];
          } else {
            boolean ok = regs[k] != null && ((Long) regs[k]) == o[3];
            if (ok) {
              regs[k] = o[4];
            }
            result[c] = ok;
          }
        } else {
          result[c] = Boolean.FALSE;
        }
        o[5] = 1;
      } else {
        int k = (int) o[1];
        int f = (int) o[2];
        if (o[6] == 1) {
          events.add(
              new Op(
                  events.size(),
                  time,
                  process[c],
                  OpType.INFO,
                  fName(f),
                  value(k, f, o[3], o[4], null, true)));
          process[c] += clients;
        } else if (f == 2 && !Boolean.TRUE.equals(result[c])) {
          events.add(
              new Op(
                  events.size(),
                  time,
                  process[c],
                  OpType.FAIL,
                  fName(f),
                  value(k, f, o[3], o[4], null, true)));
        } else {
          events.add(
              new Op(
                  events.size(),
                  time,
                  process[c],
                  OpType.OK,
                  fName(f),
                  value(k, f, o[3], o[4], result[c], false)));
        }
        open[c] = null;
      }
    }
    return events;
  }

  private static boolean anyOpen(long[][] open) {
    for (long[] o : open) {
      if (o != null) {
        return true;
      }
    }
    return false;
  }

  private static String fName(int f) {
    return f == 0 ? "read" : f == 1 ? "write" : "cas";
  }

  private static Object value(int k, int f, long a, long b, Object readResult, boolean invocation) {
    Object v;
    if (f == 0) {
      v = invocation ? null : readResult;
    } else if (f == 1) {
      v = a;
    } else {
      v = List.of(a, b);
    }
    return java.util.Collections.unmodifiableList(Arrays.asList((long) k, v));
  }

  /**
   * The history that kills linearizability checkers: {@code clients} processes write distinct
   * values to {@code keys} registers and read them back, {@code crashedWrites} writes crash and
   * stay pending forever, and the very last operation is a read of one key that returns a value
   * overwritten long before — plainly stale. Not linearizable.
   */
  public static List<Op> crashedWritesWithStaleRead(
      long seed, int operations, int clients, int keys, int crashedWrites) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Op> events = new ArrayList<>();
    long[] reg = new long[keys];
    Arrays.fill(reg, -1);
    long[] firstValue = new long[keys];
    Arrays.fill(firstValue, -1);
    int nextProcess = clients;
    long time = 0;
    long nextValue = 1;
    int crashesLeft = crashedWrites;
    int perCrash = Math.max(1, operations / (crashedWrites + 1));
    for (int i = 0; i < operations - 1; i++) {
      int p = rnd.nextInt(clients);
      int k = rnd.nextInt(keys);
      time += 1000;
      boolean crash = crashesLeft > 0 && i % perCrash == perCrash - 1;
      if (crash) {
        // A write from a fresh process that never completes.
        long v = nextValue++;
        events.add(
            new Op(
                events.size(), time, nextProcess++, OpType.INVOKE, "write", List.of((long) k, v)));
        crashesLeft--;
        continue;
      }
      if (rnd.nextBoolean()) {
        long v = nextValue++;
        events.add(new Op(events.size(), time, p, OpType.INVOKE, "write", List.of((long) k, v)));
        reg[k] = v;
        if (firstValue[k] < 0) {
          firstValue[k] = v;
        }
        events.add(new Op(events.size(), time + 500, p, OpType.OK, "write", List.of((long) k, v)));
      } else {
        events.add(
            new Op(
                events.size(),
                time,
                p,
                OpType.INVOKE,
                "read",
                java.util.Collections.unmodifiableList(Arrays.asList((long) k, null))));
        Object seen = reg[k] < 0 ? null : (Object) reg[k];
        events.add(
            new Op(
                events.size(),
                time + 500,
                p,
                OpType.OK,
                "read",
                java.util.Collections.unmodifiableList(Arrays.asList((long) k, seen))));
      }
    }
    // The stale read: key 0 returns the first value ever written to it, after later writes
    // completed.
    int k = 0;
    long w = nextValue++;
    time += 1000;
    events.add(new Op(events.size(), time, 0, OpType.INVOKE, "write", List.of((long) k, w)));
    events.add(new Op(events.size(), time + 500, 0, OpType.OK, "write", List.of((long) k, w)));
    long stale = firstValue[k] >= 0 ? firstValue[k] : 0;
    time += 1000;
    events.add(
        new Op(
            events.size(),
            time,
            1,
            OpType.INVOKE,
            "read",
            java.util.Collections.unmodifiableList(Arrays.asList((long) k, null))));
    events.add(new Op(events.size(), time + 500, 1, OpType.OK, "read", List.of((long) k, stale)));
    return events;
  }

  /**
   * {@code LinearBenchmark FILE|DIR…} times files; {@code LinearBenchmark --generate KIND N SEED
   * OUT} writes a history: KIND is {@code register} (1,000 keys) or {@code crashed} (single key, 6
   * clients, 39 crashed writes) or {@code crashed10} (10 keys).
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 5 && args[0].equals("--generate")) {
      int n = Integer.parseInt(args[2]);
      long seed = Long.parseLong(args[3]);
      List<Op> ops = generate(args[1], n, seed);
      try (var w = Files.newBufferedWriter(Paths.get(args[4]))) {
        dev.txlab.checker.history.HistoryWriter.writeEdn(ops, w);
      }
      return;
    }
    List<Path> files = new ArrayList<>();
    for (String a : args) {
      files.add(Paths.get(a));
    }
    run(expand(files), LinearBenchmark::defaultSpec, 3, 5, System.out);
  }

  /** The generated histories by name: {@code register}, {@code crashed}, {@code crashed10}. */
  public static List<Op> generate(String kind, int operations, long seed) {
    switch (kind) {
      case "register":
        return atomicRegisterHistory(seed, operations, 10, 1000, 5, 0.01);
      case "crashed":
        return crashedWritesWithStaleRead(seed, operations, 6, 1, 39);
      case "crashed10":
        return crashedWritesWithStaleRead(seed, operations, 6, 10, 39);
      default:
        throw new IllegalArgumentException(
            "unknown history kind '" + kind + "' (register, crashed, crashed10)");
    }
  }
}
