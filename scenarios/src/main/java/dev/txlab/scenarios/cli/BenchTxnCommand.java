package dev.txlab.scenarios.cli;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.txn.TxnBenchmark;
import dev.txlab.checker.txn.TxnSpec;
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
 * {@code txlab bench txn}: parse, inference and cycle-search times and peak heap of the
 * transactional checker, per history; or generates a large valid list-append history to measure.
 * For honest figures run one history per JVM (each {@code txlab} call is one).
 */
@Command(
    name = "txn",
    mixinStandardHelpOptions = true,
    description =
        "Time the transactional checker on histories (parse / infer / search, peak heap).",
    footer = {
      "",
      "Examples:",
      "  txlab bench txn ../shared/corpus/transactional/history-sim/sim-si-c10-100k.edn.gz",
      "  txlab bench txn --generate 1000000 --seed 1 /tmp/valid-1m.edn.gz"
    })
final class BenchTxnCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      paramLabel = "FILE",
      arity = "0..*",
      description = "History files to time (or, with --generate, the one file to write).")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--consistency",
      split = ",",
      paramLabel = "MODEL[,MODEL…]",
      description = "Models to check (default strict-serializable).")
  List<String> models = new ArrayList<>();

  @Option(
      names = "--generate",
      paramLabel = "TXNS",
      description = "Write a valid list-append history of this many transactions to FILE instead.")
  Integer generate;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Seed for --generate (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--clients",
      paramLabel = "N",
      defaultValue = "10",
      description = "Concurrency for --generate (default ${DEFAULT-VALUE}).")
  int clients;

  @Override
  public Integer call() throws IOException {
    CommandLine cl = spec.commandLine();
    if (files.isEmpty()) {
      throw new CommandLine.ParameterException(cl, "give at least one FILE");
    }
    for (String m : models) {
      if (!TxnSpec.knownModels().contains(m)) {
        throw new CommandLine.ParameterException(cl, "--consistency: unknown model '" + m + "'");
      }
    }
    PrintStream out =
        new PrintStream(new WriterOutputStream(cl.getOut()), true, StandardCharsets.UTF_8);
    if (generate != null) {
      if (generate < 1 || files.size() != 1 || clients < 1) {
        throw new CommandLine.ParameterException(
            cl, "--generate takes a positive count, --clients >= 1, and exactly one FILE to write");
      }
      TxnBenchmark.generate(seed, generate, clients, files.get(0));
      out.printf(
          "wrote %,d transactions (seed %d, %d clients) to %s%n",
          generate, seed, clients, files.get(0));
      return 0;
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new CommandLine.ParameterException(cl, f + ": no such file");
      }
    }
    try {
      TxnBenchmark.run(files, models, out);
    } catch (HistoryException | UnfitHistoryException e) {
      throw new Txlab.UsageError(e.getMessage());
    }
    return 0;
  }
}
