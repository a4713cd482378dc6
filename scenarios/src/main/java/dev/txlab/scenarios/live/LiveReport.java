package dev.txlab.scenarios.live;

import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.HistoryWriter;
import dev.txlab.node.sim.Simulator;
import dev.txlab.scenarios.run.ClockTimeline;
import dev.txlab.scenarios.run.RunDirectory;
import dev.txlab.scenarios.run.RunReport;
import dev.txlab.scenarios.run.RunResults;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.run.ScenarioYaml;
import dev.txlab.scenarios.run.SimRun;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a live run's directory in the same form as a simulated run's — {@code history.edn},
 * {@code results.json}, {@code report.html} and the checker's page, {@code scenario.yaml}, and
 * {@code trace.jsonl} (here: the faults applied, one per line) — by presenting the live result as
 * a run outcome. What only the simulator measures (message counts, a trace digest, protocol
 * metrics read from inside the nodes) is absent, and {@code results.json} says {@code "host":
 * "live"}.
 */
public final class LiveReport {
  /** Stands in for the trace digest a live run does not have; the report's header is rewritten. */
  private static final String NO_DIGEST = "0".repeat(64);

  private LiveReport() {}

  /** The live result as the outcome the report and results writers take. */
  public static SimRun.Outcome outcome(Scenario scenario, LiveWorkload.Result r) {
    List<FaultEvent> events = faultEvents(r.faults());
    StringBuilder plan = new StringBuilder();
    for (LiveWorkload.FaultRecord f : r.faults()) {
      plan.append("at ").append(Durations.text(f.atNanos() / 1_000_000 * 1_000_000)).append(' ').append(f.summary()).append('\n');
    }
    Simulator.Stats stats = new Simulator.Stats(r.history().size(), 0, 0, (long) (r.runSeconds() * 1e9), 0, new TreeMap<>(), new TreeMap<>());
    return new SimRun.Outcome(
        scenario, 0, r.history(), r.primary(), r.checks(), r.metrics(), List.of(), events, plan.toString().strip(), NO_DIGEST,
        stats, r.runSeconds(), r.runSeconds() + r.checkSeconds(), r.runSeconds(), r.checkSeconds(),
        ClockTimeline.of(List.of()), Map.of());
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
        FaultEvent start = new FaultEvent(events.size(), r.atNanos(), f, FaultEvent.Cause.START, -1);
        events.add(start);
        open.add(start);
      }
    }
    return events;
  }

  private static boolean undoes(Fault f, Fault started) {
    if (f instanceof Fault.Heal) {
      return started.category() == Fault.Category.NETWORK || started.category() == Fault.Category.LINK;
    }
    if (f instanceof Fault.NetReset) {
      return started.category() == Fault.Category.LINK;
    }
    if (f.undo().isPresent()) {
      // A fault replaces an earlier setting of its own kind only when it turns it off.
      return false;
    }
    return started.undo().map(u -> u.keyword().equals(f.keyword())).orElse(false)
        || (started instanceof Fault.Loss || started instanceof Fault.Delay || started instanceof Fault.Duplicate
            || started instanceof Fault.Reorder) && f.keyword().equals(started.keyword());
  }

  /** Writes the run directory; returns the result object (also in {@code results.json}). */
  public static Map<String, Object> write(RunDirectory dir, SimRun.Outcome o, LiveWorkload.Result r, String command,
      List<String> notes) throws IOException {
    Map<String, Object> results = RunResults.toMap(o, command, dir.path().toString());
    results.put("host", "live");
    results.remove("seed");
    results.remove("trace_sha256");
    results.remove("raft_violations");
    results.put("notes", notes);
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("wall_seconds", Math.round(o.wallSeconds() * 1000) / 1000.0);
    stats.put("run_seconds", Math.round(r.runSeconds() * 1000) / 1000.0);
    stats.put("check_wall_seconds", Math.round(r.checkSeconds() * 1000) / 1000.0);
    stats.put("history_events", r.history().size());
    stats.put("start_wall_ns", r.startWallNanos());
    results.put("stats", stats);
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(RunDirectory.HISTORY), StandardCharsets.UTF_8)) {
      HistoryWriter.writeEdn(o.history().events(), w);
    }
    Files.writeString(dir.resolve(RunDirectory.SCENARIO), ScenarioYaml.asRun(o.scenario(), 0));
    StringBuilder trace = new StringBuilder();
    for (LiveWorkload.FaultRecord f : r.faults()) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("t", f.atNanos());
      line.put("at", "nemesis");
      line.put("what", f.summary());
      trace.append(RunResults.json(line, false)).append('\n');
    }
    Files.writeString(dir.resolve(RunDirectory.TRACE), trace.toString());
    Files.writeString(dir.resolve(RunDirectory.RESULTS), RunResults.json(results, true) + "\n");
    java.nio.file.Path checkReport = o.primary() == null ? null : o.primary().writeReport(dir.path());
    RunReport.write(dir.resolve(RunDirectory.REPORT), o, results, checkReport == null ? null : checkReport.getFileName().toString());
    liveHeader(dir.resolve(RunDirectory.REPORT), notes);
    return results;
  }

  /**
   * The report's header is written for simulated runs (seed, simulated seconds, trace digest); a
   * live run has real time and no digest, so those words are replaced. If the page's wording
   * changes, the header is left as it was and the rest of the page is unaffected.
   */
  private static void liveHeader(java.nio.file.Path report, List<String> notes) throws IOException {
    String html = Files.readString(report, StandardCharsets.UTF_8);
    // The simulator's message counts have no live counterpart; the live host's notes go there.
    StringBuilder live = new StringBuilder();
    if (!notes.isEmpty()) {
      live.append("<h2>Live host</h2><ul>");
      for (String n : notes) {
        live.append("<li>").append(escape(n)).append("</li>");
      }
      live.append("</ul>");
    }
    String out = html
        .replace("<h2>Messages</h2><table><tr><th>type</th><th>sent</th></tr></table>", live.toString())
        .replaceFirst(" · seed 0 · ", " · ")
        .replaceFirst("([0-9][0-9.,]*) s simulated in [0-9.,]+ s · trace sha256 <code>0{16}…</code>", "live host: $1 s of real time")
        .replaceFirst("<p>Replay: <code>", "<p>Command: <code>");
    Files.writeString(report, out, StandardCharsets.UTF_8);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  public static String word(Validity v) {
    return v == Validity.VALID ? "valid" : v == Validity.INVALID ? "INVALID" : "unknown";
  }
}
