package dev.txlab.checker.linear;

import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code linearizability.html}: a self-contained page (inline CSS and SVG, no network) that draws
 * the history of the key in question — one lane per process, each operation a bar over its interval
 * — with the best partial linearization numbered in order along a line, and the operation that
 * cannot be placed in red. Long histories are cut to a window around that operation.
 */
final class LinearizabilityHtml {
  private static final int WINDOW_OPS = 48;
  private static final int LANE_HEIGHT = 34;
  private static final int LEFT = 110;
  private static final int WIDTH = 1180;

  private LinearizabilityHtml() {}

  static String render(LinearResult r) {
    LinearResult.KeyResult focus = r.failing();
    if (focus == null && !r.keys().isEmpty()) {
      focus = r.keys().get(0);
    }
    StringBuilder h = new StringBuilder(32 * 1024);
    h.append(
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>txlab · linearizability · ")
        .append(esc(r.history().source()))
        .append("</title><style>")
        .append(
            "body{font:14px/1.45 system-ui,sans-serif;margin:20px auto;max-width:1240px;color:#222;padding:0 10px}")
        .append(
            "h1{font-size:20px;margin:0 0 6px}.badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600}")
        .append(
            ".ok{background:#2e7d32}.bad{background:#c62828}.unk{background:#8d6e00}.muted{color:#666}")
        .append(
            "table{border-collapse:collapse;margin-top:8px}td,th{padding:2px 10px;border-bottom:1px solid #eee;text-align:left}")
        .append(
            ".legend span{margin-right:16px}.sw{display:inline-block;width:22px;height:9px;margin-right:5px;vertical-align:middle;border-radius:2px}")
        .append(
            "code{font:12.5px ui-monospace,monospace;background:#f4f4f4;padding:1px 4px;border-radius:3px}")
        .append("</style></head><body>");
    Validity v = r.validity();
    h.append("<h1>")
        .append(esc(r.history().source()))
        .append(" <span class=\"badge ")
        .append(
            v == Validity.VALID
                ? "ok\">linearizable"
                : v == Validity.INVALID ? "bad\">not linearizable" : "unk\">unknown (gave up)")
        .append("</span></h1>");
    h.append("<div class=muted>model <code>")
        .append(esc(r.workload()))
        .append("</code> · ")
        .append(r.keys().size())
        .append(r.keys().size() == 1 ? " key" : " keys")
        .append(" · ")
        .append(r.explored())
        .append(" configurations explored</div>");
    if (focus == null) {
      return h.append("<p>The history has no client operations to check.</p></body></html>\n")
          .toString();
    }
    h.append("<p>").append(esc(r.toText())).append("</p>");
    if (focus.key() != null) {
      h.append("<p>Drawn below: the operations on key <code>")
          .append(esc(Edn.print(focus.key())))
          .append("</code>.</p>");
    }
    h.append(
            "<div class=legend><span><i class=sw style=background:#90a4ae></i>completed operation</span>")
        .append(
            "<span><i class=sw style=\"background:repeating-linear-gradient(90deg,#bbb 0 4px,transparent 4px 7px)\"></i>outcome unknown (may take effect any time after it starts, or never)</span>")
        .append(
            "<span><i class=sw style=background:#2e7d32></i>placed in the partial linearization (numbered in order)</span>")
        .append("<span><i class=sw style=background:#c62828></i>cannot be placed</span></div>");
    int total = keyOps(r, focus).size();
    if (total > WINDOW_OPS) {
      h.append("<p class=muted>Showing the ")
          .append(WINDOW_OPS)
          .append(" operations around the one that cannot be placed, of ")
          .append(total)
          .append(" on this key; hover over a bar for its details.</p>");
    }
    h.append(svg(r, focus));
    h.append(prefixTable(r, focus));
    h.append(
            "<p class=muted>How to read this: each bar spans from when a process invoked an operation to when it learned the result.")
        .append(
            " A linearizable history is one where every operation can be given a single instant inside its bar such that, taken in")
        .append(
            " that order, the operations make sense one after another for the model. The numbered dots are the longest such order the")
        .append(" checker found; the red operation is where every order breaks down.</p>");
    return h.append("</body></html>\n").toString();
  }

  private static String svg(LinearResult r, LinearResult.KeyResult focus) {
    List<LinOp> ops = keyOps(r, focus);
    WglSearch.Counterexample cx = focus.search().counterexample();
    LinOp blocked = cx == null ? null : cx.blocked();
    List<LinOp> window = window(ops, blocked);
    boolean timed = true;
    for (LinOp op : window) {
      timed &= op.operation().invokeTimeNanos() != Op.NO_TIME;
    }
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (LinOp op : window) {
      min = Math.min(min, start(op, timed));
      max = Math.max(max, op.crashed() ? start(op, timed) : end(op, timed));
    }
    if (window.isEmpty()) {
      return "";
    }
    double span = Math.max(1e-9, max - min);
    max += span * 0.06;
    TreeMap<Integer, Integer> lanes = new TreeMap<>();
    for (LinOp op : window) {
      lanes.putIfAbsent(op.operation().process(), 0);
    }
    int lane = 0;
    for (Map.Entry<Integer, Integer> e : lanes.entrySet()) {
      e.setValue(lane++);
    }
    int height = 40 + lanes.size() * LANE_HEIGHT;
    double lo = min;
    double scale = (WIDTH - LEFT - 20) / (max - min);
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns='http://www.w3.org/2000/svg' width='")
        .append(WIDTH)
        .append("' height='")
        .append(height)
        .append(
            "' style='display:block;margin-top:10px;border:1px solid #eee;background:#fcfcfc'>");
    s.append("<text x='8' y='18' font-size='11' fill='#777'>")
        .append(timed ? "time →" : "history order →")
        .append("</text>");
    for (Map.Entry<Integer, Integer> e : lanes.entrySet()) {
      int y = 30 + e.getValue() * LANE_HEIGHT;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x='8' y='%d' font-size='12' fill='#444'>process %d</text>",
              y + 15,
              e.getKey()));
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#f0f0f0'/>",
              LEFT,
              WIDTH - 10,
              y + LANE_HEIGHT - 4,
              y + LANE_HEIGHT - 4));
    }
    Map<Integer, Integer> order = new HashMap<>();
    if (cx != null) {
      for (int i = 0; i < cx.prefix().size(); i++) {
        order.put(cx.prefix().get(i).id(), i + 1);
      }
    }
    for (LinOp op : window) {
      int y = 30 + lanes.get(op.operation().process()) * LANE_HEIGHT;
      double x0 = LEFT + (start(op, timed) - lo) * scale;
      double x1 = op.crashed() ? WIDTH - 12 : LEFT + (end(op, timed) - lo) * scale;
      x1 = Math.max(x1, x0 + 3);
      boolean isBlocked = blocked != null && op.id() == blocked.id();
      String fill =
          isBlocked
              ? "#c62828"
              : order.containsKey(op.id()) ? "#2e7d32" : op.crashed() ? "#bbbbbb" : "#90a4ae";
      String dash = op.crashed() ? " stroke='#999' stroke-dasharray='4 3' fill-opacity='0.35'" : "";
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x='%.1f' y='%d' width='%.1f' height='14' rx='3' fill='%s'%s><title>%s</title></rect>",
              x0,
              y + 4,
              x1 - x0,
              fill,
              dash,
              esc(LinearResult.describe(op))));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x='%.1f' y='%d' font-size='10.5' fill='%s'>%s</text>",
              x0 + 2,
              y + 29,
              isBlocked ? "#c62828" : "#333",
              esc(label(op))));
    }
    if (cx != null) {
      StringBuilder line = new StringBuilder();
      double last = -Double.MAX_VALUE;
      List<double[]> dots = new ArrayList<>();
      for (LinOp op : cx.prefix()) {
        if (!window.contains(op)) {
          continue;
        }
        int y = 30 + lanes.get(op.operation().process()) * LANE_HEIGHT + 11;
        double a = LEFT + (start(op, timed) - lo) * scale;
        double b = op.crashed() ? WIDTH - 12 : LEFT + (end(op, timed) - lo) * scale;
        double x = Math.min(Math.max(a + 2, last + 4), Math.max(a + 2, b - 2));
        last = x;
        dots.add(new double[] {x, y, order.get(op.id())});
        line.append(line.length() == 0 ? "M" : " L")
            .append(String.format(Locale.ROOT, "%.1f %.1f", x, (double) y));
      }
      if (line.length() > 0) {
        s.append("<path d='")
            .append(line)
            .append("' fill='none' stroke='#1b5e20' stroke-width='1.3' stroke-opacity='0.7'/>");
      }
      for (double[] d : dots) {
        s.append(
            String.format(
                Locale.ROOT,
                "<circle cx='%.1f' cy='%.1f' r='7' fill='#fff' stroke='#1b5e20'/><text x='%.1f' y='%.1f' font-size='8.5' text-anchor='middle' fill='#1b5e20'>%d</text>",
                d[0],
                d[1],
                d[0],
                d[1] + 3,
                (int) d[2]));
      }
    }
    return s.append("</svg>").toString();
  }

  private static String prefixTable(LinearResult r, LinearResult.KeyResult focus) {
    WglSearch.Counterexample cx = focus.search().counterexample();
    if (cx == null) {
      return "";
    }
    StringBuilder t =
        new StringBuilder(
            "<h3>The longest legal order found</h3><table><tr><th>#</th><th>operation</th></tr>");
    List<LinOp> prefix = cx.prefix();
    int from = Math.max(0, prefix.size() - 30);
    if (from > 0) {
      t.append("<tr><td colspan=2 class=muted>… ")
          .append(from)
          .append(" earlier operations …</td></tr>");
    }
    for (int i = from; i < prefix.size(); i++) {
      t.append("<tr><td>")
          .append(i + 1)
          .append("</td><td>")
          .append(esc(LinearResult.describe(prefix.get(i))))
          .append("</td></tr>");
    }
    t.append("<tr><td>✗</td><td style='color:#c62828'>")
        .append(esc(LinearResult.describe(cx.blocked())))
        .append(" — the state is <code>")
        .append(esc(r.model().describe(cx.state())))
        .append("</code></td></tr></table>");
    return t.toString();
  }

  /** The ops of one key, in invocation order, rebuilt from the history (FAIL ops excluded). */
  private static List<LinOp> keyOps(LinearResult r, LinearResult.KeyResult focus) {
    List<LinOp> out = new ArrayList<>();
    WglSearch.Counterexample cx = focus.search().counterexample();
    TreeSet<Integer> seen = new TreeSet<>();
    if (cx != null) {
      for (LinOp op : cx.prefix()) {
        if (seen.add(op.invokePosition())) {
          out.add(op);
        }
      }
      if (seen.add(cx.blocked().invokePosition())) {
        out.add(cx.blocked());
      }
    }
    // Operations of the key that are in neither: draw them too, so the picture is the whole story.
    int id = -1;
    for (Operation o : r.history().operations()) {
      if (o.isFail() || seen.contains(o.invokePosition())) {
        continue;
      }
      Object value = o.value();
      Object key = null;
      if (focus.key() != null) {
        Object k = o.invocation().extra("key");
        if (k != null) {
          key = k;
        } else if (o.invocation().value() instanceof List
            && ((List<?>) o.invocation().value()).size() == 2) {
          key = ((List<?>) o.invocation().value()).get(0);
          if (value instanceof List && ((List<?>) value).size() == 2) {
            value = ((List<?>) value).get(1);
          }
        }
        if (!focus.key().equals(key)) {
          continue;
        }
      }
      out.add(new LinOp(id--, o, value, null, o.invokePosition(), o.completePosition()));
    }
    out.sort(Comparator.comparingInt(LinOp::invokePosition));
    return out;
  }

  private static List<LinOp> window(List<LinOp> ops, LinOp blocked) {
    if (ops.size() <= WINDOW_OPS) {
      return ops;
    }
    int at = ops.size() - 1;
    for (int i = 0; i < ops.size(); i++) {
      if (blocked != null && ops.get(i).invokePosition() == blocked.invokePosition()) {
        at = i;
      }
    }
    int to = Math.min(ops.size(), at + WINDOW_OPS / 8);
    int from = Math.max(0, to - WINDOW_OPS);
    return ops.subList(from, to);
  }

  private static double start(LinOp op, boolean timed) {
    return timed ? op.operation().invokeTimeNanos() : op.invokePosition();
  }

  private static double end(LinOp op, boolean timed) {
    Operation o = op.operation();
    if (timed && o.completion() != null) {
      return o.completion().timeNanos();
    }
    return o.completion() == null
        ? op.invokePosition() + 1
        : o.completePosition() == Integer.MAX_VALUE
            ? op.invokePosition() + 1
            : o.completePosition();
  }

  private static String label(LinOp op) {
    String v = op.value() == null ? "" : " " + Edn.print(op.value());
    String s = op.operation().f() + v + (op.crashed() ? " ?" : "");
    return s.length() > 28 ? s.substring(0, 27) + "…" : s;
  }

  static String esc(String s) {
    return dev.txlab.checker.Html.escape(s);
  }
}
