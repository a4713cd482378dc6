package dev.txlab.checker.linear;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.txlab.checker.CheckResult;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryWriter;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.Operation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verdict of a linearizability check, per key and overall, with the counterexample of the first
 * key that is not linearizable: the operation that could not be placed, the longest prefix that
 * could, and the state that prefix leaves.
 */
public final class LinearResult implements CheckResult {
  /**
   * One key's outcome ({@code key} null for a single-object history), with the operations the
   * search was given ({@code history}, in the order the checker read them) for the view to draw.
   */
  public record KeyResult(
      Object key, Validity validity, int ops, WglSearch.Result search, List<LinOp> history) {
    public KeyResult {
      history = List.copyOf(history);
    }

    /**
     * The legal order the search found: the whole key's for a linearizable key, the longest prefix
     * for one that is not (or the deepest reached when the search gave up); empty if none.
     */
    List<LinOp> linearization() {
      if (search.linearization() != null) {
        return search.linearization();
      }
      return search.counterexample() == null ? List.of() : search.counterexample().prefix();
    }
  }

  private final LinearSpec spec;
  private final Model model;
  private final History history;
  private final Validity validity;
  private final List<KeyResult> keys;
  private final int relevantOps;

  LinearResult(
      LinearSpec spec,
      Model model,
      History history,
      Validity validity,
      List<KeyResult> keys,
      int relevantOps) {
    this.spec = spec;
    this.model = model;
    this.history = history;
    this.validity = validity;
    this.keys = List.copyOf(keys);
    this.relevantOps = relevantOps;
  }

  @Override
  public Validity validity() {
    return validity;
  }

  @Override
  public String workload() {
    return spec.workload();
  }

  public List<KeyResult> keys() {
    return keys;
  }

  /**
   * The keys in the order a reader wants them: every key that is not linearizable, then those the
   * search could not decide, then the linearizable ones; in the checker's order within each.
   */
  public List<KeyResult> keysFailingFirst() {
    List<KeyResult> out = new ArrayList<>(keys.size());
    for (Validity v : List.of(Validity.INVALID, Validity.UNKNOWN, Validity.VALID)) {
      for (KeyResult k : keys) {
        if (k.validity == v) {
          out.add(k);
        }
      }
    }
    return out;
  }

  /** The first key that is not linearizable (or, failing that, whose check gave up), or null. */
  public KeyResult failing() {
    for (KeyResult k : keys) {
      if (k.validity == Validity.INVALID) {
        return k;
      }
    }
    for (KeyResult k : keys) {
      if (k.validity == Validity.UNKNOWN) {
        return k;
      }
    }
    return null;
  }

  /**
   * When the counterexample happened: from the earliest invocation to the latest completion among
   * the operation that cannot be placed and the last three of the prefix before it (nanoseconds of
   * history time), or null if the history is not invalid.
   */
  public long[] counterexampleSpanNanos() {
    List<Operation> ops = counterexampleOperations();
    if (ops.isEmpty()) {
      return null;
    }
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (Operation op : ops) {
      from = Math.min(from, op.invokeTimeNanos());
      to =
          Math.max(
              to, op.completion() != null ? op.completion().timeNanos() : op.invokeTimeNanos());
    }
    return new long[] {from, to};
  }

  /**
   * The operations of the counterexample a reader is shown: the one that cannot be placed, then the
   * last three of the prefix before it; empty if the history is not invalid.
   */
  public List<Operation> counterexampleOperations() {
    KeyResult f = failing();
    if (f == null || f.search() == null || f.search().counterexample() == null) {
      return List.of();
    }
    WglSearch.Counterexample c = f.search().counterexample();
    List<Operation> ops = new java.util.ArrayList<>();
    ops.add(c.blocked().operation());
    List<LinOp> prefix = c.prefix();
    for (LinOp op : prefix.subList(Math.max(0, prefix.size() - 3), prefix.size())) {
      ops.add(op.operation());
    }
    return ops;
  }

  /** Total configurations explored over all keys. */
  public long explored() {
    long n = 0;
    for (KeyResult k : keys) {
      n += k.search.explored();
    }
    return n;
  }

  History history() {
    return history;
  }

  Model model() {
    return model;
  }

  @Override
  public void writeJsonFields(JsonGenerator g) throws IOException {
    g.writeStringField("model", spec.workload());
    g.writeNumberField("ops", relevantOps);
    g.writeNumberField("keys", keys.size());
    g.writeNumberField("explored", explored());
    List<KeyResult> bad = new ArrayList<>();
    for (KeyResult k : keys) {
      if (k.validity != Validity.VALID) {
        bad.add(k);
      }
    }
    if (spec.independent() || spec.workload().equals("kv")) {
      g.writeArrayFieldStart("failing_keys");
      for (KeyResult k : bad) {
        if (k.validity == Validity.INVALID) {
          HistoryWriter.writeJson(k.key, g);
        }
      }
      g.writeEndArray();
      if (bad.stream().anyMatch(k -> k.validity == Validity.UNKNOWN)) {
        g.writeArrayFieldStart("undecided_keys");
        for (KeyResult k : bad) {
          if (k.validity == Validity.UNKNOWN) {
            HistoryWriter.writeJson(k.key, g);
          }
        }
        g.writeEndArray();
      }
    }
    KeyResult f = failing();
    if (f != null && f.search.counterexample() != null) {
      WglSearch.Counterexample cx = f.search.counterexample();
      if (f.key != null) {
        g.writeFieldName("failing_key");
        HistoryWriter.writeJson(f.key, g);
      }
      g.writeObjectFieldStart("counterexample");
      g.writeFieldName("op");
      writeOp(cx.blocked(), g);
      g.writeArrayFieldStart("linearized_prefix");
      for (LinOp op : cx.prefix()) {
        writeOp(op, g);
      }
      g.writeEndArray();
      g.writeStringField("state", model.describe(cx.state()));
      g.writeStringField("explanation", explain(f));
      g.writeEndObject();
    }
  }

  private static void writeOp(LinOp op, JsonGenerator g) throws IOException {
    Operation o = op.operation();
    g.writeStartObject();
    g.writeNumberField("index", o.invocation().index());
    g.writeNumberField("process", o.process());
    g.writeStringField("f", o.f());
    g.writeFieldName("value");
    HistoryWriter.writeJson(op.value(), g);
    g.writeStringField("outcome", o.outcome().text());
    if (o.invokeTimeNanos() != Op.NO_TIME) {
      g.writeNumberField("invoke_time", o.invokeTimeNanos());
      if (o.completeTimeNanos() != Op.NO_TIME) {
        g.writeNumberField("complete_time", o.completeTimeNanos());
      }
    }
    g.writeEndObject();
  }

  @Override
  public String toText() {
    KeyResult f = failing();
    if (validity == Validity.VALID) {
      return "linearizable: "
          + relevantOps
          + " operations"
          + (keys.size() > 1 ? " over " + keys.size() + " keys" : "")
          + " ("
          + explored()
          + " configurations explored)";
    }
    if (f == null) {
      return "";
    }
    if (validity == Validity.UNKNOWN) {
      WglSearch.Result r = f.search;
      return "gave up"
          + keyText(f)
          + " after exploring "
          + r.explored()
          + " configurations; the deepest placed "
          + r.linearizedMax()
          + " of "
          + r.completedOps()
          + " completed operations (a longer --timeout, or a larger heap through TXLAB_JAVA_OPTS,"
          + " e.g. -Xmx8g, lets it search further).";
    }
    return "not linearizable" + keysText(f) + ": " + explain(f);
  }

  /**
   * {@code (key 1)}, or with several failing keys {@code (keys 0, 1 are not linearizable; 2
   * undecided; key 1 explained)}: every failing key is named, not only the one explained.
   */
  private String keysText(KeyResult explained) {
    List<String> invalid = new ArrayList<>();
    List<String> undecided = new ArrayList<>();
    for (KeyResult k : keys) {
      if (k.key == null) {
        continue;
      }
      if (k.validity == Validity.INVALID) {
        invalid.add(Edn.print(k.key));
      } else if (k.validity == Validity.UNKNOWN) {
        undecided.add(Edn.print(k.key));
      }
    }
    if (invalid.size() <= 1 && undecided.isEmpty()) {
      return keyText(explained);
    }
    return " (keys "
        + String.join(", ", invalid)
        + (invalid.size() == 1 ? " is" : " are")
        + " not linearizable"
        + (undecided.isEmpty() ? "" : "; " + String.join(", ", undecided) + " undecided")
        + (explained.key == null ? "" : "; key " + Edn.print(explained.key) + " explained")
        + ")";
  }

  private static String keyText(KeyResult f) {
    return f.key == null ? "" : " (key " + Edn.print(f.key) + ")";
  }

  /** The counterexample in a sentence or three. */
  String explain(KeyResult f) {
    WglSearch.Counterexample cx = f.search.counterexample();
    if (cx == null) {
      return "the very first operation cannot be placed in the initial state "
          + model.describe(model.initialState())
          + ".";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(describe(cx.blocked())).append(" cannot be placed. ");
    List<LinOp> prefix = cx.prefix();
    if (prefix.isEmpty()) {
      sb.append("No operation can be linearized before it, and in the initial state ");
    } else {
      sb.append("At best ")
          .append(prefix.size())
          .append(prefix.size() == 1 ? " operation precedes" : " operations precede")
          .append(" it in a legal order, ending with ");
      int from = Math.max(0, prefix.size() - 3);
      List<String> tail = new ArrayList<>();
      for (int i = from; i < prefix.size(); i++) {
        tail.add(describe(prefix.get(i)));
      }
      sb.append(String.join(", then ", tail)).append("; after them ");
    }
    sb.append(stateWord()).append(' ').append(model.describe(cx.state()));
    sb.append(", which ")
        .append(model.describeInput(cx.blocked().input()))
        .append(" contradicts — and every other order fails sooner.");
    return sb.toString();
  }

  private String stateWord() {
    switch (spec.workload()) {
      case "mutex":
        return "the lock is";
      case "multi-register":
        return "the registers hold";
      case "kv":
        return "the value is";
      case "tso":
        return "the oracle's";
      default:
        return "the register holds";
    }
  }

  /** "process 3's read of 2 (op 57, 1.2–1.9 ms)". */
  static String describe(LinOp op) {
    Operation o = op.operation();
    StringBuilder sb =
        new StringBuilder("process ").append(o.process()).append("'s ").append(o.f());
    if (op.value() != null || !o.f().equals("acquire") && !o.f().equals("release")) {
      sb.append(' ').append(Edn.print(op.value()));
    }
    sb.append(" (op ").append(o.invocation().index());
    if (o.invokeTimeNanos() != Op.NO_TIME) {
      sb.append(", ").append(ms(o.invokeTimeNanos())).append("–");
      sb.append(
              o.completeTimeNanos() == Op.NO_TIME || o.isIndeterminate()
                  ? "?"
                  : ms(o.completeTimeNanos()))
          .append(" ms");
    }
    if (o.isIndeterminate()) {
      sb.append(", outcome unknown");
    }
    return sb.append(')').toString();
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  @Override
  public Path writeReport(Path dir) throws IOException {
    Path file = dir.resolve("linearizability.html");
    Files.writeString(file, LinearizabilityHtml.render(this), StandardCharsets.UTF_8);
    return file;
  }

  LinearSpec spec() {
    return spec;
  }
}
