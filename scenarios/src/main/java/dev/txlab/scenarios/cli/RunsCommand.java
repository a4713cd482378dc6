package dev.txlab.scenarios.cli;

import dev.txlab.scenarios.run.RunIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code txlab runs list|gc}: the runs directory on the terminal. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "List the runs in the runs directory, or delete old ones.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Gc.class})
final class RunsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  static List<RunIndex.Entry> read(Path runs) {
    if (!Files.isDirectory(runs)) {
      throw new Txlab.UsageError("--runs " + runs + ": not a directory");
    }
    try {
      return RunIndex.read(runs);
    } catch (IOException e) {
      throw new Txlab.UsageError("--runs " + runs + ": " + e.getMessage());
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "Every run, newest first: date, scenario, protocol, host, seed, verdict, anomaly types,"
              + " directory. Read from runs/index.jsonl, and a scan for runs it does not list.")
  static final class ListRuns implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--runs", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
    Path runs = Path.of("runs");

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<RunIndex.Entry> all = read(runs);
      out.printf(
          Locale.ROOT,
          "%-20s %-28s %-8s %-4s %6s %-8s %-24s %s%n",
          "date",
          "scenario",
          "protocol",
          "host",
          "seed",
          "verdict",
          "anomalies",
          "dir");
      for (RunIndex.Entry e : all) {
        Map<String, Object> l = e.line();
        Object v = l.get("valid");
        List<String> types = new ArrayList<>();
        if (l.get("anomaly_types") instanceof List<?> ts) {
          ts.forEach(t -> types.add(String.valueOf(t)));
        }
        out.printf(
            Locale.ROOT,
            "%-20s %-28s %-8s %-4s %6s %-8s %-24s %s%n",
            e.date().replaceAll("\\.[0-9]+Z$", "Z"),
            e.scenario(),
            String.valueOf(l.getOrDefault("protocol", "")),
            String.valueOf(l.getOrDefault("host", "")),
            l.get("seed") == null ? "" : String.valueOf(l.get("seed")),
            Boolean.TRUE.equals(v) ? "valid" : Boolean.FALSE.equals(v) ? "INVALID" : "unknown",
            types.isEmpty() ? "-" : String.join(",", types),
            runs.resolve(e.dir()));
      }
      out.printf("%d runs%n", all.size());
      return 0;
    }
  }

  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      description =
          "Delete old runs: by default all but the N newest runs of each scenario; with --overall,"
              + " all but the N newest runs of all. Deletes only run directories inside the runs"
              + " directory (never through a link out of it), rewrites runs/index.jsonl without"
              + " them and keeps runs/latest pointing at a run.",
      footer = {"", "Exit status: 0 done, 2 bad usage."})
  static final class Gc implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--runs", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
    Path runs = Path.of("runs");

    @Option(
        names = "--keep",
        required = true,
        paramLabel = "N",
        description = "How many of the newest runs to keep (per scenario, or overall): 1 or more.")
    int keep;

    @Option(
        names = "--overall",
        description = "Keep the N newest runs of all, not of each scenario.")
    boolean overall;

    @Option(names = "--dry-run", description = "Only say what would be deleted.")
    boolean dryRun;

    @Override
    public Integer call() {
      if (keep < 1) {
        throw new Txlab.UsageError("--keep must be 1 or more, not " + keep);
      }
      PrintWriter out = spec.commandLine().getOut();
      List<RunIndex.Entry> all = read(runs);
      List<RunIndex.Entry> doomed = RunIndex.toDelete(all, keep, !overall);
      for (RunIndex.Entry e : doomed) {
        out.println((dryRun ? "would delete " : "delete ") + runs.resolve(e.dir()));
      }
      long freed = 0;
      if (!dryRun) {
        try {
          freed = RunIndex.delete(runs, doomed);
        } catch (IOException e) {
          throw new Txlab.UsageError("--runs " + runs + ": " + e.getMessage());
        }
      }
      out.printf(
          Locale.ROOT,
          "%s %d of %d runs (keeping the %d newest %s)%s%n",
          dryRun ? "would delete" : "deleted",
          doomed.size(),
          all.size(),
          keep,
          overall ? "overall" : "per scenario",
          dryRun ? "" : String.format(Locale.ROOT, ", %.1f MB freed", freed / 1e6));
      return 0;
    }
  }
}
