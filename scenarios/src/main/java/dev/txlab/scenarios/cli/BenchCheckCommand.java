package dev.txlab.scenarios.cli;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.history.HistoryWriter;
import dev.txlab.checker.linear.LinearBenchmark;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code txlab bench check}: the linearizability checker's in-process time per history after
 * warm-up (minimum and median of several rounds, and the sum of minimums), or generates the
 * histories the benchmarks talk about.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Time the linearizability checker on histories (after JIT warm-up), or generate test histories.",
    footer = {
      "",
      "Examples:",
      "  txlab bench check ../shared/corpus/linearizability/porcupine/test_data/jepsen/",
      "  txlab bench check --generate crashed --ops 3000 /tmp/crashed.edn",
      "",
      "Generated kinds: register (10 clients, 1,000 keys, 1%% crashes), crashed (6 clients, one key,",
      "39 pending crashed writes, a stale read at the end), crashed10 (the same over 10 keys)."
    })
final class BenchCheckCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      paramLabel = "FILE|DIR",
      arity = "1..*",
      description = "Histories, or directories of them (or, with --generate, the file to write).")
  List<Path> inputs = new ArrayList<>();

  @Option(
      names = "--warmup",
      defaultValue = "3",
      description = "Unmeasured rounds per file (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--rounds",
      defaultValue = "5",
      description = "Measured rounds per file (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--generate",
      paramLabel = "KIND",
      description = "Write a generated history instead: register, crashed or crashed10.")
  String generate;

  @Option(
      names = "--ops",
      defaultValue = "3000",
      paramLabel = "N",
      description = "Size of a generated history (default ${DEFAULT-VALUE}).")
  int ops;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seed of a generated history (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    CommandLine cl = spec.commandLine();
    PrintStream out =
        new PrintStream(new WriterOutputStream(cl.getOut()), true, StandardCharsets.UTF_8);
    if (generate != null) {
      if (inputs.size() != 1 || ops < 2) {
        throw new CommandLine.ParameterException(
            cl, "--generate writes exactly one FILE, with --ops of at least 2");
      }
      List<dev.txlab.checker.history.Op> events;
      try {
        events = LinearBenchmark.generate(generate, ops, seed);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cl, "--generate: " + e.getMessage());
      }
      try (BufferedWriter w = Files.newBufferedWriter(inputs.get(0), StandardCharsets.UTF_8)) {
        HistoryWriter.writeEdn(events, w);
      }
      out.printf(
          "wrote %,d events (%s, seed %d) to %s%n", events.size(), generate, seed, inputs.get(0));
      return 0;
    }
    if (warmup < 0 || rounds < 1) {
      throw new CommandLine.ParameterException(cl, "--warmup must be >= 0 and --rounds >= 1");
    }
    for (Path p : inputs) {
      if (!Files.exists(p)) {
        throw new CommandLine.ParameterException(cl, p + ": no such file or directory");
      }
    }
    try {
      LinearBenchmark.run(
          LinearBenchmark.expand(inputs),
          h -> {
            try {
              return LinearBenchmark.defaultSpec(h);
            } catch (IllegalArgumentException e) {
              throw new Txlab.UsageError(e.getMessage());
            }
          },
          warmup,
          rounds,
          out);
    } catch (HistoryException | UnfitHistoryException e) {
      throw new Txlab.UsageError(e.getMessage());
    }
    return 0;
  }
}
