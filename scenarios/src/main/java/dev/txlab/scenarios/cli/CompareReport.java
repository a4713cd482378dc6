package dev.txlab.scenarios.cli;

import dev.txlab.scenarios.run.Comparison;
import dev.txlab.scenarios.run.Scenario;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The comparison drawn: a table for the terminal and one self-contained page. Over several seeds a
 * verdict cell counts the seeds it held on, and every figure is the median over the seeds.
 */
final class CompareReport {
  private CompareReport() {}

  /** The columns after the verdicts, each a figure of one run. */
  private static final Map<String, ToDoubleFunction<Comparison.Figures>> FIGURES = figures();

  private static Map<String, ToDoubleFunction<Comparison.Figures>> figures() {
    Map<String, ToDoubleFunction<Comparison.Figures>> m = new LinkedHashMap<>();
    m.put("ok/s", Comparison.Figures::okPerSecond);
    m.put("p50 ms", f -> f.latencyNanos()[0] / 1e6);
    m.put("p99 ms", f -> f.latencyNanos()[1] / 1e6);
    m.put("max ms", f -> f.latencyNanos()[2] / 1e6);
    m.put("msgs/commit", Comparison.Figures::messagesPerCommit);
    m.put("commit wait p50 ms", f -> f.waits().getOrDefault("commit_wait_ms_p50", Double.NaN));
    m.put("blocked max ms", f -> f.waits().getOrDefault("blocked_ms_max", Double.NaN));
    m.put("in doubt max ms", f -> f.waits().getOrDefault("in_doubt_ms_max", Double.NaN));
    return m;
  }

  static double median(List<Comparison.Figures> runs, ToDoubleFunction<Comparison.Figures> f) {
    double[] v = runs.stream().mapToDouble(f).filter(x -> !Double.isNaN(x)).toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** A model's verdict over the seeds: {@code valid}, {@code INVALID}, or counts of each. */
  static String verdict(List<Comparison.Figures> runs, String model) {
    int valid = 0;
    int invalid = 0;
    for (Comparison.Figures f : runs) {
      String v = f.verdicts().getOrDefault(model, "–");
      if (v.equals("valid")) valid++;
      else if (v.equals("INVALID")) invalid++;
    }
    int n = runs.size();
    if (n == 1) {
      return runs.get(0).verdicts().getOrDefault(model, "–");
    }
    if (invalid == 0 && valid == n) return "valid " + n + "/" + n;
    return "INVALID " + invalid + "/" + n;
  }

  /**
   * The retry and abort counts, summed over the seeds (divided by them: per run), largest first.
   */
  static List<String> retries(List<Comparison.Figures> runs, int max) {
    Map<String, Double> sum = new TreeMap<>();
    for (Comparison.Figures f : runs) {
      f.retries().forEach((k, v) -> sum.merge(k, v / runs.size(), Double::sum));
    }
    List<Map.Entry<String, Double>> es = new ArrayList<>(sum.entrySet());
    es.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(max, es.size()); i++) {
      out.add(es.get(i).getKey() + " " + CompareCommand.fmt(es.get(i).getValue()));
    }
    return out;
  }

  static String cell(double v) {
    return Double.isNaN(v) ? "–" : CompareCommand.fmt(v);
  }

  static String table(List<String> models, List<CompareCommand.Entry> entries) {
    List<String> header = new ArrayList<>();
    header.add("protocol");
    header.addAll(models);
    header.addAll(FIGURES.keySet());
    List<List<String>> rows = new ArrayList<>();
    for (CompareCommand.Entry e : entries) {
      List<String> row = new ArrayList<>();
      row.add(e.protocol().name());
      for (String m : models) row.add(verdict(e.figures(), m));
      for (ToDoubleFunction<Comparison.Figures> f : FIGURES.values())
        row.add(cell(median(e.figures(), f)));
      rows.add(row);
    }
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = header.get(i).length();
      for (List<String> r : rows) width[i] = Math.max(width[i], r.get(i).length());
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, width);
    for (List<String> r : rows) line(sb, r, width);
    for (CompareCommand.Entry e : entries) {
      List<String> r = retries(e.figures(), 6);
      sb.append("  ")
          .append(e.protocol().name())
          .append(" retries and aborts")
          .append(e.figures().size() > 1 ? " (per run)" : "")
          .append(": ")
          .append(r.isEmpty() ? "none" : String.join(", ", r))
          .append('\n');
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width) {
    sb.append("  ");
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      if (i == 0) sb.append(String.format(Locale.ROOT, "%-" + width[i] + "s", c));
      else sb.append("  ").append(String.format(Locale.ROOT, "%" + width[i] + "s", c));
    }
    sb.append('\n');
  }

  static String html(
      Scenario s, List<String> models, List<CompareCommand.Entry> entries, boolean live) {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html lang=en><head><meta charset=utf-8><title>txlab compare · ")
        .append(esc(s.name()))
        .append("</title><style>")
        .append(
            "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 12px}")
        .append(
            "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}")
        .append(".valid a{color:#0072B2}.INVALID a{color:#D55E00;font-weight:600}")
        .append(".muted{color:#666}p a{color:#0072B2}")
        .append("</style></head><body><h1>txlab compare · ")
        .append(esc(s.name()))
        .append("</h1><p>")
        .append(esc(s.description()))
        .append("</p><p class=muted>The same workload, seeds and fault schedule on each protocol;")
        .append(" each verdict links to that run's report. Over several seeds a verdict counts the")
        .append(
            " seeds, and a figure is the median. The scenario's expectations are not judged.</p>")
        .append("<p class=muted>")
        .append(
            live
                ? "On the live host: real processes on this machine (loopback), in real time, one"
                    + " protocol after another; throughput and latency are wall-clock figures of"
                    + " this machine, and a fault lands wherever each system is at that moment."
                : "On the simulator: simulated time and network; a run is a pure function of"
                    + " scenario, seed and version, so each protocol met the same faults at the"
                    + " same instants.")
        .append("</p>");
    h.append("<table><tr><th>protocol</th>");
    for (String m : models) h.append("<th>").append(esc(m)).append("</th>");
    for (String f : FIGURES.keySet()) h.append("<th>").append(esc(f)).append("</th>");
    h.append("</tr>");
    for (CompareCommand.Entry e : entries) {
      h.append("<tr><td><b>").append(esc(e.protocol().name())).append("</b></td>");
      for (String m : models) {
        String v = verdict(e.figures(), m);
        String link = e.dirs().get(firstRun(e, m)) + "/report.html";
        h.append("<td class=")
            .append(v.startsWith("INVALID") ? "INVALID" : "valid")
            .append("><a href=\"")
            .append(esc(link))
            .append("\">")
            .append(esc(v))
            .append("</a></td>");
      }
      for (ToDoubleFunction<Comparison.Figures> f : FIGURES.values())
        h.append("<td>").append(cell(median(e.figures(), f))).append("</td>");
      h.append("</tr>");
    }
    h.append("</table>");
    for (CompareCommand.Entry e : entries) {
      h.append("<h2>").append(esc(e.protocol().name())).append("</h2><p>");
      List<String> anomalies = new ArrayList<>();
      for (Comparison.Figures f : e.figures())
        for (String a : f.anomalies()) if (!anomalies.contains(a)) anomalies.add(a);
      h.append("<b>Anomalies:</b> ")
          .append(anomalies.isEmpty() ? "none" : esc(String.join(", ", anomalies)))
          .append("<br><b>Retries and aborts")
          .append(e.figures().size() > 1 ? " (per run)" : "")
          .append(":</b> ");
      List<String> r = retries(e.figures(), 20);
      h.append(r.isEmpty() ? "none" : esc(String.join(", ", r)));
      if (!e.skipped().isEmpty()) {
        h.append("<br><b>Left out:</b> ").append(esc(String.join("; ", e.skipped())));
      }
      List<String> na = CompareCommand.notApplied(e);
      if (!na.isEmpty()) {
        h.append("<br><b>Faults not applied:</b> ").append(esc(String.join("; ", na)));
      }
      h.append("<br><b>Runs:</b> ");
      List<String> links = new ArrayList<>();
      for (int i = 0; i < e.dirs().size(); i++) {
        links.add(
            "<a href=\""
                + esc(e.dirs().get(i))
                + "/report.html\">seed "
                + e.seeds().get(i)
                + "</a>");
      }
      h.append(String.join(" · ", links)).append("</p>");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  /**
   * The run a verdict cell links to: the first seed on which the model was invalid, else the first.
   */
  private static int firstRun(CompareCommand.Entry e, String model) {
    for (int i = 0; i < e.figures().size(); i++) {
      if ("INVALID".equals(e.figures().get(i).verdicts().get(model))) return i;
    }
    return 0;
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
