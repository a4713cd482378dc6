package dev.txlab.checker.linear;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.txlab.checker.Html;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code linearizability.html}: one self-contained page (inline CSS, script and data; no network)
 * that lets a reader study a linearizability verdict. Every key is listed, those that are not
 * linearizable first; for the key chosen, one lane per process with each operation drawn from its
 * invocation to its completion on a time axis (zoom and pan, hover for the operation), the legal
 * order the search found with a linearization point per operation and the model state after each,
 * and for a key that is not linearizable the operation that cannot be placed and what it needed, in
 * words.
 *
 * <p>This class only gathers the data (compact JSON, columns of numbers per key); {@code
 * linearizability-view.js} draws it on a canvas, only what is in view, so that a key with tens of
 * thousands of operations stays responsive.
 */
final class LinearizabilityHtml {
  /** Values and states longer than this are shown by their head and tail. */
  private static final int TEXT_MAX = 160;

  private LinearizabilityHtml() {}

  static String render(LinearResult r) {
    String source = r.history().source();
    Validity v = r.validity();
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!doctype html><html lang=en><head><meta charset=utf-8>")
        .append("<meta name=viewport content=\"width=device-width,initial-scale=1\">")
        .append("<title>txlab · linearizability · ")
        .append(Html.escape(source))
        .append("</title><style>")
        .append(resource("linearizability-view.css"))
        .append("</style></head><body data-ready=false>");
    h.append("<header><h1>")
        .append(Html.escape(source))
        .append(" <span class=\"badge ")
        .append(badgeClass(v))
        .append("\">")
        .append(v == Validity.VALID ? "linearizable" : verdictWord(v))
        .append("</span></h1>");
    h.append("<div class=muted>model <code>")
        .append(Html.escape(r.workload()))
        .append("</code> · ")
        .append(r.keys().size())
        .append(r.keys().size() == 1 ? " key" : " keys")
        .append(" · ")
        .append(r.explored())
        .append(" configurations explored</div>");
    h.append("<p id=verdict class=\"verdict ")
        .append(badgeClass(v))
        .append("\">")
        .append(Html.escape(verdictSentence(r)))
        .append("</p></header>");
    h.append(
        "<noscript><p>The drawing needs JavaScript; the verdict above is the whole"
            + " answer.</p></noscript>");
    h.append("<main id=view></main><div id=tip hidden></div>");
    h.append("<script type=\"application/json\" id=lin-data>")
        .append(data(r))
        .append("</script><script>")
        .append(resource("linearizability-view.js"))
        .append("</script></body></html>\n");
    return h.toString();
  }

  /** The verdict in one plain sentence, for the top of the page. */
  static String verdictSentence(LinearResult r) {
    if (r.keys().isEmpty()) {
      return "The history has no client operations to check.";
    }
    int invalid = 0;
    int unknown = 0;
    for (LinearResult.KeyResult k : r.keys()) {
      invalid += k.validity() == Validity.INVALID ? 1 : 0;
      unknown += k.validity() == Validity.UNKNOWN ? 1 : 0;
    }
    boolean keyed = r.keys().size() > 1 || r.keys().get(0).key() != null;
    if (invalid == 0 && unknown == 0) {
      return "Valid: this history is linearizable. "
          + (keyed
              ? "Every one of its " + r.keys().size() + " keys has a legal order"
              : "Its operations have a legal order")
          + " that respects real time; the drawing shows the order the checker found.";
    }
    StringBuilder s = new StringBuilder();
    if (invalid > 0) {
      s.append("Not linearizable: ")
          .append(
              keyed
                  ? invalid + (invalid == 1 ? " key has" : " keys have") + " no legal order"
                  : "the operations have no legal order")
          .append(" that respects real time. ");
    }
    if (unknown > 0) {
      s.append(unknown)
          .append(unknown == 1 ? " key was" : " keys were")
          .append(" not decided within the search's budget. ");
    }
    if (r.keys().size() > 1) {
      s.append("The keys are listed with those that fail first.");
    }
    return s.toString().trim();
  }

  private static String badgeClass(Validity v) {
    return v == Validity.VALID ? "valid" : v == Validity.INVALID ? "invalid" : "unknown";
  }

  private static String verdictWord(Validity v) {
    return v == Validity.INVALID ? "not linearizable" : "undecided";
  }

  // ------------------------------------------------------------------ the data

  /** Everything the script draws, as JSON safe to put inside a script element. */
  static String data(LinearResult r) {
    StringWriter out = new StringWriter(64 * 1024);
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      // History time as recorded, as the checker's sentences give it: a reader can match them.
      boolean timed = true;
      for (LinearResult.KeyResult k : r.keys()) {
        for (LinOp op : k.history()) {
          timed &= op.operation().invokeTimeNanos() != Op.NO_TIME;
        }
      }
      g.writeStartObject();
      g.writeStringField("source", r.history().source());
      g.writeStringField("model", r.workload());
      g.writeStringField("validity", badgeClass(r.validity()));
      g.writeBooleanField("timed", timed);
      g.writeArrayFieldStart("keys");
      for (LinearResult.KeyResult k : r.keysFailingFirst()) {
        writeKey(r, k, timed, g);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // '<' only ever occurs inside JSON strings, where \u003c means the same: the script element
    // then cannot be closed (or commented) by a value from the history.
    return out.toString().replace("<", "\\u003c");
  }

  private static void writeKey(
      LinearResult r, LinearResult.KeyResult k, boolean timed, JsonGenerator g) throws IOException {
    Model model = r.model();
    List<LinOp> ops = k.history();
    g.writeStartObject();
    g.writeStringField("key", k.key() == null ? null : Edn.print(k.key()));
    g.writeStringField("validity", badgeClass(k.validity()));
    g.writeNumberField("explored", k.search().explored());
    g.writeStringField("text", keyText(r, k));

    // Lanes: one per process, in process order.
    TreeMap<Integer, Integer> lanes = new TreeMap<>();
    for (LinOp op : ops) {
      lanes.putIfAbsent(op.operation().process(), 0);
    }
    int lane = 0;
    for (Map.Entry<Integer, Integer> e : lanes.entrySet()) {
      e.setValue(lane++);
    }
    g.writeArrayFieldStart("procs");
    for (int p : lanes.keySet()) {
      g.writeNumber(p);
    }
    g.writeEndArray();

    Map<String, Integer> fs = new LinkedHashMap<>();
    for (LinOp op : ops) {
      fs.putIfAbsent(op.operation().f(), fs.size());
    }
    g.writeArrayFieldStart("fs");
    for (String f : fs.keySet()) {
      g.writeString(f);
    }
    g.writeEndArray();

    // Columns, one entry per operation (its id within the key).
    g.writeArrayFieldStart("lane");
    for (LinOp op : ops) {
      g.writeNumber(lanes.get(op.operation().process()));
    }
    g.writeEndArray();
    g.writeArrayFieldStart("f");
    for (LinOp op : ops) {
      g.writeNumber(fs.get(op.operation().f()));
    }
    g.writeEndArray();
    g.writeArrayFieldStart("t0");
    for (LinOp op : ops) {
      g.writeNumber(timed ? op.operation().invokeTimeNanos() : op.invokePosition());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("t1"); // -1: the outcome is unknown, the interval open
    for (LinOp op : ops) {
      Operation o = op.operation();
      if (op.crashed() || o.isIndeterminate()) {
        g.writeNumber(-1);
      } else if (timed && o.completeTimeNanos() != Op.NO_TIME) {
        g.writeNumber(o.completeTimeNanos());
      } else {
        g.writeNumber(op.completePosition());
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("ix");
    for (LinOp op : ops) {
      g.writeNumber(op.operation().invocation().index());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("v");
    for (LinOp op : ops) {
      g.writeString(shorten(Edn.print(op.value())));
    }
    g.writeEndArray();

    // The legal order found, with the state after each step (states deduplicated).
    List<LinOp> order = k.linearization();
    Map<String, Integer> stateIds = new HashMap<>();
    List<String> states = new java.util.ArrayList<>();
    int[] after = new int[order.size()];
    Object state = model.initialState();
    for (int i = 0; i < order.size(); i++) {
      state = model.step(state, order.get(i).input());
      if (state == null) {
        throw new IllegalStateException(
            "the search's order is illegal at step " + (i + 1) + " of key " + k.key());
      }
      String d = shorten(model.describe(state));
      Integer id = stateIds.get(d);
      if (id == null) {
        id = states.size();
        stateIds.put(d, id);
        states.add(d);
      }
      after[i] = id;
    }
    g.writeStringField("initial", shorten(model.describe(model.initialState())));
    g.writeArrayFieldStart("lin");
    for (LinOp op : order) {
      g.writeNumber(op.id());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("st");
    for (int s : after) {
      g.writeNumber(s);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("states");
    for (String s : states) {
      g.writeString(s);
    }
    g.writeEndArray();

    WglSearch.Counterexample cx = k.search().counterexample();
    if (k.validity() == Validity.INVALID && cx != null) {
      g.writeNumberField("blocked", cx.blocked().id());
      g.writeStringField("blockedText", LinearResult.describe(cx.blocked()));
      g.writeStringField("need", shorten(model.describeNeed(cx.blocked().input())));
      g.writeStringField("have", shorten(model.describe(cx.state())));
    }
    g.writeEndObject();
  }

  /** One key's verdict in words. */
  private static String keyText(LinearResult r, LinearResult.KeyResult k) {
    WglSearch.Result s = k.search();
    if (k.validity() == Validity.VALID) {
      return "Linearizable: all "
          + k.ops()
          + " operations have a legal order that respects real time ("
          + s.explored()
          + " configurations explored).";
    }
    if (k.validity() == Validity.INVALID) {
      return "Not linearizable: " + r.explain(k);
    }
    return "Undecided: the search gave up after exploring "
        + s.explored()
        + " configurations; the deepest it got placed "
        + s.linearizedMax()
        + " of "
        + s.completedOps()
        + " completed operations. Drawn below: that deepest order.";
  }

  /** {@code s}, or its head and tail when it is longer than {@link #TEXT_MAX}. */
  static String shorten(String s) {
    if (s.length() <= TEXT_MAX) {
      return s;
    }
    int head = 40;
    int tail = TEXT_MAX - head - 1;
    return s.substring(0, head)
        + "…"
        + s.substring(s.length() - tail)
        + " ("
        + s.length()
        + " characters)";
  }

  private static String resource(String name) {
    try (InputStream in = LinearizabilityHtml.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the build lost the resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
