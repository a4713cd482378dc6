package dev.txlab.scenarios.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code txlab bench}: figures, not verdicts. Each subcommand prints timings it measured. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print figures (never a pass/fail verdict).",
    subcommands = {
      BenchCheckCommand.class,
      BenchTxnCommand.class,
      BenchSimCommand.class,
      BenchLiveCommand.class
    })
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a bench subcommand is required");
  }
}
