package dev.txlab.scenarios.cli;

import dev.txlab.checker.Validity;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.ProtocolRegistry;
import dev.txlab.scenarios.run.RunOutcome;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.run.ScenarioLibrary;
import dev.txlab.scenarios.run.ScenarioReader;
import dev.txlab.scenarios.run.SimRun;
import dev.txlab.scenarios.script.ScriptException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txlab soak shapes}: many simulated runs of random cluster shapes — 1–9 nodes, 1–5 shards,
 * 1–5 replicas, every workload, every registered protocol that serves it with its knobs at their
 * defaults, lossy, duplicating and reordering links, and every fault kind — each a pure function of
 * its seed. txlab must never crash on any of them, and with every guarantee on every history must
 * be valid. Each failure is printed as it happens, with the script written beside it and the
 * command that replays it.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description =
        "Long checks of txlab itself: random cluster shapes under every fault (shapes); no"
            + " acknowledged write lost through real kills (durability).",
    subcommands = {SoakCommand.Shapes.class, SoakCommand.Durability.class})
final class SoakCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "expected 'shapes' or 'durability'");
  }

  @Command(
      name = "shapes",
      mixinStandardHelpOptions = true,
      description =
          "Random cluster shapes (nodes 1-9, shards 1-5, replicas 1-5), workloads, protocols and"
              + " faults, one per seed: counts crashes (exit 70 in a run), invalid histories and"
              + " runs that did not converge. Exit 0 only when none crashed or was invalid.")
  static final class Shapes implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--seeds", paramLabel = "FROM..TO", description = "The seeds (default 1..100).")
    String seeds = "1..100";

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "Where each failing seed's script is written (default runs/soak-shapes).")
    Path out = Path.of("runs", "soak-shapes");

    @Override
    public Integer call() {
      long from;
      long to;
      try {
        String[] parts = seeds.split("\\.\\.");
        from = Long.parseLong(parts[0]);
        to = parts.length > 1 ? Long.parseLong(parts[1]) : from;
        if (from < 0 || to < from) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new Txlab.UsageError("--seeds must be FROM..TO (e.g. 1..1000), not '" + seeds + "'");
      }
      PrintWriter w = spec.commandLine().getOut();
      int crashed = 0;
      int invalid = 0;
      int notConverged = 0;
      int lied = 0;
      long start = System.nanoTime();
      for (long seed = from; seed <= to; seed++) {
        String script = script(seed);
        Scenario s;
        try {
          s =
              ScenarioReader.read(
                  new ScenarioLibrary.Source("shape-" + seed, "soak", script), List.of());
        } catch (ScriptException e) {
          throw new IllegalStateException(
              "the soak wrote a script txlab refuses: " + e.getMessage(), e);
        }
        String what;
        try {
          RunOutcome o = SimRun.run(s, seed, f -> {}, null);
          boolean converged = o.checks().get("converged").validity() == Validity.VALID;
          // Clock faults beyond ε make TrueTime lie, and then external consistency is lost by
          // design (the truetime-lies scenario); serializability must hold regardless.
          boolean truetimeLied = o.metrics().getOrDefault("truetime_lies", 0.0) > 0;
          Validity v = Validity.VALID;
          for (var c : o.checks().entrySet()) {
            boolean explained = truetimeLied && c.getKey().equals("strict-serializable");
            if (!c.getKey().equals("converged") && !explained) {
              v = v.worse(c.getValue().validity());
            }
          }
          if (truetimeLied
              && o.checks().containsKey("strict-serializable")
              && o.checks().get("strict-serializable").validity() == Validity.INVALID) {
            lied++;
          }
          if (v == Validity.INVALID) {
            invalid++;
            what = "INVALID: " + o.checks();
          } else if (!converged) {
            notConverged++;
            what = null;
          } else {
            what = null;
          }
        } catch (RuntimeException e) {
          crashed++;
          what = "CRASH: " + e;
        }
        if (what != null) {
          Path file = out.resolve("shape-" + seed + ".yaml");
          try {
            Files.createDirectories(out);
            Files.writeString(file, script);
          } catch (IOException e) {
            throw new Txlab.UsageError("cannot write " + file + ": " + e.getMessage());
          }
          w.printf("seed %d %s%n  replay: ./txlab run %s --seed %d%n", seed, what, file, seed);
          w.flush();
        }
      }
      long n = to - from + 1;
      w.printf(
          Locale.ROOT,
          "%d shapes in %.0f s: %d crashed, %d invalid, %d did not converge after the final heal;"
              + " %d not strict-serializable where clock faults made TrueTime lie (expected)%n",
          n,
          (System.nanoTime() - start) / 1e9,
          crashed,
          invalid,
          notConverged,
          lied);
      w.flush();
      return crashed > 0 || invalid > 0 ? 1 : 0;
    }

    /** The seed's shape, as a scenario script. */
    static String script(long seed) {
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
      int nodes = 1 + r.nextInt(9);
      int shards = 1 + r.nextInt(5);
      int replicas = 1 + r.nextInt(Math.min(5, nodes));
      String[] workloads = {"register", "list-append", "rw-register", "bank"};
      String workload = workloads[r.nextInt(workloads.length)];
      Protocol.Serves serves =
          workload.equals("register") ? Protocol.Serves.SINGLE_KEY : Protocol.Serves.TRANSACTIONS;
      List<Protocol> fit = new ArrayList<>();
      for (Protocol p : ProtocolRegistry.all()) {
        if (p.serves() == serves && !p.promises().isEmpty()) {
          fit.add(p);
        }
      }
      Protocol protocol = fit.get(r.nextInt(fit.size()));
      List<String> kinds = new ArrayList<>();
      for (dev.txlab.chaos.schedule.NemesisKind k : dev.txlab.chaos.schedule.NemesisKind.values()) {
        if (k.nodesMin() <= nodes) {
          kinds.add(k.text());
        }
      }
      StringBuilder y = new StringBuilder();
      y.append("name: shape-").append(seed).append('\n');
      y.append("duration: 8s\nconverge: 4s\n");
      y.append("nodes: ").append(nodes).append("\nshards: ").append(shards);
      y.append("\nreplicas: ").append(replicas).append('\n');
      y.append("protocol: ").append(protocol.name()).append('\n');
      y.append("network: {loss: ")
          .append(r.nextInt(4))
          .append("%, duplicate: ")
          .append(r.nextInt(3));
      y.append("%, reorder: ").append(r.nextInt(3)).append("%}\n");
      y.append("workload: {name: ")
          .append(workload)
          .append(", clients: ")
          .append(1 + r.nextInt(12));
      y.append(", rate: ").append(20 + r.nextInt(300)).append("}\n");
      if (serves == Protocol.Serves.TRANSACTIONS) {
        // What the protocol promises, and serializability under it when that is implied: a
        // protocol is held to its own promises (crdb promises serializability, not strict
        // serializability; percolator snapshot isolation, not serializability).
        java.util.LinkedHashSet<String> models = new java.util.LinkedHashSet<>(protocol.promises());
        java.util.Set<String> stronger =
            dev.txlab.checker.txn.ModelLattice.modelsImplying(
                dev.txlab.checker.txn.ModelLattice.canonical("serializable"));
        for (String m : protocol.promises()) {
          if (stronger.contains(dev.txlab.checker.txn.ModelLattice.canonical(m))) {
            models.add("serializable");
          }
        }
        y.append("consistency: [").append(String.join(", ", models)).append("]\n");
      }
      y.append("faults:\n");
      int lines = 1 + r.nextInt(2);
      for (int i = 0; i < lines; i++) {
        String kind = kinds.get(r.nextInt(kinds.size()));
        int window = 1 + r.nextInt(2);
        y.append("  - random ").append(kind).append(" every ~").append(window + 1 + r.nextInt(3));
        y.append("s for ~").append(window).append("s\n");
      }
      if (serves == Protocol.Serves.TRANSACTIONS && r.nextInt(4) == 0) {
        y.append("  - at 2s for 3s kill coordinator after ")
            .append(r.nextBoolean() ? "prepare" : "decide");
        y.append('\n');
      }
      return y.toString();
    }
  }

  @Command(
      name = "durability",
      mixinStandardHelpOptions = true,
      description =
          "Three real node processes; clients append while the leader is killed (SIGKILL) and"
              + " restarted --kills times, then every node at once; then every key is read back."
              + " Exit 0 only if no acknowledged append is lost, no value appears that no client"
              + " wrote, and the history checks.")
  static final class Durability implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--kills",
        defaultValue = "10",
        paramLabel = "N",
        description = "Leader kills while clients write (default ${DEFAULT-VALUE}).")
    int kills;

    @Option(
        names = "--duration",
        defaultValue = "60s",
        paramLabel = "DURATION",
        description = "How long clients write (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "The cluster's directory (default a fresh one under runs/soak-durability).")
    Path dir;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the fault choices.")
    long seed;

    @Override
    public Integer call() throws Exception {
      if (kills < 0 || kills > 1000) {
        throw new Txlab.UsageError("--kills must be 0..1000, not " + kills);
      }
      java.time.Duration writing;
      try {
        writing = java.time.Duration.ofNanos(dev.txlab.chaos.fault.Durations.parse(duration));
      } catch (dev.txlab.chaos.fault.FaultSyntaxException | RuntimeException e) {
        throw new Txlab.UsageError("--duration: " + e.getMessage());
      }
      if (writing.toSeconds() < 5) {
        throw new Txlab.UsageError("--duration must be at least 5s, not " + duration);
      }
      Path where =
          dir != null
              ? dir
              : Path.of("runs", "soak-durability", String.valueOf(System.currentTimeMillis()));
      PrintWriter w = spec.commandLine().getOut();
      dev.txlab.scenarios.live.DurabilityProbe.Report r;
      try {
        r =
            dev.txlab.scenarios.live.DurabilityProbe.run(
                where,
                kills,
                writing,
                seed,
                line -> {
                  w.println(line);
                  w.flush();
                });
      } catch (dev.txlab.scenarios.live.LiveException e) {
        throw new Txlab.UsageError(e.getMessage());
      }
      w.printf(
          "%d leader kills and one whole-cluster kill; %,d acknowledged appends on %d keys:"
              + " %d lost, %d never written; history %s (%s)%n",
          r.leaderKills(),
          r.acknowledged(),
          r.keys(),
          r.lost().size(),
          r.phantom().size(),
          r.history().name().toLowerCase(java.util.Locale.ROOT),
          r.historySummary());
      if (!r.lost().isEmpty()) w.println("lost: " + r.lost());
      if (!r.phantom().isEmpty()) w.println("never written: " + r.phantom());
      w.println("cluster data and node logs: " + where);
      w.flush();
      return r.ok() ? 0 : 1;
    }
  }
}
