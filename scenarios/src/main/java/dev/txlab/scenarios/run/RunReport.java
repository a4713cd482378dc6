package dev.txlab.scenarios.run;

import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Operation;
import dev.txlab.coordinator.protocol.ProtocolRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no network) summarising a run —
 * the verdict of each check, the expectations, the knobs, the faults, and two plots over the run's
 * time (simulated or real) with fault windows shaded: each operation's latency (coloured by
 * outcome) and throughput. The linearizability checker's own page, with the counterexample drawn,
 * sits next to it and is linked.
 */
public final class RunReport {
  private static final int PLOT_WIDTH = 1000;
  private static final int MARGIN_LEFT = 60;
  private static final int MARGIN_BOTTOM = 28;

  private RunReport() {}

  /**
   * @param checkReport the checker's own page beside this one ({@code linearizability.html}, {@code
   *     txn-report.html}), or null
   * @param messages the run's message diagram, or why it has none
   */
  static void write(
      Path file,
      RunOutcome o,
      Map<String, Object> results,
      String checkReport,
      MessageDiagram messages)
      throws IOException {
    Files.writeString(file, render(o, results, checkReport, messages), StandardCharsets.UTF_8);
  }

  static String render(
      RunOutcome o, Map<String, Object> results, String checkReport, MessageDiagram messages) {
    Scenario s = o.scenario();
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!doctype html><html lang=en><head><meta charset=utf-8><title>txlab · ")
        .append(esc(s.name()))
        .append(
            o.provenance() instanceof RunOutcome.Simulated
                ? " · seed " + o.seed().getAsLong()
                : " · live")
        .append("</title><style>")
        .append(dev.txlab.checker.txn.TxnResult.caseCss())
        .append(
            "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1080px;color:#222;padding:0 12px}")
        .append(
            "h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:26px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}")
        .append(
            ".badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600;margin-left:8px}")
        .append(".ok{background:#2e7d32}.bad{background:#c62828}.unk{background:#8d6e00}")
        .append(
            "table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}")
        .append(
            "code,pre{font:12.5px ui-monospace,monospace;background:#f6f6f6;padding:1px 4px;border-radius:3px}")
        .append(
            "pre{padding:8px;overflow:auto;max-height:240px}.muted{color:#666}.legend span{margin-right:14px}")
        .append(
            ".sw{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px;vertical-align:middle}")
        .append(
            ".when{background:#fff8e1;border:1px solid #f0dca0;border-radius:6px;padding:8px 12px;margin:-6px 0 18px}")
        .append(
            ".liar{color:#c62828;font-weight:600}.dist td{text-align:right}.dist td:first-child{text-align:left}")
        .append(
            ".ln{display:inline-block;width:18px;border-top:2px solid;vertical-align:middle;margin-right:4px}")
        .append(
            "ol.faults{margin:4px 0;padding-left:0;list-style:none;columns:2;font-size:13px}ol.faults li{margin:1px 0}")
        .append(
            ".story{border:1px solid #ddd;border-radius:6px;padding:4px 12px 8px;margin:10px 0}.story h3{font-size:14px;margin:6px 0}")
        .append(".cause{margin:4px 0}.causes{margin:4px 0 0 0;padding-left:18px}")
        .append(
            "table.waits-all{font-size:12px;border-collapse:collapse}table.waits-all td{border-top:1px solid #eee;padding:1px 6px;vertical-align:top}")
        .append(
            ".tl{position:relative}.tl-tip{position:absolute;background:#fff;border:1px solid #999;border-radius:4px;padding:3px 6px;font:12px ui-monospace,monospace;pointer-events:none;max-width:620px;box-shadow:0 1px 4px rgba(0,0,0,.2)}")
        .append(".tl-ops .o{fill:#009E73}.tl-ops .f{fill:#E69F00}.tl-ops .i{fill:#D55E00}")
        .append("</style></head><body>");
    Validity v = o.validity();
    h.append("<h1>")
        .append(esc(s.name()))
        .append(" <span class=\"badge ")
        .append(cls(v))
        .append("\">")
        .append(v == Validity.VALID ? "valid" : v == Validity.INVALID ? "INVALID" : "unknown")
        .append("</span>");
    boolean met = RunResults.expectationsMet(o);
    h.append("<span class=\"badge ")
        .append(met ? "ok" : "bad")
        .append("\">expectations ")
        .append(met ? "met" : "NOT met")
        .append("</span></h1>");
    h.append("<div class=muted>")
        .append(esc(s.protocol()))
        .append(" · ")
        .append(s.nodes())
        .append(" nodes, ")
        .append(s.shards())
        .append(" shards × ")
        .append(s.replicas())
        .append(" replicas · ");
    if (o.provenance() instanceof RunOutcome.Simulated sim) {
      h.append("simulated · seed ")
          .append(sim.seed())
          .append(" · ")
          .append(fmt(o.timings().runSeconds()))
          .append(" s simulated in ")
          .append(fmt(o.timings().wallSeconds()))
          .append(" s · trace sha256 <code>")
          .append(sim.traceDigest(), 0, 16)
          .append("…</code></div>");
      h.append("<p>Replay: <code>")
          .append(esc(String.valueOf(results.get("replay"))))
          .append("</code></p>");
    } else if (o.provenance() instanceof RunOutcome.Live live) {
      h.append("live host · ")
          .append(live.pids().size())
          .append(" node processes · started ")
          .append(esc(java.time.Instant.ofEpochMilli(live.startEpochMillis()).toString()))
          .append(" · ")
          .append(fmt(o.timings().runSeconds()))
          .append(" s of real time")
          .append(
              live.seed().isPresent() ? " · fault schedule seed " + live.seed().getAsLong() : "")
          .append("</div>");
      h.append("<p>Command: <code>")
          .append(esc(String.valueOf(results.get("command"))))
          .append("</code></p>");
    }
    ProtocolRegistry.find(s.protocol())
        .ifPresent(
            p ->
                h.append("<p class=muted>Protocol <b>")
                    .append(esc(p.name()))
                    .append("</b>: ")
                    .append(esc(p.summary()))
                    .append(". It promises <b>")
                    .append(esc(String.join(", ", p.promises())))
                    .append(
                        "</b> with every knob at its default; this run's knobs are listed under Knobs and metrics.")
                    .append(disclaimers(p))
                    .append("</p>"));
    if (!s.narrative().isEmpty()) {
      h.append("<p>").append(esc(s.narrative().strip()).replace("\n\n", "</p><p>")).append("</p>");
    }

    h.append("<h2>Checks</h2><table><tr><th>check</th><th>verdict</th><th>what it found</th></tr>");
    for (Map.Entry<String, Check> c : o.checks().entrySet()) {
      Validity cv = c.getValue().validity();
      h.append("<tr><td>")
          .append(esc(c.getKey()))
          .append("</td><td><span class=\"badge ")
          .append(cls(cv))
          .append("\">")
          .append(cv.name().toLowerCase(Locale.ROOT))
          .append("</span></td><td>")
          .append(esc(c.getValue().summary()));
      if (checkReport != null
          && !c.getKey().equals("converged")
          && !c.getKey().equals("bank-total")) {
        h.append(" — <a href=\"")
            .append(esc(checkReport))
            .append("\">")
            .append(
                o.scenario().transactional()
                    ? "the anomalies, explained and drawn"
                    : "the history, drawn")
            .append("</a>");
      }
      h.append("</td></tr>");
    }
    h.append("</table>");
    if (!s.expectations().isEmpty()) {
      h.append("<h2>Expectations</h2><table>");
      for (Map.Entry<String, Boolean> e : RunResults.expectations(o).entrySet()) {
        h.append("<tr><td><code>")
            .append(esc(e.getKey()))
            .append("</code></td><td><span class=\"badge ")
            .append(e.getValue() ? "ok\">held" : "bad\">did not hold")
            .append("</span></td></tr>");
      }
      h.append("</table>");
    }

    anomalies(o, messages, h);

    long endNanos = (long) (o.timings().runSeconds() * 1e9);
    List<RunPlots.Band> bands = RunPlots.bands(o, endNanos);
    WaitStoryDrawing.section(o, bands, messages, h);
    h.append("<h2 id=operations>Operations over time</h2>");
    h.append(
        "<p class=muted>Each operation's latency when it ended (log scale), with the p50 and p99 of the ok"
            + " ones over time; below, completed operations per second by outcome. Shaded: the faults, by kind,"
            + " numbered as listed under the plots; the dashed line is the final heal.</p>");
    h.append(RunPlots.latency(o, bands, endNanos));
    h.append(RunPlots.throughput(o, bands, endNanos));
    for (dev.txlab.coordinator.protocol.TimeSeries ts : o.timeSeries()) {
      h.append("<h3>").append(esc(ts.name())).append(" over time</h3>");
      h.append(RunPlots.series(o, ts, bands, endNanos));
    }
    h.append(RunPlots.legend(bands, true));
    findings(o, h);
    h.append("<h3>Each client's operations</h3>");
    StringBuilder tips = new StringBuilder();
    h.append("<div class=tl>")
        .append(timeline(o, tips))
        .append("<div id=tl-tip class=tl-tip hidden></div></div>")
        .append("<script type=application/json id=tl-data>")
        .append(tips)
        .append("</script><script>")
        .append(TIMELINE_SCRIPT)
        .append("</script>");
    h.append(messages.section());

    if (!o.clocks().isEmpty()) {
      h.append(
              "<h2 id=clocks>Clocks</h2><p class=muted>Each node's clock error (local − true time) over the run; the grey band is ± ε, the")
          .append(
              " uncertainty TrueTime reports. A clock outside the band makes TrueTime lie — commit wait then proves nothing.</p>");
      h.append(clockPlot(o));
    }
    distributions(o, h);

    h.append("<h2 id=metrics>Knobs and metrics</h2><table>");
    for (Map.Entry<String, String> k : s.knobs().entrySet()) {
      h.append("<tr><td>")
          .append(esc(k.getKey()))
          .append("</td><td><code>")
          .append(esc(k.getValue()))
          .append("</code></td></tr>");
    }
    for (Map.Entry<String, Double> m : o.metrics().entrySet()) {
      h.append("<tr><td>")
          .append(esc(m.getKey()))
          .append("</td><td>")
          .append(fmt(m.getValue()))
          .append("</td></tr>");
    }
    h.append("</table>");
    if (o.provenance() instanceof RunOutcome.Simulated sim) {
      simulatorSections(sim, h);
    } else if (o.provenance() instanceof RunOutcome.Live live) {
      liveSections(live, h);
    }
    h.append("<h2>Faults</h2><pre>")
        .append(esc(o.plan().isEmpty() ? "(none)" : o.plan()))
        .append("</pre>");
    h.append(
            "<p class=muted>Written by txlab. Files beside this page: history.edn (Jepsen EDN, readable by Knossos and Elle),")
        .append(
            " results.json, scenario.yaml (the script as run), trace.jsonl.gz (simulated: the simulator's events, unless")
        .append(" run with --trace off; live: the faults applied).</p></body></html>\n");
    return h.toString();
  }

  /** What the protocol says it does not promise, and why, as sentences. */
  private static String disclaimers(dev.txlab.coordinator.protocol.Protocol p) {
    StringBuilder out = new StringBuilder();
    new java.util.TreeMap<>(p.disclaims())
        .forEach(
            (model, why) ->
                out.append(" It does not promise <b>")
                    .append(esc(model))
                    .append("</b>: ")
                    .append(esc(why))
                    .append('.'));
    return out.toString();
  }

  /** Anomaly cases drawn by the checker, shown at most this many per type. */
  private static final int CASES_PER_TYPE = 3;

  /**
   * Each anomaly the transactional checker found, with its explanation and drawing, and beside it
   * the moment it happened: when its transactions ran, the faults active then and where every clock
   * stood — so a reader can connect the cycle to its cause.
   */
  private static void anomalies(RunOutcome o, MessageDiagram messages, StringBuilder h) {
    long endNanos = (long) (o.timings().runSeconds() * 1e9);
    if (o.primary() instanceof dev.txlab.checker.linear.LinearResult lin
        && lin.validity() == Validity.INVALID) {
      long[] span = lin.counterexampleSpanNanos();
      if (span != null) {
        h.append(
                "<h2 id=anomalies>The linearizability violation</h2><p>The operation the checker cannot place")
            .append(
                " (named under Checks above) and the last operations of the longest legal order before it;")
            .append(" <a href=\"linearizability.html\">linearizability.html</a> draws them.</p>");
        when(o, span[0], span[1], endNanos, "they ran", h);
        causes(o, List.of("linearizable"), span[0], span[1], endNanos, h);
        h.append(
            messages.linkToOperations(
                span[0],
                span[1],
                lin.counterexampleOperations(),
                o.scenario().workload().clients()));
      }
      return;
    }
    if (!(o.primary() instanceof dev.txlab.checker.txn.TxnResult r)
        || r.validity() != Validity.INVALID) {
      return;
    }
    List<dev.txlab.checker.txn.TxnResult.CaseView> cases = r.caseViews(CASES_PER_TYPE);
    if (cases.isEmpty()) {
      return;
    }
    java.util.Map<Long, Long> timeOf = new java.util.HashMap<>();
    for (dev.txlab.checker.history.Op op : o.history().events()) {
      timeOf.put(op.index(), op.timeNanos());
    }
    h.append("<h2 id=anomalies>Anomalies (against ")
        .append(esc(String.join(", ", r.spec().consistencyModels())))
        .append(")</h2>");
    String type = null;
    for (dev.txlab.checker.txn.TxnResult.CaseView c : cases) {
      if (!c.type().equals(type)) {
        type = c.type();
        h.append("<h3>")
            .append(esc(type))
            .append("</h3><p class=muted>")
            .append(esc(c.meaning()))
            .append("</p>");
      }
      h.append(c.html());
      notes(o, c, h);
      h.append(
          messages.linkToTransactions(
              o.history(), o.scenario().workload().clients(), c.opIndices()));
      long from = Long.MAX_VALUE;
      long to = Long.MIN_VALUE;
      for (long index : c.opIndices()) {
        Long t = timeOf.get(index);
        if (t != null) {
          from = Math.min(from, t);
          to = Math.max(to, t);
        }
      }
      if (from > to) {
        continue;
      }
      when(o, from, to, endNanos, "its transactions ran", h);
      causes(
          o,
          c.type().endsWith("-realtime")
              ? List.of("strict-serializable")
              : List.of("serializable", "strict-serializable"),
          from,
          to,
          endNanos,
          h);
    }
    int total = 0;
    for (String t : r.anomalyTypes()) {
      total += r.caseCount(t);
    }
    if (total > cases.size()) {
      h.append("<p class=muted>")
          .append(total - cases.size())
          .append(" more cases in the checker's page.</p>");
    }
  }

  /**
   * What the protocol said of a cycle's transactions that the history cannot hold — for a
   * timestamp-ordered protocol, the timestamp each committed at and the node that gave it — in the
   * cycle's order, so the order the protocol chose can be read against real time and the clocks.
   */
  private static void notes(
      RunOutcome o, dev.txlab.checker.txn.TxnResult.CaseView c, StringBuilder h) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < c.cycleCompletions().size(); i++) {
      String note = o.notes().get(c.cycleCompletions().get(i));
      if (note != null) {
        rows.add("<li><b>T" + (i + 1) + "</b> " + esc(note) + "</li>");
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    h.append("<div class=when><b>What the protocol recorded of them:</b><ul>");
    rows.forEach(h::append);
    h.append("</ul>");
    if (c.type().endsWith("-realtime")) {
      h.append(
          "The cycle closes only through real time: the protocol ordered these transactions by the"
              + " timestamps above, and a transaction that began after another had finished"
              + " received the lower one. Timestamps come from the clocks of the nodes named;"
              + " compare them with where those clocks stood (below).");
    }
    h.append("</div>");
  }

  /**
   * The knob settings and faults in force during an anomaly that its protocol declares as weakening
   * a promise the anomaly breaks ({@code broken}): what can explain it. With none, the card says
   * the protocol's promises were intact — the anomaly then points at a bug.
   */
  private static void causes(
      RunOutcome o, List<String> broken, long from, long to, long endNanos, StringBuilder h) {
    var protocol = ProtocolRegistry.find(o.scenario().protocol());
    if (protocol.isEmpty()) {
      return;
    }
    List<String> items = new ArrayList<>();
    List<RunPlots.Band> bands = RunPlots.bands(o, endNanos);
    // Every knob's value, the defaults too: a default can be the setting that weakens.
    Map<String, String> settings = protocol.get().settings(o.scenario().knobs());
    for (Map.Entry<String, String> d :
        new java.util.TreeMap<>(protocol.get().disclaims()).entrySet()) {
      if (broken.contains(d.getKey())) {
        items.add(
            "<li>the design: "
                + esc(protocol.get().name())
                + " does not promise <b>"
                + esc(d.getKey())
                + "</b> — "
                + esc(d.getValue())
                + "</li>");
      }
    }
    for (dev.txlab.coordinator.protocol.Weakening w : protocol.get().weakenings()) {
      if (!broken.contains(w.weakens()) || !w.applies(settings)) {
        continue;
      }
      if (!w.knob().isEmpty()) {
        String value = settings.get(w.knob());
        if (w.weakensAt(value)) {
          items.add(
              "<li>knob <code>"
                  + esc(w.knob())
                  + ": "
                  + esc(value)
                  + "</code> — "
                  + esc(w.why())
                  + " <span class=muted>(gives up "
                  + esc(w.weakens())
                  + ")</span></li>");
        }
        continue;
      }
      if (w.faults().contains("truetime-violation")) {
        // Clocks the scenario set beyond ε lie as a fault would: name the nodes that lied then.
        List<String> liars = new ArrayList<>();
        for (ClockTimeline.Span sp : o.clocks().during(from, to)) {
          if (sp.outsideEpsilon()) {
            liars.add(sp.node().toString());
          }
        }
        if (!liars.isEmpty()) {
          items.add(
              "<li>clocks outside ε then on <span class=liar>"
                  + esc(String.join(", ", liars))
                  + "</span> (see <a href=\"#clocks\">Clocks</a>) — "
                  + esc(w.why())
                  + " <span class=muted>(gives up "
                  + esc(w.weakens())
                  + ")</span></li>");
        }
      }
      for (RunPlots.Band b : bands) {
        // A clock set wrong stays wrong until undone: a fault active at any point of the anomaly.
        if (w.weakenedBy(b.text()) && b.start() <= to && b.end() >= from) {
          items.add(
              "<li>fault <a href=\"#fault-"
                  + b.number()
                  + "\">F"
                  + b.number()
                  + "</a> <code>"
                  + esc(b.text())
                  + "</code>, active then — "
                  + esc(w.why())
                  + " <span class=muted>(gives up "
                  + esc(w.weakens())
                  + ")</span></li>");
        }
      }
    }
    h.append("<div class=when><b>What can explain it:</b> ");
    if (items.isEmpty()) {
      h.append("no knob setting or fault in force is one that ")
          .append(esc(protocol.get().name()))
          .append(" declares as giving up ")
          .append(esc(String.join(" or ", broken)))
          .append(
              ". With its promises intact, this anomaly points at a bug in the protocol (or the"
                  + " checker).</div>");
      return;
    }
    h.append("<ul class=causes>");
    items.forEach(h::append);
    h.append("</ul></div>");
  }

  /**
   * The moment of an anomaly: its time span, the faults active then, and where every clock stood.
   */
  private static void when(
      RunOutcome o, long from, long to, long endNanos, String what, StringBuilder h) {
    h.append("<div class=when><b>When:</b> ")
        .append(esc(what))
        .append(" from ")
        .append(seconds(from))
        .append(" to ")
        .append(seconds(to))
        .append(
            o.provenance() instanceof RunOutcome.Simulated ? " of simulated time" : " into the run")
        .append(". <b>Faults active:</b> ");
    List<String> active = new ArrayList<>();
    for (RunPlots.Band w : RunPlots.bands(o, endNanos)) {
      if (w.start() <= to && w.end() >= from) {
        active.add(
            "<a href=\"#fault-"
                + w.number()
                + "\">F"
                + w.number()
                + "</a> "
                + esc(w.text())
                + " ("
                + seconds(w.start())
                + "–"
                + seconds(w.end())
                + ")");
      }
    }
    h.append(active.isEmpty() ? "none" : String.join("; ", active)).append(".");
    List<ClockTimeline.Span> spans = o.clocks().during(from, to);
    if (!spans.isEmpty()) {
      h.append("<br><b>Clocks</b> (local − true, ε ")
          .append(ms(spans.get(0).epsilonMaxNanos()))
          .append("): ");
      List<String> parts = new ArrayList<>();
      List<String> liars = new ArrayList<>();
      long cMin = Long.MAX_VALUE;
      long cMax = Long.MIN_VALUE;
      for (int i = 0; i < spans.size(); i++) {
        ClockTimeline.Span sp = spans.get(i);
        if (sp.outsideEpsilon()) {
          liars.add(sp.node().toString());
        }
        if (i >= o.clocks().servers() && !sp.outsideEpsilon()) {
          cMin = Math.min(cMin, sp.minErrorNanos());
          cMax = Math.max(cMax, sp.maxErrorNanos());
          continue;
        }
        String text =
            esc(sp.node().toString()) + " " + range(sp.minErrorNanos(), sp.maxErrorNanos());
        parts.add(sp.outsideEpsilon() ? "<span class=liar>" + text + " — outside ε</span>" : text);
      }
      if (cMin <= cMax) {
        parts.add("clients " + range(cMin, cMax));
      }
      h.append(String.join(", ", parts)).append('.');
      if (!liars.isEmpty()) {
        h.append("<br><span class=liar>TrueTime lied on ")
            .append(esc(String.join(", ", liars)))
            .append(
                ": its interval did not contain true time, so a commit timestamp chosen or awaited there")
            .append(" can be in the past of a transaction that already finished.</span>");
      }
    }
    h.append("</div>");
  }

  /** Commit wait, in-doubt and lock-hold durations: percentiles and a histogram each. */
  private static void distributions(RunOutcome o, StringBuilder h) {
    if (o.distributions().isEmpty()) {
      return;
    }
    h.append(
        "<h2 id=timings>Protocol timings</h2><table class=dist><tr><th>duration</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>max</th><th>histogram (log-scaled time)</th></tr>");
    for (java.util.Map.Entry<String, long[]> e : o.distributions().entrySet()) {
      long[] v = e.getValue();
      String name = e.getKey().replace('_', ' ');
      h.append("<tr><td>").append(esc(name)).append("</td><td>").append(v.length).append("</td>");
      for (double q : new double[] {0.5, 0.9, 0.99}) {
        h.append("<td>")
            .append(
                v.length == 0 ? "–" : ms(v[(int) Math.min(v.length - 1, Math.floor(q * v.length))]))
            .append("</td>");
      }
      h.append("<td>")
          .append(v.length == 0 ? "–" : ms(v[v.length - 1]))
          .append("</td><td>")
          .append(histogram(v))
          .append("</td></tr>");
    }
    h.append(
            "</table><p class=muted>Commit wait: per coordinator decision. In doubt: a participant's time from its")
        .append(
            " prepare to learning the decision. Lock hold: from its first lock to the decision. Bins double: ≤0.1 ms, ≤0.2 ms, … ≥13 s.</p>");
  }

  private static String histogram(long[] sorted) {
    int bins = 18;
    int[] counts = new int[bins];
    for (long v : sorted) {
      int b = 0;
      long edge = 100_000L; // 0.1 ms
      while (b < bins - 1 && v > edge) {
        edge *= 2;
        b++;
      }
      counts[b]++;
    }
    int max = 1;
    for (int c : counts) {
      max = Math.max(max, c);
    }
    StringBuilder svg =
        new StringBuilder("<svg xmlns='http://www.w3.org/2000/svg' width='")
            .append(bins * 9)
            .append("' height='28'>");
    for (int b = 0; b < bins; b++) {
      double hgt = counts[b] == 0 ? 0 : Math.max(1.5, 26.0 * counts[b] / max);
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x='%d' y='%.1f' width='7' height='%.1f' fill='#6a1b9a'><title>≤ %s: %d</title></rect>",
              b * 9,
              27 - hgt,
              hgt,
              ms(100_000L << b),
              counts[b]));
    }
    return svg.append("<line x1='0' y1='27.5' x2='")
        .append(bins * 9)
        .append("' y2='27.5' stroke='#999'/></svg>")
        .toString();
  }

  /** Node clock errors over time, one line per node, with the ± ε band. */
  private static String clockPlot(RunOutcome o) {
    long endNanos = (long) (o.timings().runSeconds() * 1e9);
    ClockTimeline c = o.clocks();
    List<long[]> samples = c.samples();
    double maxMs = 1;
    for (long[] s : samples) {
      maxMs = Math.max(maxMs, s[1] / 1e6);
      for (int i = 2; i < s.length; i++) {
        maxMs = Math.max(maxMs, Math.abs(s[i]) / 1e6);
      }
    }
    maxMs = niceCeil(maxMs * 1.05);
    int height = 200;
    StringBuilder svg = svgOpen(height);
    shade(svg, o, endNanos, height);
    int plotH = height - MARGIN_BOTTOM - 10;
    double mid = 10 + plotH / 2.0;
    double scale = plotH / 2.0 / maxMs;
    StringBuilder upper = new StringBuilder();
    StringBuilder lower = new StringBuilder();
    for (long[] s : samples) {
      double x = x(s[0], endNanos);
      upper.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, mid - s[1] / 1e6 * scale));
      lower.insert(0, String.format(Locale.ROOT, "%.1f,%.1f ", x, mid + s[1] / 1e6 * scale));
    }
    svg.append("<polygon points='")
        .append(upper)
        .append(lower)
        .append("' fill='#9e9e9e' fill-opacity='0.25'/>");
    // Okabe–Ito, then dashes: a node's line is told apart without relying on colour alone.
    String[] palette = {
      RunPlots.BLUE,
      RunPlots.FAIL,
      RunPlots.OK,
      RunPlots.PURPLE,
      RunPlots.INFO,
      RunPlots.SKY,
      RunPlots.BLACK,
      "#8a7d00"
    };
    List<dev.txlab.node.api.NodeId> nodes = c.nodes();
    int colour = 0;
    StringBuilder legend =
        new StringBuilder(
            "<div class=legend><span><i class=sw style=\"background:#ccc;border-radius:0\"></i>± ε</span>");
    for (int i = 0; i < c.servers(); i++) {
      StringBuilder pts = new StringBuilder();
      for (long[] s : samples) {
        pts.append(
            String.format(
                Locale.ROOT, "%.1f,%.1f ", x(s[0], endNanos), mid - s[2 + i] / 1e6 * scale));
      }
      String col = palette[colour++ % palette.length];
      svg.append("<polyline points='")
          .append(pts)
          .append("' fill='none' stroke='")
          .append(col)
          .append("' stroke-width='1.4'><title>")
          .append(esc(nodes.get(i).toString()))
          .append("</title></polyline>");
      legend
          .append("<span><i class=sw style=background:")
          .append(col)
          .append("></i>")
          .append(esc(nodes.get(i).toString()))
          .append("</span>");
    }
    if (nodes.size() > c.servers()) {
      StringBuilder lo = new StringBuilder();
      StringBuilder hi = new StringBuilder();
      for (long[] s : samples) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 2 + c.servers(); i < s.length; i++) {
          min = Math.min(min, s[i]);
          max = Math.max(max, s[i]);
        }
        lo.append(
            String.format(Locale.ROOT, "%.1f,%.1f ", x(s[0], endNanos), mid - min / 1e6 * scale));
        hi.append(
            String.format(Locale.ROOT, "%.1f,%.1f ", x(s[0], endNanos), mid - max / 1e6 * scale));
      }
      for (StringBuilder pts : List.of(lo, hi)) {
        svg.append("<polyline points='")
            .append(pts)
            .append(
                "' fill='none' stroke='#616161' stroke-width='1.2' stroke-dasharray='5,3'><title>clients (lowest / highest)</title></polyline>");
      }
      legend.append(
          "<span><i class=sw style=\"background:#616161;border-radius:0\"></i>clients (lowest and highest, dashed)</span>");
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#999' stroke-dasharray='3,3'/>",
            MARGIN_LEFT,
            mid,
            MARGIN_LEFT + PLOT_WIDTH - 20,
            mid));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x='%d' y='%d' font-size='11' text-anchor='end' fill='#555'>+%s ms</text>",
            MARGIN_LEFT - 6,
            16,
            fmt(maxMs)));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x='%d' y='%.1f' font-size='11' text-anchor='end' fill='#555'>0</text>",
            MARGIN_LEFT - 6,
            mid + 4));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x='%d' y='%d' font-size='11' text-anchor='end' fill='#555'>−%s ms</text>",
            MARGIN_LEFT - 6,
            10 + plotH,
            fmt(maxMs)));
    int bottom = height - MARGIN_BOTTOM;
    double secs = endNanos / 1e9;
    double step = niceCeil(secs / 10);
    for (double t = 0; t <= secs + 1e-9; t += step) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%.1f' y='%d' font-size='11' text-anchor='middle' fill='#555'>%ss</text>",
              x((long) (t * 1e9), endNanos),
              bottom + 16,
              fmt(t)));
    }
    return legend.append("</div>").append(svg.append("</svg>")).toString();
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
  }

  private static String ms(long nanos) {
    double m = nanos / 1e6;
    return m >= 100
        ? String.format(Locale.ROOT, "%.0f ms", m)
        : String.format(Locale.ROOT, "%.2f ms", m);
  }

  private static String range(long min, long max) {
    return signedMs(min).equals(signedMs(max))
        ? signedMs(min)
        : signedMs(min) + "…" + signedMs(max);
  }

  private static String signedMs(long nanos) {
    return String.format(Locale.ROOT, "%+.1f ms", nanos / 1e6);
  }

  /** What only the simulator knows: its Raft monitors' findings and every message it carried. */
  private static void simulatorSections(RunOutcome.Simulated sim, StringBuilder h) {
    if (!sim.raftViolations().isEmpty()) {
      h.append("<h2>Raft safety violations</h2><pre>");
      for (String r : sim.raftViolations()) {
        h.append(esc(r)).append('\n');
      }
      h.append("</pre>");
    }
    h.append("<h2>Messages by type</h2><table><tr><th>type</th><th>sent</th></tr>");
    for (Map.Entry<String, Long> m : sim.stats().messagesByType().entrySet()) {
      h.append("<tr><td><code>")
          .append(esc(m.getKey()))
          .append("</code></td><td>")
          .append(String.format(Locale.ROOT, "%,d", m.getValue()))
          .append("</td></tr>");
    }
    if (!sim.stats().drops().isEmpty()) {
      h.append("<tr><th>dropped, by reason</th><th></th></tr>");
      for (Map.Entry<String, Long> d : sim.stats().drops().entrySet()) {
        h.append("<tr><td>")
            .append(esc(d.getKey()))
            .append("</td><td>")
            .append(String.format(Locale.ROOT, "%,d", d.getValue()))
            .append("</td></tr>");
      }
    }
    h.append("</table>");
  }

  /**
   * What only the live host knows: its node processes, and what of the scenario it could not
   * reproduce.
   */
  private static void liveSections(RunOutcome.Live live, StringBuilder h) {
    h.append("<h2>Live host</h2>");
    if (!live.notes().isEmpty()) {
      h.append("<ul>");
      for (String n : live.notes()) {
        h.append("<li>").append(esc(n)).append("</li>");
      }
      h.append("</ul>");
    }
    h.append("<table><tr><th>node</th><th>process id</th></tr>");
    for (Map.Entry<String, Long> p : new java.util.TreeMap<>(live.pids()).entrySet()) {
      h.append("<tr><td>")
          .append(esc(p.getKey()))
          .append("</td><td>")
          .append(p.getValue())
          .append("</td></tr>");
    }
    h.append("</table><p class=muted>Data and logs: <code>")
        .append(esc(live.clusterDir()))
        .append("</code></p>");
  }

  /** Bars beyond this many are not drawn (the page would get too heavy to open). */
  private static final int TIMELINE_OPS_MAX = 20_000;

  /**
   * One lane per client (a crashed client's later process numbers stay in its lane), each operation
   * a bar over its interval coloured by outcome.
   */
  private static String timeline(RunOutcome o, StringBuilder tips) {
    long endNanos = (long) (o.timings().runSeconds() * 1e9);
    int clients = o.scenario().workload().clients();
    int laneHeight = 12;
    int height = 10 + clients * laneHeight + MARGIN_BOTTOM;
    StringBuilder svg = svgOpen(height);
    shade(svg, o, endNanos, height);
    int drawn = 0;
    // Bars carry a class for their outcome and, in one list beside the drawing, a line of text
    // each (client, process, values, outcome, times): the page's script shows it on hover. A
    // <title> per bar would weigh three times as much.
    tips.append("[");
    svg.append("<g class=tl-ops>");
    for (Operation op : o.history().operations()) {
      if (drawn++ >= TIMELINE_OPS_MAX) {
        break;
      }
      int lane = op.process() % clients;
      double x0 = x(op.invokeTimeNanos(), endNanos);
      long end = op.completion() == null ? endNanos : op.completion().timeNanos();
      double x1 = Math.max(x0 + 0.8, x(end, endNanos));
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x='%.1f' y='%d' width='%.1f' height='%d' class=%s />",
              x0,
              10 + lane * laneHeight + 2,
              x1 - x0,
              laneHeight - 4,
              op.isOk() ? "o" : op.isFail() ? "f" : "i"));
      String tip =
          String.format(
              Locale.ROOT,
              "c%d p%d %s %s %s · %.3f–%s",
              lane + 1,
              op.process(),
              op.outcome().text(),
              op.f(),
              // An ok's completion holds its writes and what its reads returned; otherwise only
              // what was asked is known.
              brief(op.isOk() ? op.completion().value() : op.invocation().value()),
              op.invokeTimeNanos() / 1e9,
              op.completion() == null
                  ? "never completed"
                  : String.format(
                      Locale.ROOT,
                      "%.3f s (%.1f ms)",
                      op.completion().timeNanos() / 1e9,
                      (op.completion().timeNanos() - op.invokeTimeNanos()) / 1e6));
      tips.append(tips.length() > 1 ? "," : "").append(jsonString(tip));
    }
    svg.append("</g>");
    tips.append("]");
    for (int c = 0; c < clients; c++) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%d' y='%d' font-size='9.5' text-anchor='end' fill='#555'>c%d</text>",
              MARGIN_LEFT - 6,
              10 + c * laneHeight + laneHeight - 3,
              c + 1));
    }
    int bottom = height - MARGIN_BOTTOM;
    double seconds = endNanos / 1e9;
    double step = niceCeil(seconds / 10);
    for (double t = 0; t <= seconds + 1e-9; t += step) {
      double x = x((long) (t * 1e9), endNanos);
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%.1f' y='%d' font-size='11' text-anchor='middle' fill='#555'>%ss</text>",
              x,
              bottom + 16,
              fmt(t)));
    }
    if (drawn > TIMELINE_OPS_MAX) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%d' y='%d' font-size='11' fill='#555'>first %,d operations drawn</text>",
              MARGIN_LEFT,
              bottom + 16,
              TIMELINE_OPS_MAX));
    }
    return svg.append("</svg>").toString();
  }

  /** A value for a tooltip, cut to a readable length. */
  private static String brief(Object value) {
    // EDN's spelling, shorter than Java's: [[:append 1 2] [:r 3 [1]]].
    String v = String.valueOf(value).replace(", ", " ").replace("null", "nil");
    return v.length() > 96 ? v.substring(0, 94) + "…" : v;
  }

  /** A JSON string literal that is also safe inside a script element. */
  static String jsonString(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** Shows a client-lane bar's text (its values, outcome and times) where the pointer is. */
  private static final String TIMELINE_SCRIPT =
      "(function(){var d=document.getElementById('tl-data'),tip=document.getElementById('tl-tip');"
          + "if(!d||!tip)return;var texts=JSON.parse(d.textContent),"
          + "bars=document.querySelectorAll('.tl-ops rect'),box=tip.parentNode;"
          + "Array.prototype.forEach.call(bars,function(r,i){r.setAttribute('data-i',i);});"
          + "box.addEventListener('mouseover',function(e){var i=e.target.getAttribute&&"
          + "e.target.getAttribute('data-i');if(i===null||i===undefined){tip.hidden=true;return;}"
          + "var b=box.getBoundingClientRect();tip.textContent=texts[+i];tip.hidden=false;"
          + "tip.style.left=Math.min(e.clientX-b.left+12,b.width-tip.offsetWidth-4)+'px';"
          + "tip.style.top=(e.clientY-b.top+14)+'px';});"
          + "box.addEventListener('mouseleave',function(){tip.hidden=true;});})();";

  private static StringBuilder svgOpen(int height) {
    return new StringBuilder()
        .append("<svg xmlns='http://www.w3.org/2000/svg' class=plot width='")
        .append(PLOT_WIDTH + 20)
        .append("' height='")
        .append(height)
        .append("' style='display:block;margin:6px 0'>");
  }

  private static void shade(StringBuilder svg, RunOutcome o, long endNanos, int height) {
    for (RunPlots.Band w : RunPlots.bands(o, endNanos)) {
      double x0 = x(w.start(), endNanos);
      double x1 = x(w.end(), endNanos);
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x='%.1f' y='10' width='%.1f' height='%d' fill='%s' fill-opacity='0.22'><title>F%d %s</title></rect>",
              x0,
              Math.max(1, x1 - x0),
              height - MARGIN_BOTTOM - 10,
              w.kind().colour,
              w.number(),
              esc(w.text())));
    }
    double heal = x(o.scenario().duration().toNanos(), endNanos);
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%.1f' x2='%.1f' y1='10' y2='%d' stroke='#555' stroke-dasharray='4 3'><title>final heal</title></line>",
            heal,
            heal,
            height - MARGIN_BOTTOM));
  }

  private static void axes(
      StringBuilder svg, long endNanos, int height, double yMax, String yLabel) {
    int bottom = height - MARGIN_BOTTOM;
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#999'/>",
            MARGIN_LEFT,
            MARGIN_LEFT + PLOT_WIDTH - MARGIN_LEFT,
            bottom,
            bottom));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' x2='%d' y1='10' y2='%d' stroke='#999'/>",
            MARGIN_LEFT,
            MARGIN_LEFT,
            bottom));
    double seconds = endNanos / 1e9;
    double step = niceCeil(seconds / 10);
    for (double t = 0; t <= seconds + 1e-9; t += step) {
      double x = x((long) (t * 1e9), endNanos);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#999'/><text x='%.1f' y='%d' font-size='11' text-anchor='middle' fill='#555'>%ss</text>",
              x,
              x,
              bottom,
              bottom + 4,
              x,
              bottom + 16,
              fmt(t)));
    }
    int plotH = bottom - 10;
    for (int i = 0; i <= 4; i++) {
      double val = yMax * i / 4;
      double y = bottom - (double) plotH * i / 4;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x='%d' y='%.1f' font-size='11' text-anchor='end' fill='#555'>%s</text><line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#eee'/>",
              MARGIN_LEFT - 6,
              y + 4,
              fmt(val),
              MARGIN_LEFT + 1,
              PLOT_WIDTH,
              y,
              y));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x='12' y='%d' font-size='11' fill='#555' transform='rotate(-90 12 %d)' text-anchor='middle'>%s</text>",
            10 + plotH / 2,
            10 + plotH / 2,
            esc(yLabel)));
  }

  private static double x(long nanos, long endNanos) {
    return MARGIN_LEFT + (double) nanos / Math.max(1, endNanos) * (PLOT_WIDTH - MARGIN_LEFT);
  }

  /** The smallest 1, 2 or 5 × 10^k at or above {@code v}. */
  static double niceCeil(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v - 1e-12) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String cls(Validity v) {
    return v == Validity.VALID ? "ok" : v == Validity.INVALID ? "bad" : "unk";
  }

  private static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** What the protocol found (divergent keys, shadow-read mismatches, phase switches), listed. */
  private static void findings(RunOutcome o, StringBuilder h) {
    if (o.findings().isEmpty()) {
      return;
    }
    h.append("<h2 id=findings>What the protocol found</h2>");
    for (Map.Entry<String, List<String>> f : o.findings().entrySet()) {
      h.append("<h3>").append(esc(f.getKey())).append("</h3>");
      if (f.getValue().isEmpty()) {
        h.append("<p class=muted>none</p>");
        continue;
      }
      h.append("<ul>");
      for (String line : f.getValue()) {
        h.append("<li><code>").append(esc(line)).append("</code></li>");
      }
      h.append("</ul>");
    }
  }

  static String esc(String s) {
    return dev.txlab.checker.Html.escape(s);
  }
}
