package dev.txlab.checker.txn;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.txlab.checker.CheckResult;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.HistoryWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The verdict on a transactional history, Elle's result map in Java (ELLE-SPEC section 7): the
 * anomalies worth reporting (those the models forbid, plus the two that make a verdict unknown),
 * the verdict they imply, and the models ruled out ({@code not}: the weakest; {@code also_not}: the
 * stronger ones that fall with them) by everything found.
 *
 * <p>Invariants: {@code reportable} ⊆ {@code found}; the verdict is INVALID iff some reportable
 * type is prohibited, UNKNOWN iff reportable holds only unknown-making types, VALID iff reportable
 * is empty.
 */
public final class TxnResult implements CheckResult {
  private final TxnSpec spec;
  private final Validity validity;
  private final Map<String, List<AnomalyCase>> found;
  private final Map<String, List<AnomalyCase>> reportable;
  private final ModelLattice.Boundary boundary;
  private final int txnCount;
  private final int edgeCount;
  private final long inferNanos;
  private final long searchNanos;

  private TxnResult(
      TxnSpec spec,
      Validity validity,
      Map<String, List<AnomalyCase>> found,
      Map<String, List<AnomalyCase>> reportable,
      ModelLattice.Boundary boundary,
      int txnCount,
      int edgeCount,
      long inferNanos,
      long searchNanos) {
    this.spec = spec;
    this.validity = validity;
    this.found = found;
    this.reportable = reportable;
    this.boundary = boundary;
    this.txnCount = txnCount;
    this.edgeCount = edgeCount;
    this.inferNanos = inferNanos;
    this.searchNanos = searchNanos;
  }

  static TxnResult judge(
      TxnSpec spec,
      Map<String, List<AnomalyCase>> found,
      Set<String> prohibited,
      int txns,
      int edges,
      long inferNanos,
      long searchNanos) {
    Map<String, List<AnomalyCase>> reportable = new TreeMap<>();
    boolean bad = false;
    for (Map.Entry<String, List<AnomalyCase>> e : found.entrySet()) {
      String type = e.getKey();
      if (prohibited.contains(type)) {
        bad = true;
        reportable.put(type, e.getValue());
      } else if (ModelLattice.UNKNOWN_TYPES.contains(type)) {
        reportable.put(type, e.getValue());
      }
    }
    // A "cycle exists somewhere" note adds nothing once a concrete anomaly already rules out
    // the same model.
    List<String> concrete = new ArrayList<>();
    for (String type : reportable.keySet()) {
      if (!type.endsWith("-cycle-exists")) {
        concrete.add(type);
      }
    }
    Set<String> ruledOut = ModelLattice.impossibleModels(concrete);
    for (CycleSearch.ExistenceSpec s : CycleSearch.EXISTENCE) {
      if (ruledOut.contains(s.model())) {
        reportable.remove(s.type());
      }
    }
    if (reportable.isEmpty()) {
      return new TxnResult(
          spec, Validity.VALID, found, reportable, null, txns, edges, inferNanos, searchNanos);
    }
    Validity v = bad ? Validity.INVALID : Validity.UNKNOWN;
    return new TxnResult(
        spec,
        v,
        found,
        reportable,
        ModelLattice.boundary(found.keySet()),
        txns,
        edges,
        inferNanos,
        searchNanos);
  }

  @Override
  public Validity validity() {
    return validity;
  }

  @Override
  public String workload() {
    return spec.workload();
  }

  public TxnSpec spec() {
    return spec;
  }

  /** Reportable anomaly types, sorted as Elle sorts them. */
  public List<String> anomalyTypes() {
    return List.copyOf(reportable.keySet());
  }

  /** Every anomaly type found, reportable or not. */
  public List<String> foundTypes() {
    return List.copyOf(found.keySet());
  }

  /** The weakest models ruled out (friendly names, sorted); empty when valid. */
  public List<String> not() {
    return boundary == null ? List.of() : boundary.not();
  }

  public List<String> alsoNot() {
    return boundary == null ? List.of() : boundary.alsoNot();
  }

  public int txnCount() {
    return txnCount;
  }

  public int edgeCount() {
    return edgeCount;
  }

  public long inferMillis() {
    return inferNanos / 1_000_000;
  }

  public long searchMillis() {
    return searchNanos / 1_000_000;
  }

  Map<String, List<AnomalyCase>> reportable() {
    return reportable;
  }

  /** Number of reportable cases of a type (0 if none). */
  public int caseCount(String type) {
    List<AnomalyCase> cs = reportable.get(type);
    return cs == null ? 0 : cs.size();
  }

  /** The text of each reportable case of {@code type}, in order. */
  public List<String> caseTexts(String type) {
    List<String> out = new ArrayList<>();
    List<AnomalyCase> cs = reportable.getOrDefault(type, List.of());
    for (int i = 0; i < cs.size(); i++) {
      out.add(text(cs.get(i), i));
    }
    return out;
  }

  /**
   * One reportable case, ready to embed in another page (the run report puts each next to the
   * faults and clocks of its moment).
   *
   * @param type the anomaly's Elle name
   * @param meaning what the anomaly type means, in a sentence
   * @param text the explanation in words
   * @param html a self-contained fragment: the cycle drawn, its transactions, one step per edge
   *     (style it with {@link #caseCss()})
   * @param opIndices the history indices of the transactions involved (invocation and completion)
   * @param cycleCompletions for a cycle, the history index of each transaction's completion in the
   *     cycle's order (T1, T2, …; -1 for one that never completed); empty otherwise
   */
  public record CaseView(
      String type,
      String meaning,
      String text,
      String html,
      List<Long> opIndices,
      List<Long> cycleCompletions) {}

  /** The first {@code maxPerType} reportable cases of each anomaly type, most severe type first. */
  public List<CaseView> caseViews(int maxPerType) {
    List<CaseView> out = new ArrayList<>();
    for (Map.Entry<String, List<AnomalyCase>> e : reportable.entrySet()) {
      List<AnomalyCase> cs = e.getValue();
      for (int i = 0; i < Math.min(maxPerType, cs.size()); i++) {
        AnomalyCase c = cs.get(i);
        StringBuilder h = new StringBuilder();
        TxnReport.caseHtml(c, i, h);
        java.util.TreeSet<Long> indices = new java.util.TreeSet<>();
        List<Long> completions = new ArrayList<>();
        if (c.cycle() != null) {
          for (Txn t : c.cycle().txns()) {
            addIndices(t, indices);
            completions.add(t.op().completion() == null ? -1L : t.op().completion().index());
          }
        }
        for (Object v : c.data().values()) {
          collectTxns(v, indices);
        }
        out.add(
            new CaseView(
                e.getKey(),
                TxnReport.meaning(e.getKey()),
                text(c, i),
                h.toString(),
                List.copyOf(indices),
                List.copyOf(completions)));
      }
    }
    return out;
  }

  /** The CSS rules that {@link CaseView#html()} fragments expect. */
  public static String caseCss() {
    return TxnReport.CASE_CSS + ".mono{font-family:ui-monospace,monospace;font-size:.9em}";
  }

  private static void collectTxns(Object v, java.util.Set<Long> into) {
    if (v instanceof Txn t) {
      addIndices(t, into);
    } else if (v instanceof java.util.Collection<?> c) {
      for (Object o : c) {
        collectTxns(o, into);
      }
    }
  }

  private static void addIndices(Txn t, java.util.Set<Long> into) {
    into.add(t.op().invocation().index());
    if (t.op().completion() != null) {
      into.add(t.op().completion().index());
    }
  }

  static String text(AnomalyCase c, int number) {
    return c.cycle() != null ? Prose.cycle(c.cycle(), number) : Prose.nonCycle(c);
  }

  @Override
  public void writeJsonFields(JsonGenerator json) throws IOException {
    json.writeArrayFieldStart("anomaly_types");
    for (String t : reportable.keySet()) {
      json.writeString(t);
    }
    json.writeEndArray();
    json.writeObjectFieldStart("anomalies");
    for (Map.Entry<String, List<AnomalyCase>> e : reportable.entrySet()) {
      json.writeArrayFieldStart(e.getKey());
      int i = 0;
      for (AnomalyCase c : e.getValue()) {
        writeCase(json, c, i++);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
    writeStrings(json, "not", not());
    writeStrings(json, "also_not", alsoNot());
    writeStrings(json, "consistency_models", spec.consistencyModels());
    json.writeNumberField("txn_count", txnCount);
    json.writeNumberField("edge_count", edgeCount);
    json.writeNumberField("infer_ms", inferMillis());
    json.writeNumberField("search_ms", searchMillis());
  }

  private static void writeStrings(JsonGenerator json, String field, List<String> values)
      throws IOException {
    json.writeArrayFieldStart(field);
    for (String v : values) {
      json.writeString(v);
    }
    json.writeEndArray();
  }

  static void writeCase(JsonGenerator json, AnomalyCase c, int number) throws IOException {
    json.writeStartObject();
    if (c.cycle() != null) {
      json.writeStringField("type", c.type());
      json.writeArrayFieldStart("cycle");
      for (Txn t : c.cycle().txns()) {
        writeValue(json, t);
      }
      writeValue(json, c.cycle().txns().get(0));
      json.writeEndArray();
      json.writeArrayFieldStart("steps");
      for (Step s : c.cycle().steps()) {
        writeValue(json, stepData(s));
      }
      json.writeEndArray();
    } else {
      for (Map.Entry<String, Object> e : c.data().entrySet()) {
        json.writeFieldName(e.getKey());
        writeValue(json, e.getValue());
      }
    }
    json.writeStringField("text", text(c, number));
    json.writeEndObject();
  }

  /** A step as Elle's data: {type, key, value, value', a-mop-index, b-mop-index}. */
  static Map<String, Object> stepData(Step s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", Rel.name(s.rel()));
    if (s.rel() == Rel.PROCESS) {
      m.put("process", (long) s.a().process());
    } else if (s.rel() == Rel.REALTIME) {
      m.put("a'", s.a());
      m.put("b", s.b());
    } else {
      m.put("key", s.key());
      m.put("value", s.value());
      if (s.laterValue() != null) {
        m.put("value'", s.laterValue());
      }
      m.put("a-mop-index", (long) s.aMop());
      m.put("b-mop-index", (long) s.bMop());
    }
    return m;
  }

  static void writeValue(JsonGenerator json, Object v) throws IOException {
    if (v instanceof Txn) {
      Txn t = (Txn) v;
      dev.txlab.checker.history.Op op = Prose.op(t);
      json.writeStartObject();
      json.writeNumberField("index", op.index());
      if (op.timeNanos() != dev.txlab.checker.history.Op.NO_TIME) {
        json.writeNumberField("time", op.timeNanos());
      }
      json.writeStringField("type", op.type().text());
      json.writeNumberField("process", op.process());
      json.writeStringField("f", op.f());
      json.writeFieldName("value");
      json.writeStartArray();
      for (Mop m : t.mops()) {
        writeValue(json, m);
      }
      json.writeEndArray();
      json.writeEndObject();
    } else if (v instanceof Mop) {
      Mop m = (Mop) v;
      json.writeStartArray();
      json.writeString(m.kind().text);
      writeValue(json, m.key());
      writeValue(json, m.value());
      json.writeEndArray();
    } else if (v == Initial.STATE) {
      json.writeString("init");
    } else if (v instanceof List) {
      json.writeStartArray();
      for (Object o : (List<?>) v) {
        writeValue(json, o);
      }
      json.writeEndArray();
    } else if (v instanceof Map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        json.writeFieldName(
            e.getKey() instanceof String ? (String) e.getKey() : Prose.edn(e.getKey()));
        writeValue(json, e.getValue());
      }
      json.writeEndObject();
    } else if (v instanceof Integer) {
      json.writeNumber((Integer) v);
    } else {
      HistoryWriter.writeJson(v, json);
    }
  }

  @Override
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(spec.workload())
        .append(" history of ")
        .append(txnCount)
        .append(" transactions, ")
        .append(edgeCount)
        .append(" dependency edges, checked against ")
        .append(String.join(", ", spec.consistencyModels()))
        .append(": ");
    switch (validity) {
      case VALID:
        sb.append("valid.\n");
        return sb.toString();
      case INVALID:
        sb.append("INVALID.\n");
        break;
      default:
        sb.append("unknown.\n");
        break;
    }
    sb.append("Anomalies: ").append(String.join(", ", reportable.keySet())).append('\n');
    if (!not().isEmpty()) {
      sb.append("Not ").append(String.join(", ", not()));
      if (!alsoNot().isEmpty()) {
        sb.append("; therefore also not ").append(String.join(", ", alsoNot()));
      }
      sb.append(".\n");
    }
    int shownPerType = 3;
    for (Map.Entry<String, List<AnomalyCase>> e : reportable.entrySet()) {
      sb.append('\n');
      List<AnomalyCase> cs = e.getValue();
      for (int i = 0; i < Math.min(cs.size(), shownPerType); i++) {
        String t = text(cs.get(i), i);
        sb.append(cs.get(i).cycle() != null ? t : e.getKey() + ": " + t + "\n");
        if (cs.get(i).cycle() != null) {
          sb.append('\n');
        }
      }
      if (cs.size() > shownPerType) {
        sb.append("… and ")
            .append(cs.size() - shownPerType)
            .append(" more ")
            .append(e.getKey())
            .append(" cases (see the report).\n");
      }
    }
    return sb.toString();
  }

  @Override
  public Path writeReport(Path dir) throws IOException {
    return TxnReport.write(this, dir);
  }
}
