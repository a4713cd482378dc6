package dev.txlab.checker.txn;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the report of a transactional check: {@code txn-report.html}, one self-contained page (no
 * scripts, no network) for a reader who has never met Adya's anomaly names — the verdict model by
 * model, what each kind of dependency means, and for each anomaly its transactions, a drawing of
 * the cycle and the reasons for each edge — and {@code anomalies.json}, every reportable case as
 * data.
 */
final class TxnReport {
  private TxnReport() {}

  /** Cases drawn per anomaly type; the JSON dump has them all. */
  private static final int SHOWN_PER_TYPE = 12;

  /** The models a reader usually asks about, weakest first. */
  private static final List<String> LADDER =
      List.of(
          "read-uncommitted",
          "read-committed",
          "repeatable-read",
          "snapshot-isolation",
          "serializable",
          "strong-session-serializable",
          "strong-snapshot-isolation",
          "strict-serializable");

  /** Plain-language meaning of each anomaly. */
  private static final Map<String, String> MEANING =
      Map.ofEntries(
          Map.entry(
              "G0",
              "Write cycle: transactions overwrote each other in a circle, so no order "
                  + "of them explains the final versions."),
          Map.entry(
              "G1a",
              "Aborted read: a committed transaction saw data written by a transaction "
                  + "that failed."),
          Map.entry(
              "G1b",
              "Intermediate read: a committed transaction saw a version that its writer "
                  + "replaced before finishing."),
          Map.entry(
              "G1c",
              "Circular information flow: transactions saw (or overwrote) each other's "
                  + "effects in a circle; each must have come before the other."),
          Map.entry(
              "G-single-item",
              "Read skew: a transaction missed one write (an anti-dependency) "
                  + "but saw effects that came after it."),
          Map.entry(
              "G-nonadjacent-item",
              "A cycle with several missed writes, never two in a row; "
                  + "snapshot isolation forbids it."),
          Map.entry(
              "G2-item",
              "Anti-dependency cycle (write skew): transactions each missed the "
                  + "other's write. Snapshot isolation allows this; serializability does not."),
          Map.entry(
              "internal", "A transaction's read contradicts its own earlier reads or writes."),
          Map.entry("future-read", "A transaction read a value it only writes later."),
          Map.entry(
              "incompatible-order",
              "Two reads of one list disagree on the order of its " + "elements."),
          Map.entry(
              "duplicate-elements",
              "A list read shows an element twice, though it was " + "appended once."),
          Map.entry("dirty-update", "A committed write was applied on top of a failed one."),
          Map.entry(
              "lost-update",
              "Two committed transactions read the same version of a key and "
                  + "both wrote it: one update silently overwrote the other."),
          Map.entry("cyclic-versions", "The assumed version order of a key contradicts itself."),
          Map.entry(
              "cycle-search-timeout",
              "The search for cycles ran out of time in a large "
                  + "tangle of transactions; other anomalies may be hidden there."),
          Map.entry(
              "empty-transaction-graph",
              "No dependency between transactions could be "
                  + "inferred, so nothing can be concluded."));

  private static final Map<Integer, String> COLOR =
      Map.of(
          Rel.WW,
          "#c0392b",
          Rel.WR,
          "#2471a3",
          Rel.RW,
          "#d68910",
          Rel.PROCESS,
          "#7d3c98",
          Rel.REALTIME,
          "#1e8449");

  /** The style rules {@link #caseHtml} fragments need, for pages that embed them. */
  static final String CASE_CSS =
      ".case{display:flex;gap:1.5em;align-items:flex-start;"
          + "border:1px solid #e3e3e3;border-radius:.5em;padding:1em;margin:1em 0}"
          + ".case>svg{flex:none}.case>div{flex:1;min-width:0;overflow-x:auto}"
          + ".case ol{margin:.3em 0;padding-left:1.3em}.meaning{color:#555}"
          + ".out{color:#c0392b;font-weight:600}.ok{color:#1e8449}.na{color:#888}";

  static Path write(TxnResult r, Path dir) throws IOException {
    writeJson(r, dir.resolve("anomalies.json"));
    Path p = dir.resolve("txn-report.html");
    Files.writeString(p, html(r));
    return p;
  }

  private static void writeJson(TxnResult r, Path file) throws IOException {
    try (JsonGenerator json = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("workload", r.workload());
      json.writeFieldName("valid");
      dev.txlab.checker.history.HistoryWriter.writeJson(r.validity().json(), json);
      r.writeJsonFields(json);
      json.writeEndObject();
    }
  }

  static String html(TxnResult r) {
    StringBuilder h = new StringBuilder(1 << 16);
    h.append(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>txlab: transactional check</title><style>")
        .append(
            "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;"
                + "color:#222;line-height:1.45;padding:0 1.2em}")
        .append(
            "h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;"
                + "margin-top:2em}")
        .append(
            ".badge{display:inline-block;padding:.15em .6em;border-radius:.4em;"
                + "color:#fff;font-weight:600}")
        .append(
            ".VALID{background:#1e8449}.INVALID{background:#c0392b}"
                + ".UNKNOWN{background:#b9770e}")
        .append(
            "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;"
                + "padding:.25em .6em;text-align:left;vertical-align:top}")
        .append(
            "th{background:#f4f4f4}code,.mono{font-family:ui-monospace,monospace;"
                + "font-size:.9em}")
        .append(CASE_CSS)
        .append(".key span{display:inline-block;margin-right:1.2em}")
        .append("</style></head><body>");
    h.append("<h1>Transactional check: ").append(esc(r.workload())).append(" history</h1>");
    h.append("<p><span class=\"badge ")
        .append(r.validity())
        .append("\">")
        .append(r.validity().name().toLowerCase(Locale.ROOT))
        .append("</span> against ")
        .append(esc(String.join(", ", r.spec().consistencyModels())))
        .append(" — ")
        .append(r.txnCount())
        .append(" transactions, ")
        .append(r.edgeCount())
        .append(" inferred dependencies; inference ")
        .append(r.inferMillis())
        .append(" ms, cycle search ")
        .append(r.searchMillis())
        .append(" ms.</p>");
    if (!r.anomalyTypes().isEmpty()) {
      h.append("<p>Anomalies: <b>")
          .append(esc(String.join(", ", r.anomalyTypes())))
          .append("</b>.");
      if (!r.not().isEmpty()) {
        h.append(" So the history is <b>not ")
            .append(esc(String.join(", ", r.not())))
            .append("</b>");
        if (!r.alsoNot().isEmpty()) {
          h.append(", and therefore not any stronger model either (")
              .append(esc(String.join(", ", r.alsoNot())))
              .append(")");
        }
        h.append('.');
      }
      h.append("</p>");
    }
    models(r, h);
    glossary(h);
    int shown = 0;
    for (Map.Entry<String, List<AnomalyCase>> e : r.reportable().entrySet()) {
      String type = e.getKey();
      List<AnomalyCase> cases = e.getValue();
      h.append("<h2 id=\"")
          .append(esc(type))
          .append("\">")
          .append(esc(type))
          .append(" (")
          .append(cases.size())
          .append(cases.size() == 1 ? " case" : " cases")
          .append(")</h2>");
      h.append("<p class=\"meaning\">").append(esc(meaning(type))).append("</p>");
      for (int i = 0; i < Math.min(cases.size(), SHOWN_PER_TYPE); i++) {
        caseHtml(cases.get(i), i, h);
        shown++;
      }
      if (cases.size() > SHOWN_PER_TYPE) {
        h.append("<p>… ")
            .append(cases.size() - SHOWN_PER_TYPE)
            .append(" more cases in <code>anomalies.json</code>.</p>");
      }
    }
    if (shown == 0) {
      h.append("<p>No anomaly that the checked models forbid was found.</p>");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  static String meaning(String type) {
    String base = type.replace("-realtime", "").replace("-process", "");
    String m = MEANING.get(base);
    if (m == null && type.endsWith("-cycle-exists")) {
      return "Some cycle forbidden by the model exists among these transactions; no concrete "
          + "cycle of a named anomaly was reported for it.";
    }
    if (m == null) {
      return "";
    }
    if (type.endsWith("-realtime")) {
      m +=
          " Here the cycle closes only through real time: a transaction that finished before "
              + "another began must precede it.";
    } else if (type.endsWith("-process")) {
      m += " Here the cycle closes only through a client's own order of transactions.";
    }
    return m;
  }

  private static void models(TxnResult r, StringBuilder h) {
    Set<String> impossible = ModelLattice.impossibleModels(r.foundTypes());
    Set<String> prohibited = ModelLattice.prohibitedBy(r.spec().consistencyModels());
    boolean realtime = prohibited.stream().anyMatch(t -> t.endsWith("-realtime"));
    boolean process = realtime || prohibited.stream().anyMatch(t -> t.endsWith("-process"));
    h.append("<h2>Verdict per model</h2><table><tr><th>model</th><th>verdict</th></tr>");
    List<String> rows = new ArrayList<>(LADDER);
    for (String m : r.spec().consistencyModels()) {
      if (!rows.contains(m)) {
        rows.add(m);
      }
    }
    for (String m : rows) {
      String c = ModelLattice.canonical(m);
      boolean needsRealtime =
          ModelLattice.prohibitedBy(List.of(m)).stream().anyMatch(t -> t.endsWith("-realtime"));
      boolean needsProcess =
          ModelLattice.prohibitedBy(List.of(m)).stream().anyMatch(t -> t.endsWith("-process"));
      h.append("<tr><td>")
          .append(esc(m))
          .append(r.spec().consistencyModels().contains(m) ? " <i>(checked)</i>" : "")
          .append("</td><td>");
      if (impossible.contains(c)) {
        h.append("<span class=\"out\">ruled out</span>");
      } else if ((needsRealtime && !realtime)
          || (needsProcess && !needsRealtime && realtime)
          || (needsProcess && !process)) {
        // A session-order cycle found through the real-time graph is labelled real-time, so
        // session models are only judged when the process graph itself was searched.
        h.append("<span class=\"na\">not checked: needs the ")
            .append(needsRealtime ? "real-time" : "process")
            .append(" order; check this model on its own</span>");
      } else if (r.validity() == dev.txlab.checker.Validity.UNKNOWN) {
        h.append("<span class=\"na\">not ruled out (the search was incomplete)</span>");
      } else {
        h.append("<span class=\"ok\">no violation found</span>");
      }
      h.append("</td></tr>");
    }
    h.append("</table>");
  }

  private static void glossary(StringBuilder h) {
    h.append(
        "<h2>How to read the drawings</h2><p>Each circle is a transaction. An arrow from "
            + "T1 to T2 means T1 must come before T2 in any serial order, for the reason on its "
            + "label. A cycle of arrows means no serial order exists: the history contradicts "
            + "itself.</p><p class=\"key\">");
    legend(h, Rel.WW, "ww: T2 overwrote (or appended after) T1's write");
    legend(h, Rel.WR, "wr: T2 read what T1 wrote");
    legend(h, Rel.RW, "rw: T1 read a version that T2 then replaced, so T1 missed T2's write");
    legend(h, Rel.PROCESS, "process: the same client ran T1 then T2");
    legend(h, Rel.REALTIME, "realtime: T1 finished before T2 began");
    h.append("</p>");
  }

  private static void legend(StringBuilder h, int rel, String text) {
    h.append(
            "<span><svg width=\"28\" height=\"10\"><line x1=\"0\" y1=\"5\" x2=\"28\" y2=\"5\" "
                + "stroke=\"")
        .append(COLOR.get(rel))
        .append("\" stroke-width=\"3\"/></svg> ")
        .append(esc(text))
        .append("</span>");
  }

  static void caseHtml(AnomalyCase c, int number, StringBuilder h) {
    h.append("<div class=\"case\">");
    if (c.cycle() != null) {
      Cycle cy = c.cycle();
      Map<Txn, String> names = Prose.names(cy.txns());
      h.append(svg(cy, names));
      h.append(
          "<div><table><tr><th></th><th>index</th><th>process</th><th>outcome</th>"
              + "<th>micro-ops</th></tr>");
      names.forEach(
          (t, name) ->
              h.append("<tr><td><b>")
                  .append(name)
                  .append("</b></td><td>")
                  .append(t.index())
                  .append("</td><td>")
                  .append(t.process())
                  .append("</td><td>")
                  .append(Prose.op(t).type().text())
                  .append("</td><td class=\"mono\">")
                  .append(mopsHtml(t, cy))
                  .append("</td></tr>"));
      h.append("</table><ol>");
      List<Step> steps = cy.steps();
      for (int i = 0; i < steps.size(); i++) {
        Step s = steps.get(i);
        h.append("<li><b>")
            .append(names.get(s.a()))
            .append(" &lt; ")
            .append(names.get(s.b()))
            .append("</b> (")
            .append(Rel.name(s.rel()))
            .append("): ")
            .append(esc(Prose.step(s, names)))
            .append(i == steps.size() - 1 ? " — but that closes the circle: a contradiction." : ".")
            .append("</li>");
      }
      h.append("</ol></div>");
    } else {
      h.append("<div>").append(esc(TxnResult.text(c, number)));
      if (c.type().equals("incompatible-order")) {
        incompatibleOrderTable((List<?>) c.data().get("values"), h);
      }
      h.append("</div>");
    }
    h.append("</div>");
  }

  /** The two disagreeing reads side by side, with the positions where they differ marked. */
  private static void incompatibleOrderTable(List<?> values, StringBuilder h) {
    List<?> a = (List<?>) values.get(0);
    List<?> b = (List<?>) values.get(1);
    h.append("<table class=\"mono\"><tr><th>position</th>");
    int n = Math.max(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      h.append("<th>").append(i).append("</th>");
    }
    h.append("</tr>");
    for (List<?> row : List.of(a, b)) {
      h.append("<tr><td>read</td>");
      for (int i = 0; i < n; i++) {
        boolean differs =
            i >= a.size() || i >= b.size() || !java.util.Objects.equals(a.get(i), b.get(i));
        h.append(
                differs && i < Math.min(a.size(), b.size())
                    ? "<td style=\"background:#fadbd8\">"
                    : "<td>")
            .append(i < row.size() ? esc(Prose.edn(row.get(i))) : "")
            .append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>");
  }

  /** A transaction's micro-ops, with those the cycle's steps rely on in bold. */
  private static String mopsHtml(Txn t, Cycle c) {
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (Step s : c.steps()) {
      if (s.a() == t && s.aMop() >= 0) {
        used.add(s.aMop());
      }
      if (s.b() == t && s.bMop() >= 0) {
        used.add(s.bMop());
      }
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < t.mops().size(); i++) {
      if (i > 0) {
        b.append(' ');
      }
      String m = esc(Prose.edn(t.mops().get(i)));
      b.append(used.contains(i) ? "<b>" + m + "</b>" : m);
    }
    return b.append(']').toString();
  }

  /** The cycle drawn by hand: transactions on a circle, one labelled arrow per step. */
  static String svg(Cycle c, Map<Txn, String> names) {
    int n = c.txns().size();
    int size = n <= 3 ? 260 : Math.min(480, 180 + 40 * n);
    double cx = size / 2.0;
    double cy = size / 2.0;
    double radius = size / 2.0 - 48;
    double node = 22;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double angle = -Math.PI / 2 + 2 * Math.PI * i / n;
      x[i] = cx + radius * Math.cos(angle);
      y[i] = cy + radius * Math.sin(angle);
    }
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(size)
        .append("\" height=\"")
        .append(size)
        .append("\" viewBox=\"0 0 ")
        .append(size)
        .append(' ')
        .append(size)
        .append("\" role=\"img\" aria-label=\"")
        .append(esc(c.type()))
        .append(" cycle\">");
    s.append("<defs>");
    for (Map.Entry<Integer, String> e : COLOR.entrySet()) {
      s.append("<marker id=\"arrow")
          .append(e.getKey())
          .append(
              "\" viewBox=\"0 0 10 10\" "
                  + "refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
                  + "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"")
          .append(e.getValue())
          .append("\"/></marker>");
    }
    s.append("</defs>");
    for (int i = 0; i < n; i++) {
      int j = (i + 1) % n;
      Step st = c.steps().get(i);
      String color = COLOR.get(st.rel());
      double dx = x[j] - x[i];
      double dy = y[j] - y[i];
      double len = Math.max(1, Math.hypot(dx, dy));
      double ux = dx / len;
      double uy = dy / len;
      // Bend each arrow outward a little, so the two arrows of a 2-cycle do not overlap.
      double mx = (x[i] + x[j]) / 2 + (n == 2 ? -uy * 40 : (x[i] + x[j] - 2 * cx) * 0.18);
      double my = (y[i] + y[j]) / 2 + (n == 2 ? ux * 40 : (y[i] + y[j] - 2 * cy) * 0.18);
      double sx = x[i] + (mx - x[i]) / Math.hypot(mx - x[i], my - y[i]) * node;
      double sy = y[i] + (my - y[i]) / Math.hypot(mx - x[i], my - y[i]) * node;
      double ex = x[j] + (mx - x[j]) / Math.hypot(mx - x[j], my - y[j]) * (node + 2);
      double ey = y[j] + (my - y[j]) / Math.hypot(mx - x[j], my - y[j]) * (node + 2);
      s.append(
          String.format(
              Locale.ROOT,
              "<path d=\"M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f\" "
                  + "fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" marker-end=\"url(#arrow%d)\"/>",
              sx,
              sy,
              mx,
              my,
              ex,
              ey,
              color,
              st.rel()));
      String label = Rel.name(st.rel()) + (st.key() != null ? " " + Prose.edn(st.key()) : "");
      double lx = (sx + 2 * mx + ex) / 4;
      double ly = (sy + 2 * my + ey) / 4;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" font-weight=\"600\" "
                  + "text-anchor=\"middle\" fill=\"%s\" font-family=\"sans-serif\" "
                  + "paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\">%s</text>",
              lx,
              ly,
              color,
              esc(label)));
    }
    for (int i = 0; i < n; i++) {
      Txn t = c.txns().get(i);
      String fill = t.isOk() ? "#eaf2fb" : "#fdebd0";
      s.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.0f\" "
                  + "fill=\"%s\" stroke=\"#34495e\" stroke-width=\"1.5\"/>",
              x[i],
              y[i],
              node,
              fill));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
                  + "font-weight=\"bold\" text-anchor=\"middle\" font-family=\"sans-serif\">%s</text>",
              x[i],
              y[i] + 4.5,
              esc(names.get(t))));
    }
    s.append("</svg>");
    return s.toString();
  }

  static String esc(String s) {
    return dev.txlab.checker.Html.escape(s);
  }
}
