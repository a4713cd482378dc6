package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's plots over the run's time, drawn as inline SVG to be read at a glance: each
 * operation's latency on a log axis with the p50 and p99 over time, throughput by outcome, and the
 * faults as bands coloured by kind, each labelled with its text form where there is room and listed
 * in a legend. Colours are the Okabe–Ito palette (readable with the common colour blindnesses) and
 * every outcome also has its own shape. Labels are placed so none overlaps another: a fault's label
 * that does not fit is shortened to its number in the legend ({@code F3}), or left to the legend.
 */
final class RunPlots {
  /** Okabe & Ito (2008), "Color Universal Design". */
  static final String OK = "#009E73";

  static final String FAIL = "#E69F00";
  static final String INFO = "#D55E00";
  static final String BLUE = "#0072B2";
  static final String SKY = "#56B4E9";
  static final String PURPLE = "#CC79A7";
  static final String YELLOW = "#F0E442";
  static final String BLACK = "#000000";

  static final int WIDTH = 1020;
  static final int LEFT = 64;
  static final int RIGHT = 960;

  /**
   * Label widths are estimated from the character count: generous, so estimates never undershoot.
   */
  private static final double CHAR_PX = 6.9;

  private static final int LABEL_ROWS = 3;
  private static final int LABEL_ROW_PX = 15;

  private RunPlots() {}

  /** A fault's window on the run's timeline, with its text and its kind. */
  record Band(int number, long start, long end, String text, Kind kind) {}

  /** What a fault does, by which its band is coloured. */
  enum Kind {
    CRASH("crash, kill", PURPLE),
    PARTITION("partition", SKY),
    PAUSE("pause", YELLOW),
    CLOCK("clock", "#999999"),
    /** An operator's migration step ({@code phase 2}): a moment, drawn as a thin band. */
    OPERATOR("migration step", BLACK),
    NETWORK("network (loss, delay, duplicates)", BLUE);

    final String label;
    final String colour;

    Kind(String label, String colour) {
      this.label = label;
      this.colour = colour;
    }

    static Kind of(Fault f) {
      String n = f.getClass().getSimpleName();
      if (n.startsWith("Kill") || n.startsWith("Restart")) {
        return CRASH;
      }
      if (n.startsWith("Partition") || n.startsWith("Isolate") || n.startsWith("Heal")) {
        return PARTITION;
      }
      if (n.startsWith("Pause") || n.startsWith("Resume")) {
        return PAUSE;
      }
      if (n.startsWith("Clock") || n.startsWith("TrueTime")) {
        return CLOCK;
      }
      if (f.category() == Fault.Category.OPERATOR) {
        return OPERATOR;
      }
      return NETWORK;
    }
  }

  /**
   * The plan's fault windows, numbered in order: [start, end) from each start event to its undo (or
   * the end of the run's faults), with the fault's text as the nemesis log resolved it.
   */
  static List<Band> bands(RunOutcome o, long endNanos) {
    List<Band> out = new ArrayList<>();
    List<FaultEvent> plan = o.planEvents();
    List<Op> nemesis = o.history().nemesisEvents();
    for (FaultEvent e : plan) {
      if (e.cause() != FaultEvent.Cause.START) {
        continue;
      }
      long end = -1;
      for (FaultEvent u : plan) {
        if (u.cause() == FaultEvent.Cause.UNDO && u.undoesIndex() == e.index()) {
          end = u.atNanos();
          break;
        }
      }
      if (end < 0 && e.fault().undo().isEmpty()) {
        // An action, not a state (restart, heal, disconnect-clients): a moment, drawn as a line.
        end = e.atNanos();
      }
      if (end < 0) {
        end = Math.min(endNanos, o.scenario().duration().toNanos());
      }
      if (Kind.of(e.fault()) == Kind.OPERATOR) {
        // A step happens at a moment; it does not last until the end of the faults.
        end = Math.min(endNanos, e.atNanos() + Math.max(1, endNanos / 400));
      }
      String text = e.fault().text();
      for (Op op : nemesis) {
        // The nemesis log says what a role target resolved to ("… → n1"), when it applied the
        // fault: at once, or — a kill armed for a coordinator's phase — when the phase came.
        if (op.timeNanos() >= e.atNanos()
            && op.timeNanos() < Math.max(end, e.atNanos() + 1)
            && op.value() instanceof String v
            && v.startsWith(text + " → ")) {
          text = v;
          break;
        }
      }
      out.add(new Band(out.size() + 1, e.atNanos(), end, text, Kind.of(e.fault())));
    }
    return out;
  }

  static double x(long nanos, long endNanos) {
    return LEFT + (double) nanos / Math.max(1, endNanos) * (RIGHT - LEFT);
  }

  static double textWidth(String s, double fontPx) {
    return s.length() * CHAR_PX * fontPx / 11.0 + 4;
  }

  /**
   * Places labels in rows above a drawing so that none overlaps another, nor another's leader line
   * (the line from a label down to the point it names, through the rows nearer the drawing). Row 0
   * is the nearest; a label goes in the nearest row where it fits.
   */
  static final class Rows {
    private final List<List<double[]>> spans = new ArrayList<>();
    private final List<List<Double>> lines = new ArrayList<>();
    private final double left;
    private final double right;

    Rows(int rows, double left, double right) {
      for (int r = 0; r < rows; r++) {
        spans.add(new ArrayList<>());
        lines.add(new ArrayList<>());
      }
      this.left = left;
      this.right = right;
    }

    /**
     * The row and left edge for a label {@code width} wide naming the point at {@code anchor}, or
     * null when no row has room.
     */
    double[] place(double anchor, double width) {
      double at = Math.max(left, Math.min(anchor, right - width));
      double end = at + width;
      for (int r = 0; r < spans.size(); r++) {
        boolean free = true;
        for (double[] sp : spans.get(r)) {
          free &= end + 6 <= sp[0] || at >= sp[1] + 6;
        }
        for (double x : lines.get(r)) {
          free &= x < at - 3 || x > end + 3;
        }
        for (int below = 0; below < r && free; below++) {
          for (double[] sp : spans.get(below)) {
            free &= anchor < sp[0] - 3 || anchor > sp[1] + 3;
          }
        }
        if (free) {
          spans.get(r).add(new double[] {at, end});
          for (int below = 0; below < r; below++) {
            lines.get(below).add(anchor);
          }
          return new double[] {r, at};
        }
      }
      return null;
    }
  }

  /** The legend of outcomes (colour and shape) and of the fault kinds present. */
  static String legend(List<Band> bands, boolean outcomes) {
    StringBuilder h = new StringBuilder("<div class=legend>");
    if (outcomes) {
      h.append("<span>")
          .append(shapeIcon("ok"))
          .append("ok</span><span>")
          .append(shapeIcon("fail"))
          .append("fail (definitely did not happen)</span><span>")
          .append(shapeIcon("info"))
          .append("info (timed out: unknown)</span>")
          .append("<span><i class=ln style=\"border-color:")
          .append(BLUE)
          .append("\"></i>p50</span><span><i class=ln style=\"border-color:")
          .append(BLACK)
          .append(";border-top-style:dashed\"></i>p99</span>");
    }
    List<Kind> kinds = new ArrayList<>();
    for (Band b : bands) {
      if (!kinds.contains(b.kind())) {
        kinds.add(b.kind());
      }
    }
    for (Kind k : kinds) {
      h.append("<span><i class=sw style=\"background:")
          .append(k.colour)
          .append(";opacity:.55;border-radius:0\"></i>")
          .append(RunReport.esc(k.label))
          .append("</span>");
    }
    h.append("</div>");
    if (!bands.isEmpty()) {
      h.append("<ol class=faults>");
      for (Band b : bands) {
        h.append("<li id=fault-")
            .append(b.number())
            .append(" value=")
            .append(b.number())
            .append("><i class=sw style=\"background:")
            .append(b.kind().colour)
            .append(";opacity:.55;border-radius:0\"></i><b>F")
            .append(b.number())
            .append("</b> <code>")
            .append(RunReport.esc(b.text()))
            .append("</code> ")
            .append(String.format(Locale.ROOT, "%.3f–%.3f s", b.start() / 1e9, b.end() / 1e9))
            .append("</li>");
      }
      h.append("</ol>");
    }
    return h.toString();
  }

  /** A small inline SVG of an outcome's mark, for legends. */
  static String shapeIcon(String outcome) {
    return "<svg width=12 height=12 viewBox='-6 -6 12 12' style='vertical-align:middle;margin-right:4px'>"
        + mark(outcome, 0, 0, 4.5, "")
        + "</svg>";
  }

  /** An outcome's mark at (x, y): ok a circle, fail a triangle, info a cross. */
  static String mark(String outcome, double x, double y, double r, String title) {
    String t = title.isEmpty() ? "" : "<title>" + RunReport.esc(title) + "</title>";
    switch (outcome) {
      case "ok":
        return String.format(
            Locale.ROOT,
            "<circle cx='%.1f' cy='%.1f' r='%.1f' fill='%s' fill-opacity='0.55'>%s</circle>",
            x,
            y,
            r * 0.7,
            OK,
            t);
      case "fail":
        return String.format(
            Locale.ROOT,
            "<path d='M%.1f %.1fl%.1f %.1fh%.1fz' fill='%s' stroke='#5a3d00' stroke-width='0.5'>%s</path>",
            x,
            y - r,
            r,
            r * 1.7,
            -2 * r,
            FAIL,
            t);
      default:
        return String.format(
            Locale.ROOT,
            "<path d='M%.1f %.1fl%.1f %.1fm0 %.1fl%.1f %.1f' stroke='%s' stroke-width='2.2'>%s</path>",
            x - r,
            y - r,
            2 * r,
            2 * r,
            -2 * r,
            -2 * r,
            2 * r,
            INFO,
            t);
    }
  }

  private static String outcome(Operation op) {
    return op.isOk() ? "ok" : op.isFail() ? "fail" : "info";
  }

  /**
   * Fault bands behind a plot from {@code top} to {@code bottom}; with {@code labels}, each band's
   * text (or number) in the label rows above {@code top}, and the final heal's line.
   */
  static void drawBands(
      StringBuilder svg,
      List<Band> bands,
      long endNanos,
      long healNanos,
      int top,
      int bottom,
      boolean labels) {
    for (Band b : bands) {
      double x0 = x(b.start(), endNanos);
      double x1 = x(b.end(), endNanos);
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='%s' fill-opacity='0.22'><title>F%d %s, %.3f–%.3f s</title></rect>",
              x0,
              top,
              Math.max(1.5, x1 - x0),
              bottom - top,
              b.kind().colour,
              b.number(),
              RunReport.esc(b.text()),
              b.start() / 1e9,
              b.end() / 1e9));
    }
    double heal = x(healNanos, endNanos);
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#555' stroke-dasharray='4 3'/>",
            heal,
            heal,
            top,
            bottom));
    if (!labels) {
      return;
    }
    Rows rows = new Rows(LABEL_ROWS, LEFT, WIDTH - 4);
    List<Object[]> wanted = new ArrayList<>();
    for (Band b : bands) {
      wanted.add(new Object[] {x(b.start(), endNanos), b});
    }
    wanted.add(new Object[] {heal, null});
    wanted.sort((a, c) -> Double.compare((double) a[0], (double) c[0]));
    for (Object[] w : wanted) {
      Band b = (Band) w[1];
      double x = (double) w[0];
      String full = b == null ? "final heal" : "F" + b.number() + " " + b.text();
      String colour = b == null ? "#555" : darker(b.kind());
      for (String text : b == null ? List.of(full) : List.of(full, "F" + b.number())) {
        double width = textWidth(text, 11);
        double[] at = rows.place(x, width);
        if (at != null) {
          double y = top - 5 - at[0] * LABEL_ROW_PX;
          svg.append(
              String.format(
                  Locale.ROOT,
                  "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%d' stroke='%s' stroke-width='0.8'/>",
                  x,
                  x,
                  y + 2,
                  top,
                  colour));
          svg.append(
              String.format(
                  Locale.ROOT,
                  "<text class=lbl x='%.1f' y='%.1f' font-size='11' fill='%s'>%s</text>",
                  at[1] + 2,
                  y,
                  colour,
                  RunReport.esc(text)));
          break;
        }
      }
    }
  }

  private static String darker(Kind k) {
    switch (k) {
      case PAUSE:
        return "#8a7d00";
      case CLOCK:
        return "#555555";
      case PARTITION:
        return "#1f6f99";
      case CRASH:
        return "#9c3f7a";
      case OPERATOR:
        return BLACK;
      default:
        return BLUE;
    }
  }

  static String svgOpen(int height, String cls) {
    return "<svg xmlns='http://www.w3.org/2000/svg' class='"
        + cls
        + "' width='"
        + WIDTH
        + "' height='"
        + height
        + "' viewBox='0 0 "
        + WIDTH
        + " "
        + height
        + "' style='display:block;margin:6px 0;max-width:100%;height:auto'>";
  }

  static void timeAxis(StringBuilder svg, long endNanos, int bottom) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#999'/>",
            LEFT,
            RIGHT,
            bottom,
            bottom));
    double seconds = endNanos / 1e9;
    double step = RunReport.niceCeil(seconds / 10);
    for (double t = 0; t <= seconds + 1e-9; t += step) {
      double x = x((long) (t * 1e9), endNanos);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#999'/><text class=lbl x='%.1f' y='%d' font-size='11' text-anchor='%s' fill='#555'>%s s</text>",
              x,
              x,
              bottom,
              bottom + 4,
              x,
              bottom + 16,
              // The first starts at the axis, clear of the lowest value's label left of it.
              t == 0 ? "start" : "middle",
              fmt(t)));
    }
  }

  private static void yLabel(StringBuilder svg, int top, int bottom, String label) {
    int mid = (top + bottom) / 2;
    svg.append(
        String.format(
            Locale.ROOT,
            "<text class=lbl x='13' y='%d' font-size='11' fill='#555' transform='rotate(-90 13 %d)' text-anchor='middle'>%s</text>",
            mid,
            mid,
            RunReport.esc(label)));
  }

  /** Latency of every completed operation on a log axis, fail and info drawn last (on top). */
  static String latency(RunOutcome o, List<Band> bands, long endNanos) {
    int top = 10 + LABEL_ROWS * LABEL_ROW_PX;
    int plotH = 230;
    int bottom = top + plotH;
    int height = bottom + 26;
    double minMs = Double.MAX_VALUE;
    double maxMs = 0;
    List<Operation> done = new ArrayList<>();
    for (Operation op : o.history().operations()) {
      if (op.completion() != null) {
        double lat = (op.completion().timeNanos() - op.invokeTimeNanos()) / 1e6;
        minMs = Math.min(minMs, Math.max(lat, 1e-3));
        maxMs = Math.max(maxMs, lat);
        done.add(op);
      }
    }
    StringBuilder svg = new StringBuilder(svgOpen(height, "plot latency"));
    drawBands(svg, bands, endNanos, o.scenario().duration().toNanos(), top, bottom, true);
    if (done.isEmpty()) {
      timeAxis(svg, endNanos, bottom);
      return svg.append("</svg>").toString();
    }
    int loDecade = (int) Math.floor(Math.log10(minMs));
    int hiDecade = Math.max(loDecade + 1, (int) Math.ceil(Math.log10(Math.max(maxMs, 1e-3))));
    double lo = Math.pow(10, loDecade);
    double decades = hiDecade - loDecade;
    java.util.function.DoubleUnaryOperator y =
        ms -> bottom - (Math.log10(Math.max(ms, lo)) - loDecade) / decades * plotH;
    for (int d = loDecade; d <= hiDecade; d++) {
      double yy = y.applyAsDouble(Math.pow(10, d));
      gridLine(svg, yy, msText(Math.pow(10, d)), "#e4e4e4");
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#999'/>",
            LEFT,
            LEFT,
            top,
            bottom));
    yLabel(svg, top, bottom, "latency (log)");
    timeAxis(svg, endNanos, bottom);
    for (String pass : List.of("ok", "fail", "info")) {
      if (pass.equals("ok")) {
        // Many: one group carries their colour, each circle only its place.
        svg.append("<g class=ok-marks fill='").append(OK).append("' fill-opacity='0.55'>");
        for (Operation op : done) {
          if (op.isOk()) {
            double lat = (op.completion().timeNanos() - op.invokeTimeNanos()) / 1e6;
            svg.append(
                String.format(
                    Locale.ROOT,
                    "<circle cx='%.1f' cy='%.1f' r='1.7'/>",
                    x(op.completion().timeNanos(), endNanos),
                    y.applyAsDouble(lat)));
          }
        }
        svg.append("</g>");
        continue;
      }
      for (Operation op : done) {
        if (!outcome(op).equals(pass)) {
          continue;
        }
        double lat = (op.completion().timeNanos() - op.invokeTimeNanos()) / 1e6;
        svg.append(
            mark(
                pass,
                x(op.completion().timeNanos(), endNanos),
                y.applyAsDouble(lat),
                pass.equals("ok") ? 2.4 : 3.6,
                pass.equals("ok")
                    ? ""
                    : String.format(
                        Locale.ROOT,
                        "process %d %s %s → %s, %.2f ms, ended %.3f s",
                        op.process(),
                        op.f(),
                        String.valueOf(op.invocation().value()),
                        pass,
                        lat,
                        op.completion().timeNanos() / 1e9)));
      }
    }
    // p50 and p99 of the ok operations, per slice of time.
    int slices = 40;
    List<List<Double>> per = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      per.add(new ArrayList<>());
    }
    for (Operation op : done) {
      if (op.isOk()) {
        int s =
            (int)
                Math.min(
                    slices - 1,
                    (long) slices * op.completion().timeNanos() / Math.max(1, endNanos));
        per.get(s).add((op.completion().timeNanos() - op.invokeTimeNanos()) / 1e6);
      }
    }
    double[] lastY = new double[2];
    double lastX = 0;
    String[] styles = {
      "stroke='" + BLUE + "' stroke-width='2'",
      "stroke='" + BLACK + "' stroke-width='1.6' stroke-dasharray='5 3'"
    };
    double[] qs = {0.5, 0.99};
    for (int k = 0; k < 2; k++) {
      StringBuilder pts = new StringBuilder();
      boolean gap = true;
      for (int i = 0; i < slices; i++) {
        List<Double> v = per.get(i);
        if (v.size() < 3) {
          // Too few to say: the line breaks rather than inventing a trend across the gap.
          gap = true;
          continue;
        }
        v.sort(null);
        double q = v.get((int) Math.min(v.size() - 1, Math.floor(qs[k] * v.size())));
        double xx = LEFT + (i + 0.5) * (RIGHT - LEFT) / slices;
        double yy = y.applyAsDouble(q);
        pts.append(String.format(Locale.ROOT, "%s%.1f %.1f ", gap ? "M" : "L", xx, yy));
        gap = false;
        lastY[k] = yy;
        lastX = Math.max(lastX, xx);
      }
      if (pts.length() > 0) {
        svg.append("<path d='")
            .append(pts.toString().strip())
            .append("' fill='none' ")
            .append(styles[k])
            .append("><title>")
            .append(k == 0 ? "p50" : "p99")
            .append(" of ok operations, per ")
            .append(fmt(endNanos / 1e9 / slices))
            .append(" s</title></path>");
      }
    }
    if (lastX > 0) {
      // The lines' names at the right edge, pushed apart when the lines end close together.
      double y50 = lastY[0];
      double y99 = Math.min(lastY[1], y50 - 13);
      svg.append(
          String.format(
              Locale.ROOT,
              "<text class=lbl x='%d' y='%.1f' font-size='11' fill='%s'>p50</text><text class=lbl x='%d' y='%.1f' font-size='11' fill='%s'>p99</text>",
              RIGHT + 6,
              y50 + 4,
              BLUE,
              RIGHT + 6,
              Math.max(top + 8, y99 + 4),
              BLACK));
    }
    return svg.append("</svg>").toString();
  }

  /** Completed operations per second, stacked by outcome. */
  static String throughput(RunOutcome o, List<Band> bands, long endNanos) {
    int top = 10;
    int plotH = 130;
    int bottom = top + plotH;
    int height = bottom + 26;
    int buckets = Math.max(1, (int) Math.ceil(endNanos / 1e9 * 4));
    long bucketNanos = Math.max(1, endNanos / buckets + 1);
    Map<String, int[]> counts = new LinkedHashMap<>();
    for (String k : List.of("ok", "fail", "info")) {
      counts.put(k, new int[buckets]);
    }
    for (Operation op : o.history().operations()) {
      if (op.completion() != null) {
        int b = (int) Math.min(buckets - 1, op.completion().timeNanos() / bucketNanos);
        counts.get(outcome(op))[b]++;
      }
    }
    double maxRate = 1;
    for (int b = 0; b < buckets; b++) {
      int sum = 0;
      for (int[] c : counts.values()) {
        sum += c[b];
      }
      maxRate = Math.max(maxRate, sum * 1e9 / bucketNanos);
    }
    maxRate = RunReport.niceCeil(maxRate);
    StringBuilder svg = new StringBuilder(svgOpen(height, "plot throughput"));
    drawBands(svg, bands, endNanos, o.scenario().duration().toNanos(), top, bottom, false);
    yGrid(svg, bottom, plotH, maxRate);
    yLabel(svg, top, bottom, "ops/s");
    timeAxis(svg, endNanos, bottom);
    Map<String, String> colour = Map.of("ok", OK, "fail", FAIL, "info", INFO);
    for (int b = 0; b < buckets; b++) {
      double x0 = x(b * bucketNanos, endNanos);
      double x1 = x(Math.min(endNanos, (b + 1) * bucketNanos), endNanos);
      double base = bottom;
      StringBuilder title = new StringBuilder();
      for (Map.Entry<String, int[]> e : counts.entrySet()) {
        double rate = e.getValue()[b] * 1e9 / bucketNanos;
        title.append(String.format(Locale.ROOT, "%s %.0f/s  ", e.getKey(), rate));
      }
      for (Map.Entry<String, int[]> e : counts.entrySet()) {
        double rate = e.getValue()[b] * 1e9 / bucketNanos;
        if (rate == 0) {
          continue;
        }
        double hgt = rate / maxRate * plotH;
        base -= hgt;
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'%s><title>%.2f–%.2f s: %s</title></rect>",
                x0,
                base,
                Math.max(0.5, x1 - x0 - 0.5),
                hgt,
                colour.get(e.getKey()),
                e.getKey().equals("info") ? " stroke='#5a2200' stroke-width='0.6'" : "",
                b * bucketNanos / 1e9,
                Math.min(endNanos, (b + 1) * bucketNanos) / 1e9,
                title.toString().strip()));
      }
    }
    return svg.append("</svg>").toString();
  }

  /**
   * A quantity the protocol measured over time ({@code CDC lag}, {@code retained log}) as a step
   * line, with the fault bands behind it and the run's timeline below.
   */
  static String series(
      RunOutcome o, dev.txlab.coordinator.protocol.TimeSeries ts, List<Band> bands, long endNanos) {
    int top = 10;
    int plotH = 110;
    int bottom = top + plotH;
    int height = bottom + 26;
    double max = 1;
    for (dev.txlab.coordinator.protocol.TimeSeries.Point p : ts.points()) {
      max = Math.max(max, p.value());
    }
    max = RunReport.niceCeil(max);
    StringBuilder svg = new StringBuilder(svgOpen(height, "plot series"));
    drawBands(svg, bands, endNanos, o.scenario().duration().toNanos(), top, bottom, false);
    yGrid(svg, bottom, plotH, max);
    yLabel(svg, top, bottom, ts.name() + " (" + ts.unit() + ")");
    timeAxis(svg, endNanos, bottom);
    StringBuilder path = new StringBuilder();
    double lastY = bottom;
    for (dev.txlab.coordinator.protocol.TimeSeries.Point p : ts.points()) {
      double xx = x(Math.min(p.atNanos(), endNanos), endNanos);
      double yy = bottom - p.value() / max * plotH;
      if (path.length() == 0) {
        path.append(String.format(Locale.ROOT, "M%.1f,%.1f", xx, yy));
      } else {
        path.append(String.format(Locale.ROOT, " H%.1f V%.1f", xx, yy));
      }
      lastY = yy;
    }
    if (path.length() > 0) {
      path.append(String.format(Locale.ROOT, " H%.1f V%.1f", x(endNanos, endNanos), lastY));
      svg.append("<path d='")
          .append(path)
          .append("' fill='none' stroke='")
          .append(BLUE)
          .append("' stroke-width='1.4'><title>")
          .append(RunReport.esc(ts.name()))
          .append("</title></path>");
    }
    return svg.append("</svg>").toString();
  }

  /** Five horizontal grid lines from 0 to {@code max}, labelled on the left. */
  private static void yGrid(StringBuilder svg, int bottom, int plotH, double max) {
    for (int i = 0; i <= 4; i++) {
      gridLine(svg, bottom - (double) plotH * i / 4, fmt(max * i / 4), "#eee");
    }
  }

  /** One horizontal grid line across the plot at {@code y}, labelled on the left. */
  private static void gridLine(StringBuilder svg, double y, String label, String stroke) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='%s'/><text class=lbl x='%d'"
                + " y='%.1f' font-size='11' text-anchor='end' fill='#555'>%s</text>",
            LEFT,
            RIGHT,
            y,
            y,
            stroke,
            LEFT - 6,
            y + 4,
            label));
  }

  static String msText(double ms) {
    if (ms >= 1000) {
      return fmt(ms / 1000) + " s";
    }
    if (ms >= 1) {
      return fmt(ms) + " ms";
    }
    return fmt(ms * 1000) + " µs";
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
