package dev.txlab.scenarios.script;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One value of a scenario script — a map, a list or a scalar — with where it was written: the
 * source (a file, or {@code --set}), line and column, and its dotted path from the root. Scalars
 * keep their text; typed readers in {@link ScriptMap} interpret it, so every error can point at the
 * text the user typed.
 */
public final class ScriptNode {
  /** What a node holds. */
  public enum Kind {
    MAP,
    LIST,
    SCALAR,
    NULL
  }

  private final Kind kind;
  private final String path;
  private final String source;
  private final int line;
  private final int column;
  private final String text;
  private final boolean quoted;
  private final Map<String, ScriptNode> entries;
  private final List<ScriptNode> items;

  private ScriptNode(
      Kind kind,
      String path,
      String source,
      int line,
      int column,
      String text,
      boolean quoted,
      Map<String, ScriptNode> entries,
      List<ScriptNode> items) {
    this.kind = kind;
    this.path = path;
    this.source = source;
    this.line = line;
    this.column = column;
    this.text = text;
    this.quoted = quoted;
    this.entries = entries;
    this.items = items;
  }

  static ScriptNode scalar(
      String path, String source, int line, int column, String text, boolean quoted) {
    return new ScriptNode(Kind.SCALAR, path, source, line, column, text, quoted, null, null);
  }

  static ScriptNode nil(String path, String source, int line, int column) {
    return new ScriptNode(Kind.NULL, path, source, line, column, null, false, null, null);
  }

  static ScriptNode map(
      String path, String source, int line, int column, LinkedHashMap<String, ScriptNode> entries) {
    return new ScriptNode(Kind.MAP, path, source, line, column, null, false, entries, null);
  }

  static ScriptNode list(String path, String source, int line, int column, List<ScriptNode> items) {
    return new ScriptNode(Kind.LIST, path, source, line, column, null, false, null, items);
  }

  public Kind kind() {
    return kind;
  }

  /** Dotted path from the root, e.g. {@code workload.rate} or {@code faults[2]}. */
  public String path() {
    return path;
  }

  public String source() {
    return source;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  /** A scalar's text as written (without quotes). */
  public String text() {
    return text;
  }

  /** True if YAML typed the scalar as a string (quoted, or not a number/boolean/null). */
  public boolean quoted() {
    return quoted;
  }

  /** A map's entries, in the order written. */
  public Map<String, ScriptNode> entries() {
    return entries == null ? Map.of() : Collections.unmodifiableMap(entries);
  }

  public List<ScriptNode> items() {
    return items == null ? List.of() : Collections.unmodifiableList(items);
  }

  /** An error about this node, located where it was written. */
  public ScriptException error(String problem) {
    return new ScriptException(source, line, column, path, problem);
  }

  /** A copy of this map with {@code key} set to {@code value} (for overrides). */
  /** This map without {@code key} (the same map if it has none). */
  ScriptNode without(String key) {
    if (entries == null || !entries.containsKey(key)) {
      return this;
    }
    LinkedHashMap<String, ScriptNode> copy = new LinkedHashMap<>(entries);
    copy.remove(key);
    return map(path, source, line, column, copy);
  }

  ScriptNode with(String key, ScriptNode value) {
    LinkedHashMap<String, ScriptNode> copy =
        new LinkedHashMap<>(entries == null ? Map.of() : entries);
    copy.put(key, value);
    return map(path, source, line, column, copy);
  }

  /** The YAML-ish text of this node, for {@code scenario.yaml} as run. */
  public Object toPlain() {
    switch (kind) {
      case NULL:
        return null;
      case SCALAR:
        return text;
      case LIST:
        List<Object> out = new ArrayList<>();
        for (ScriptNode n : items) {
          out.add(n.toPlain());
        }
        return out;
      default:
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, ScriptNode> e : entries.entrySet()) {
          m.put(e.getKey(), e.getValue().toPlain());
        }
        return m;
    }
  }
}
