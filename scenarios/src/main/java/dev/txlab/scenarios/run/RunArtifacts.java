package dev.txlab.scenarios.run;

import dev.txlab.checker.history.HistoryWriter;
import dev.txlab.scenarios.trace.TraceMode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's directory from its outcome, the same for both hosts: {@code history.edn} (Jepsen
 * EDN), {@code scenario.yaml} (the script as run, with the seed), {@code results.json}, {@code
 * report.html} and the checker's own page beside it. The trace file ({@code trace.jsonl.gz}) is the
 * host's: the simulator streams its events into it while it runs (as much as the run's {@link
 * TraceMode} keeps); the live host writes the faults it applied. The report's message diagram is
 * drawn from it.
 */
public final class RunArtifacts {
  private RunArtifacts() {}

  /**
   * Writes the files and returns the result object ({@link RunResults#toMap}) that {@code
   * results.json} holds.
   *
   * @param replay the command that replays (simulated) or repeats (live) the run
   * @param trace how much of the trace the run wrote (none: the report says it has no diagram)
   */
  public static Map<String, Object> write(
      RunDirectory dir, RunOutcome o, String replay, TraceMode trace) throws IOException {
    Map<String, Object> results = RunResults.toMap(o, replay, dir.path().toString());
    try (BufferedWriter w =
        Files.newBufferedWriter(dir.resolve(RunDirectory.HISTORY), StandardCharsets.UTF_8)) {
      HistoryWriter.writeEdn(o.history().events(), w);
    }
    long seed = o.seed().orElse(o.scenario().seed());
    Files.writeString(
        dir.resolve(RunDirectory.SCENARIO),
        o.provenance() instanceof RunOutcome.Live
            ? ScenarioYaml.asLiveRun(
                o.scenario(), seed, o.plan().isEmpty() ? List.of() : List.of(o.plan().split("\n")))
            : ScenarioYaml.asRun(o.scenario(), seed));
    writeResults(dir, results);
    Path checkReport = o.primary() == null ? null : o.primary().writeReport(dir.path());
    RunReport.write(
        dir.resolve(RunDirectory.REPORT),
        o,
        results,
        checkReport == null ? null : checkReport.getFileName().toString(),
        MessageDiagram.of(o, dir.path(), trace));
    return results;
  }

  /** (Re)writes {@code results.json}. */
  public static void writeResults(RunDirectory dir, Map<String, Object> results)
      throws IOException {
    Files.writeString(dir.resolve(RunDirectory.RESULTS), RunResults.json(results, true) + "\n");
  }
}
