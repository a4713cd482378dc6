package dev.txlab.checker.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes histories: EDN with one operation map per line, as Jepsen writes {@code history.edn} (so
 * Elle and Knossos read it), or JSON Lines in the schema {@link JsonlHistoryReader} reads.
 */
public final class HistoryWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private HistoryWriter() {}

  public static void writeEdn(Iterable<Op> events, Writer out) throws IOException {
    StringBuilder sb = new StringBuilder(128);
    for (Op op : events) {
      sb.setLength(0);
      Edn.printOp(op, sb);
      sb.append('\n');
      out.append(sb);
    }
  }

  public static void writeJsonl(Iterable<Op> events, Writer out) throws IOException {
    for (Op op : events) {
      out.write(jsonLine(op));
      out.write('\n');
    }
  }

  /** One operation as a JSON object on one line (no newline). */
  public static String jsonLine(Op op) throws IOException {
    StringWriter sw = new StringWriter(128);
    try (JsonGenerator g = JSON.createGenerator(sw)) {
      g.writeStartObject();
      g.writeNumberField("index", op.index());
      if (op.timeNanos() != Op.NO_TIME) {
        g.writeNumberField("time", op.timeNanos());
      }
      g.writeStringField("type", op.type().text());
      if (op.isNemesis()) {
        g.writeStringField("process", "nemesis");
      } else {
        g.writeNumberField("process", op.process());
      }
      g.writeStringField("f", op.f());
      g.writeFieldName("value");
      writeJson(op.value(), g);
      for (Map.Entry<String, Object> e : op.extra().entrySet()) {
        g.writeFieldName(e.getKey());
        writeJson(e.getValue(), g);
      }
      g.writeEndObject();
    }
    return sw.toString();
  }

  /** A value in txlab's value model as JSON: keywords become their names. */
  public static void writeJson(Object v, JsonGenerator g) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Long || v instanceof Integer) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double) {
      g.writeNumber((Double) v);
    } else if (v instanceof java.math.BigInteger) {
      g.writeNumber((java.math.BigInteger) v);
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else if (v instanceof Keyword) {
      g.writeString(((Keyword) v).name());
    } else if (v instanceof Map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        Object k = e.getKey();
        g.writeFieldName(
            k instanceof Keyword
                ? ((Keyword) k).name()
                : k instanceof String ? (String) k : Edn.print(k));
        writeJson(e.getValue(), g);
      }
      g.writeEndObject();
    } else if (v instanceof Collection) {
      g.writeStartArray();
      for (Object o : (Collection<?>) v) {
        writeJson(o, g);
      }
      g.writeEndArray();
    } else {
      g.writeString(v.toString());
    }
  }

  /** Convenience for tests and small histories. */
  public static String edn(List<Op> events) {
    StringWriter sw = new StringWriter();
    try {
      writeEdn(events, sw);
    } catch (IOException e) {
      throw new IllegalStateException("writing to a string cannot fail", e);
    }
    return sw.toString();
  }
}
