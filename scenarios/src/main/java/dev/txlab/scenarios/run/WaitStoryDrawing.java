package dev.txlab.scenarios.run;

import dev.txlab.coordinator.protocol.WaitStory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's "Transactions that waited" section: each {@link WaitStory} the protocol told, drawn
 * on its own time axis around the wait — one lane per role (coordinator first), what each held as a
 * bar (locks, and over them the time it was prepared and in doubt), the protocol's moments as
 * marks, the faults active meanwhile as bands — and, in words, the faults that can explain the
 * wait: those whose windows overlap it, first those on a node one of its lanes ran on.
 */
final class WaitStoryDrawing {
  /** Stories drawn; the rest are listed in a sentence each. */
  static final int DRAWN_MAX = 4;

  /**
   * Stories told as a card each (drawn, or a sentence with the faults that can explain it); a
   * protocol that tells more (a saga's, every saga of the run) has the rest listed one line each,
   * behind an expander.
   */
  static final int CARDS_MAX = 12;

  /**
   * Lines in that list at most, so a page stays readable; the report says how many are left out.
   */
  static final int LISTED_MAX = 5000;

  private static final int LANE_PX = 54;
  private static final int LABEL_LEFT = 150;
  private static final int RIGHT = RunPlots.WIDTH - 20;

  private WaitStoryDrawing() {}

  static void section(
      RunOutcome o, List<RunPlots.Band> bands, MessageDiagram messages, StringBuilder h) {
    List<WaitStory> stories = o.waitStories();
    if (stories.isEmpty()) {
      return;
    }
    long endNanos = (long) (o.timings().runSeconds() * 1e9);
    boolean inDoubt =
        stories.stream()
            .flatMap(st -> st.holds().stream())
            .anyMatch(x -> x.kind().equals("in-doubt") || x.kind().equals("lock"));
    h.append("<h2 id=waits>Transactions that waited</h2><p class=muted>")
        .append(stories.size())
        .append(stories.size() == 1 ? " transaction" : " transactions");
    if (inDoubt) {
      h.append(
              " stayed in doubt past the blocked threshold, longest first. Each is drawn around its")
          .append(
              " wait: one lane per role; a bar is what the lane held (pale: its locks; dark: prepared and in doubt,")
          .append(
              " unable to commit or abort on its own), marks are the protocol's moments, shaded bands the faults")
          .append(" active then. Hover a bar or a mark for its values.</p>");
    } else {
      // A protocol whose stories hold no locks (a saga's steps): told as the protocol chose them.
      h.append(
              " told by the protocol, as it chose them. Each is drawn on its own time axis: one lane")
          .append(
              " per role; a bar is what the lane held, marks are the protocol's moments, shaded bands")
          .append(" the faults active then. Hover a bar or a mark for its values.</p>");
    }
    if (stories.size() > CARDS_MAX) {
      h.append("<p class=muted>The first ")
          .append(CARDS_MAX)
          .append(" as the protocol ordered them are told below (")
          .append(DRAWN_MAX)
          .append(" drawn); <a href=\"#waits-all\">the other ")
          .append(stories.size() - CARDS_MAX)
          .append("</a> are listed after them, one line each with their moments.</p>");
    }
    for (int i = 0; i < Math.min(CARDS_MAX, stories.size()); i++) {
      WaitStory s = stories.get(i);
      h.append("<div class=story id=wait-")
          .append(i + 1)
          .append("><h3>")
          .append(RunReport.esc(s.summary()))
          .append(" <code class=muted>")
          .append(RunReport.esc(s.txn()))
          .append("</code></h3>");
      causes(s, bands, endNanos, h);
      if (i < DRAWN_MAX) {
        h.append(draw(s, bands, endNanos));
        h.append(messages.linkToTransaction(s.txn()));
      }
      h.append("</div>");
    }
    listRest(stories, h);
  }

  /**
   * The stories after the first {@link #CARDS_MAX}, one line each — its summary and its moments in
   * time order, each with its lane — behind an expander, at most {@link #LISTED_MAX}, saying how
   * many are left out if any.
   */
  private static void listRest(List<WaitStory> stories, StringBuilder h) {
    if (stories.size() <= CARDS_MAX) {
      return;
    }
    int rest = stories.size() - CARDS_MAX;
    int listed = Math.min(rest, LISTED_MAX);
    h.append("<details id=waits-all><summary>")
        .append(rest)
        .append(" more, one line each")
        .append(listed < rest ? " (the first " + listed + " listed)" : "")
        .append("</summary><table class=waits-all><tr><th>#</th><th>")
        .append("id</th><th>what happened</th><th>moments (s, lane: label)</th></tr>");
    for (int i = CARDS_MAX; i < CARDS_MAX + listed; i++) {
      WaitStory s = stories.get(i);
      List<String> moments = new ArrayList<>();
      for (WaitStory.Mark m : s.marks()) {
        moments.add(
            String.format(Locale.ROOT, "%.3f ", m.atNanos() / 1e9)
                + s.lanes().get(m.lane()).name()
                + ": "
                + m.label()
                + (m.detail().isEmpty() ? "" : " (" + m.detail() + ")"));
      }
      h.append("<tr id=wait-")
          .append(i + 1)
          .append("><td>")
          .append(i + 1)
          .append("</td><td><code>")
          .append(RunReport.esc(s.txn()))
          .append("</code></td><td>")
          .append(RunReport.esc(s.summary()))
          .append("</td><td>")
          .append(RunReport.esc(String.join(" → ", moments)))
          .append("</td></tr>");
    }
    h.append("</table>");
    if (listed < rest) {
      h.append("<p class=muted>")
          .append(rest - listed)
          .append(" more not listed, so the page stays readable.</p>");
    }
    h.append("</details>");
  }

  /** The faults whose windows overlap the wait, those on the lanes' nodes first. */
  private static void causes(
      WaitStory s, List<RunPlots.Band> bands, long endNanos, StringBuilder h) {
    long[] span = waitSpan(s, endNanos);
    List<String> nodes = new ArrayList<>();
    for (WaitStory.Lane l : s.lanes()) {
      if (!l.node().isEmpty()) {
        nodes.add(l.node());
      }
    }
    List<String> onLanes = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (RunPlots.Band b : bands) {
      // A fault that began before the wait and ended after it began — or during it — can explain
      // it.
      if (b.start() <= span[1] && b.end() >= span[0] - 1_000_000_000L) {
        String text =
            "<a href=\"#fault-"
                + b.number()
                + "\">F"
                + b.number()
                + "</a> <code>"
                + RunReport.esc(b.text())
                + "</code> "
                + String.format(Locale.ROOT, "(%.3f–%.3f s)", b.start() / 1e9, b.end() / 1e9);
        boolean hits = false;
        for (String n : nodes) {
          if (b.text()
              .matches(".*(^|[ →,\\[])" + java.util.regex.Pattern.quote(n) + "($|[ ,\\]]).*")) {
            hits = true;
          }
        }
        (hits ? onLanes : others).add(text);
      }
    }
    h.append("<p class=cause><b>Why it waited:</b> ");
    if (!onLanes.isEmpty()) {
      h.append("on the ")
          .append(RunReport.esc(s.lanes().get(0).name()))
          .append("'s node — ")
          .append(String.join("; ", onLanes))
          .append(others.isEmpty() ? "" : ". Also active: " + String.join("; ", others));
    } else if (!others.isEmpty()) {
      h.append("faults active during the wait — ").append(String.join("; ", others));
    } else {
      h.append("no fault was active; the wait came from the protocol and the load alone");
    }
    h.append(".</p>");
  }

  private static String join(WaitStory.Mark a, WaitStory.Mark b) {
    String first = a.detail().isEmpty() ? a.label() : a.label() + " (" + a.detail() + ")";
    String second =
        String.format(Locale.ROOT, "%s at %.3f s", b.label(), b.atNanos() / 1e9)
            + (b.detail().isEmpty() ? "" : " (" + b.detail() + ")");
    return first + "; " + second;
  }

  /** From the first moment of the story to the last (or the run's end when a hold stayed open). */
  private static long[] waitSpan(WaitStory s, long endNanos) {
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (WaitStory.Mark m : s.marks()) {
      from = Math.min(from, m.atNanos());
      to = Math.max(to, m.atNanos());
    }
    for (WaitStory.Hold hd : s.holds()) {
      from = Math.min(from, hd.startNanos());
      to = Math.max(to, hd.endNanos() < 0 ? endNanos : hd.endNanos());
    }
    if (from > to) {
      return new long[] {0, endNanos};
    }
    return new long[] {from, to};
  }

  private static String draw(WaitStory s, List<RunPlots.Band> bands, long endNanos) {
    long[] span = waitSpan(s, endNanos);
    long pad = Math.max(50_000_000L, (span[1] - span[0]) / 12);
    long t0 = Math.max(0, span[0] - pad);
    long t1 = Math.min(Math.max(endNanos, span[1]), span[1] + pad);
    if (t1 <= t0) {
      t1 = t0 + 1;
    }
    int lanes = s.lanes().size();
    int top = 36;
    int bottom = top + lanes * LANE_PX;
    int height = bottom + 28;
    long from = t0;
    long len = t1 - t0;
    java.util.function.LongToDoubleFunction x =
        t -> LABEL_LEFT + (double) (t - from) / len * (RIGHT - LABEL_LEFT);
    StringBuilder svg = new StringBuilder(RunPlots.svgOpen(height, "story"));
    // Fault bands, labelled in one row above the lanes (a label that does not fit is dropped: the
    // sentence above names every fault).
    RunPlots.Rows rows = new RunPlots.Rows(2, LABEL_LEFT, RunPlots.WIDTH - 4);
    for (RunPlots.Band b : bands) {
      if (b.end() < t0 || b.start() > t1) {
        continue;
      }
      double x0 = x.applyAsDouble(Math.max(t0, b.start()));
      double x1 = x.applyAsDouble(Math.min(t1, b.end()));
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
      String label = "F" + b.number() + " " + b.text();
      double[] at = rows.place(x0, RunPlots.textWidth(label, 11));
      if (at != null) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<text class=lbl x='%.1f' y='%.1f' font-size='11' fill='#333'>%s</text>",
                at[1] + 2,
                top - 6 - at[0] * 14,
                RunReport.esc(label)));
      }
    }
    for (int i = 0; i < lanes; i++) {
      WaitStory.Lane l = s.lanes().get(i);
      double mid = top + i * LANE_PX + LANE_PX / 2.0;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#ccc'/>",
              LABEL_LEFT,
              RIGHT,
              mid,
              mid));
      String name = l.name() + (l.where().isEmpty() ? "" : " (" + l.where() + ")");
      if (RunPlots.textWidth(name, 11) > LABEL_LEFT - 8) {
        name = l.name();
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<text class=lbl x='%d' y='%.1f' font-size='11' text-anchor='end' fill='#222'>%s<title>%s</title></text>",
              LABEL_LEFT - 8,
              mid + 4,
              RunReport.esc(name),
              RunReport.esc(l.name() + (l.where().isEmpty() ? "" : " at " + l.where()))));
    }
    for (WaitStory.Hold hd : s.holds()) {
      double mid = top + hd.lane() * LANE_PX + LANE_PX / 2.0;
      boolean doubt = hd.kind().equals("in-doubt");
      long end = hd.endNanos() < 0 ? t1 : hd.endNanos();
      double x0 = x.applyAsDouble(Math.max(t0, hd.startNanos()));
      double x1 = x.applyAsDouble(Math.min(t1, end));
      double hh = doubt ? 8 : 16;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class='hold %s' x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s' fill-opacity='%s'><title>%s: %s, %.3f s → %s (%.3f s)</title></rect>",
              RunReport.esc(hd.kind()),
              x0,
              mid - hh / 2,
              Math.max(1.5, x1 - x0),
              hh,
              doubt ? RunPlots.INFO : RunPlots.SKY,
              doubt ? "0.9" : "0.5",
              RunReport.esc(hd.kind()),
              RunReport.esc(hd.what()),
              hd.startNanos() / 1e9,
              hd.endNanos() < 0
                  ? "still at the end"
                  : String.format(Locale.ROOT, "%.3f s", hd.endNanos() / 1e9),
              (end - hd.startNanos()) / 1e9));
    }
    // Marks, with their labels above the lane where they fit (two rows) and in the tooltip always.
    List<RunPlots.Rows> laneRows = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      laneRows.add(new RunPlots.Rows(1, LABEL_LEFT, RunPlots.WIDTH - 4));
    }
    List<RunPlots.Rows> belowRows = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      belowRows.add(new RunPlots.Rows(1, LABEL_LEFT, RunPlots.WIDTH - 4));
    }
    // Marks on one lane at (nearly) one moment are drawn as one, their labels joined.
    List<WaitStory.Mark> merged = new ArrayList<>();
    for (WaitStory.Mark m : s.marks()) {
      WaitStory.Mark same = null;
      for (WaitStory.Mark n : merged) {
        if (n.lane() == m.lane()
            && Math.abs(x.applyAsDouble(n.atNanos()) - x.applyAsDouble(m.atNanos())) < 4) {
          same = n;
        }
      }
      if (same == null) {
        merged.add(m);
      } else {
        merged.set(
            merged.indexOf(same),
            new WaitStory.Mark(
                same.lane(), same.atNanos(), same.label() + " → " + m.label(), join(same, m)));
      }
    }
    for (WaitStory.Mark m : merged) {
      double mid = top + m.lane() * LANE_PX + LANE_PX / 2.0;
      double mx = x.applyAsDouble(Math.max(t0, Math.min(t1, m.atNanos())));
      svg.append(
          String.format(
              Locale.ROOT,
              "<path class=mark d='M%.1f %.1fl5 9l-5 9l-5 -9z' fill='%s' stroke='#fff' stroke-width='0.8'><title>%s at %.3f s%s</title></path>",
              mx,
              mid - 9,
              m.label().contains("ABORT") || m.label().contains("lost")
                  ? RunPlots.INFO
                  : RunPlots.BLACK,
              RunReport.esc(m.label()),
              m.atNanos() / 1e9,
              m.detail().isEmpty() ? "" : " — " + RunReport.esc(m.detail())));
      String label = m.label();
      double w = RunPlots.textWidth(label, 10.5);
      double[] at = laneRows.get(m.lane()).place(mx - w / 2, w);
      double y = mid - 12;
      if (at == null) {
        at = belowRows.get(m.lane()).place(mx - w / 2, w);
        y = mid + 20;
      }
      if (at != null) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<text class=lbl x='%.1f' y='%.1f' font-size='10.5' fill='#222'>%s</text>",
                at[1] + 2,
                y,
                RunReport.esc(label)));
      }
    }
    // The time axis of the drawing.
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#999'/>",
            LABEL_LEFT,
            RIGHT,
            bottom,
            bottom));
    double step = RunReport.niceCeil(len / 1e9 / 8);
    for (double t = Math.ceil(t0 / 1e9 / step) * step; t <= t1 / 1e9 + 1e-9; t += step) {
      double xx = x.applyAsDouble((long) (t * 1e9));
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#999'/><text class=lbl x='%.1f' y='%d' font-size='11' text-anchor='middle' fill='#555'>%s s</text>",
              xx,
              xx,
              bottom,
              bottom + 4,
              xx,
              bottom + 16,
              RunPlots.fmt(Math.round(t * 1000) / 1000.0)));
    }
    return svg.append("</svg>").toString();
  }
}
