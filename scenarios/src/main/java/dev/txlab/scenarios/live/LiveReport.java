package dev.txlab.scenarios.live;

import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.checker.Validity;
import dev.txlab.scenarios.run.ClockTimeline;
import dev.txlab.scenarios.run.RunArtifacts;
import dev.txlab.scenarios.run.RunDirectory;
import dev.txlab.scenarios.run.RunOutcome;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.trace.TraceMode;
import dev.txlab.scenarios.trace.TraceWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A live run's outcome and the host's part of its directory. The outcome carries a {@link
 * RunOutcome.Live} provenance — the nodes' process ids, the wall-clock start, the cluster
 * directory, the notes on what the live host could not reproduce — and nothing of the simulator's
 * (no trace digest, no simulated message counts); the report and {@code results.json} are the same
 * renderer's as a simulated run's ({@link RunArtifacts}). Its trace file lists the faults applied,
 * one per line.
 */
public final class LiveReport {
  private LiveReport() {}

  /**
   * The live result as a run outcome.
   *
   * @param seed the seed that planned the run's random faults, if it planned any
   * @param pids each node's process id when the run started
   * @param notes what the live host could not reproduce of the scenario
   */
  public static RunOutcome outcome(
      Scenario scenario,
      LiveWorkload.Result r,
      java.util.OptionalLong seed,
      Map<String, Long> pids,
      String clusterDir,
      List<String> notes) {
    return outcome(scenario, r, seed, pids, clusterDir, notes, Map.of(), List.of());
  }

  /**
   * The same, with what the run found beside the history and what it measured over time (a CDC
   * run's divergent keys and retained WAL).
   */
  public static RunOutcome outcome(
      Scenario scenario,
      LiveWorkload.Result r,
      java.util.OptionalLong seed,
      Map<String, Long> pids,
      String clusterDir,
      List<String> notes,
      Map<String, List<String>> findings,
      List<dev.txlab.coordinator.protocol.TimeSeries> timeSeries) {
    List<FaultEvent> events = faultEvents(r.faults());
    StringBuilder plan = new StringBuilder();
    for (LiveWorkload.FaultRecord f : r.faults()) {
      plan.append("at ")
          .append(Durations.text(f.atNanos() / 1_000_000 * 1_000_000))
          .append(' ')
          .append(f.summary())
          .append('\n');
    }
    RunOutcome.Live provenance =
        new RunOutcome.Live(seed, r.startWallNanos() / 1_000_000, pids, clusterDir, notes);
    RunOutcome.Timings timings =
        new RunOutcome.Timings(
            r.runSeconds(), r.runSeconds() + r.checkSeconds(), r.runSeconds(), r.checkSeconds());
    return new RunOutcome(
        scenario,
        provenance,
        r.history(),
        r.primary(),
        r.checks(),
        r.metrics(),
        events,
        plan.toString().strip(),
        ClockTimeline.of(List.of()),
        Map.of(),
        timings,
        Map.of(),
        List.of(),
        findings,
        timeSeries);
  }

  /**
   * The applied faults as plan events, so the report can shade each fault's window: a fault that
   * undoes others ({@code heal}, {@code restart}, {@code resume}, {@code clock-reset}, {@code
   * net-reset}, {@code loss 0%}) ends every open window it undoes.
   */
  static List<FaultEvent> faultEvents(List<LiveWorkload.FaultRecord> records) {
    List<FaultEvent> events = new ArrayList<>();
    List<FaultEvent> open = new ArrayList<>();
    for (LiveWorkload.FaultRecord r : records) {
      if (!r.applied()) continue;
      Fault f;
      try {
        f = Fault.parse(r.fault());
      } catch (FaultSyntaxException e) {
        continue; // written by another version; the history still carries its text
      }
      List<FaultEvent> closed = new ArrayList<>();
      for (FaultEvent s : open) {
        if (undoes(f, s.fault())) closed.add(s);
      }
      for (FaultEvent s : closed) {
        open.remove(s);
        events.add(new FaultEvent(events.size(), r.atNanos(), f, FaultEvent.Cause.UNDO, s.index()));
      }
      if (f.undo().isPresent()) {
        FaultEvent start =
            new FaultEvent(events.size(), r.atNanos(), f, FaultEvent.Cause.START, -1);
        events.add(start);
        open.add(start);
      }
    }
    return events;
  }

  private static boolean undoes(Fault f, Fault started) {
    if (f instanceof Fault.Heal) {
      return started.category() == Fault.Category.NETWORK
          || started.category() == Fault.Category.LINK;
    }
    if (f instanceof Fault.NetReset) {
      return started.category() == Fault.Category.LINK;
    }
    if (f.undo().isPresent()) {
      // A fault replaces an earlier setting of its own kind only when it turns it off.
      return false;
    }
    return started.undo().map(u -> u.keyword().equals(f.keyword())).orElse(false)
        || (started instanceof Fault.Loss
                || started instanceof Fault.Delay
                || started instanceof Fault.Duplicate
                || started instanceof Fault.Reorder)
            && f.keyword().equals(started.keyword());
  }

  /**
   * Writes the run directory; returns the result object (also in {@code results.json}). The trace
   * file lists the faults applied (a live run records no messages), unless {@code trace} is off.
   */
  public static Map<String, Object> write(
      RunDirectory dir, RunOutcome o, LiveWorkload.Result r, String command, TraceMode trace)
      throws IOException {
    if (trace != TraceMode.OFF) {
      try (TraceWriter w = TraceWriter.open(dir.resolve(RunDirectory.TRACE), trace)) {
        for (LiveWorkload.FaultRecord f : r.faults()) {
          w.event(f.atNanos(), "nemesis", f.summary());
        }
      }
    }
    return RunArtifacts.write(dir, o, command, trace);
  }

  public static String word(Validity v) {
    return v == Validity.VALID ? "valid" : v == Validity.INVALID ? "INVALID" : "unknown";
  }
}
