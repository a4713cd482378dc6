package dev.txlab.checker.history;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON Lines histories: one operation object per line, with the fields of Jepsen's EDN
 * ({@code index}, {@code time}, {@code process}, {@code type}, {@code f}, {@code value}). Types and
 * functions are strings ({@code "invoke"}, {@code "read"}); the nemesis is the process {@code
 * "nemesis"}; values are JSON (arrays for Jepsen's vectors, strings for its keywords). Blank lines
 * are skipped.
 */
public final class JsonlHistoryReader implements HistoryReader {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  @Override
  public History read(String source, Reader reader) throws HistoryException, IOException {
    BufferedReader in =
        reader instanceof BufferedReader
            ? (BufferedReader) reader
            : new BufferedReader(reader, 1 << 16);
    HistoryBuilder builder = new HistoryBuilder(source);
    String text;
    long line = 0;
    while ((text = in.readLine()) != null) {
      line++;
      text = text.strip();
      // elle-cli writes a history as one JSON array with one object per line: accept that
      // layout by dropping the array's brackets and the separating commas.
      if (line == 1 && text.startsWith("[")) {
        text = text.substring(1).strip();
      }
      if (text.endsWith("]")
          && !text.endsWith("]]")
          && text.startsWith("{")
          && text.lastIndexOf('}') == text.length() - 2) {
        text = text.substring(0, text.length() - 1).strip();
      } else if (text.equals("]")) {
        continue;
      }
      if (text.endsWith(",")) {
        text = text.substring(0, text.length() - 1);
      }
      if (text.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        long col = loc == null ? 0 : loc.getColumnNr();
        throw new HistoryException(source, line, col, "malformed JSON: " + e.getOriginalMessage());
      }
      if (node == null || !node.isObject()) {
        throw new HistoryException(source, line, 1, "expected one JSON object per line");
      }
      Op op;
      try {
        op = OpFields.toOp(k -> value(node.get(k)), extras(node), builder.size(), "");
      } catch (OpFields.BadField e) {
        throw new HistoryException(source, line, 1, e.getMessage());
      }
      builder.add(op, line, 1);
    }
    return builder.build();
  }

  private static Map<String, Object> extras(JsonNode node) {
    Map<String, Object> out = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!OpFields.KNOWN.contains(e.getKey())) {
        if (out == null) {
          out = new LinkedHashMap<>();
        }
        out.put(e.getKey(), value(e.getValue()));
      }
    }
    return out == null ? Map.of() : Collections.unmodifiableMap(out);
  }

  /** A JSON value in txlab's value model. */
  static Object value(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isIntegralNumber()) {
      return n.canConvertToLong() ? (Object) n.asLong() : n.bigIntegerValue();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isArray()) {
      List<Object> items = new ArrayList<>(n.size());
      for (JsonNode e : n) {
        items.add(value(e));
      }
      return Collections.unmodifiableList(items);
    }
    Map<Object, Object> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      map.put(e.getKey(), value(e.getValue()));
    }
    return Collections.unmodifiableMap(map);
  }
}
