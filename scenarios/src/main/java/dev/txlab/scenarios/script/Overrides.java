package dev.txlab.scenarios.script;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * {@code --set PATH=VALUE} overrides, applied to a script's tree before it is read: a dotted path
 * ({@code nodes}, {@code workload.rate}) names a field; the value is parsed as YAML (so {@code
 * --set 'faults=[at 5s kill n1]'} sets a list). An override is located as {@code --set PATH=VALUE}
 * in messages, and validated exactly like the file.
 */
public final class Overrides {
  private Overrides() {}

  public static ScriptNode apply(ScriptNode root, List<String> assignments) throws ScriptException {
    ScriptNode out = root;
    for (String a : assignments) {
      int eq = a.indexOf('=');
      String source = "--set " + a;
      if (eq <= 0) {
        throw new ScriptException(source, 0, 0, "", "expected PATH=VALUE, e.g. --set nodes=5");
      }
      String path = a.substring(0, eq).strip();
      String valueText = a.substring(eq + 1);
      for (String part : path.split("\\.", -1)) {
        if (part.isEmpty() || !part.matches("[A-Za-z0-9_-]+")) {
          throw new ScriptException(
              source,
              0,
              0,
              path,
              "not a field path (expected names joined by dots, e.g. workload.rate)");
        }
      }
      ScriptNode value =
          relocate(
              ScriptParser.parse(source, valueText.isEmpty() ? "''" : valueText), source, path);
      out = set(out, List.of(path.split("\\.")), 0, value, source);
    }
    return out;
  }

  /** The script without its top-level field {@code key} (unchanged if it has none). */
  public static ScriptNode remove(ScriptNode root, String key) {
    return root.kind() == ScriptNode.Kind.MAP ? root.without(key) : root;
  }

  private static ScriptNode set(
      ScriptNode map, List<String> parts, int i, ScriptNode value, String source)
      throws ScriptException {
    if (map.kind() != ScriptNode.Kind.MAP) {
      throw new ScriptException(
          source, 0, 0, map.path(), "cannot set a field inside " + ScriptMap.describe(map));
    }
    String key = parts.get(i);
    if (i == parts.size() - 1) {
      return map.with(key, value);
    }
    ScriptNode child = map.entries().get(key);
    if (child == null || child.kind() == ScriptNode.Kind.NULL) {
      String childPath = String.join(".", parts.subList(0, i + 1));
      child = ScriptNode.map(childPath, source, 0, 0, new LinkedHashMap<>());
    }
    return map.with(key, set(child, parts, i + 1, value, source));
  }

  /** Gives an override's parsed value the path it is assigned to, so errors name the field. */
  private static ScriptNode relocate(ScriptNode n, String source, String path) {
    switch (n.kind()) {
      case NULL:
        return ScriptNode.nil(path, source, 0, 0);
      case SCALAR:
        return ScriptNode.scalar(path, source, 0, 0, n.text(), n.quoted());
      case LIST:
        {
          List<ScriptNode> items = new ArrayList<>();
          for (ScriptNode item : n.items()) {
            items.add(relocate(item, source, path + "[" + items.size() + "]"));
          }
          return ScriptNode.list(path, source, 0, 0, items);
        }
      default:
        {
          LinkedHashMap<String, ScriptNode> entries = new LinkedHashMap<>();
          for (var e : n.entries().entrySet()) {
            entries.put(e.getKey(), relocate(e.getValue(), source, path + "." + e.getKey()));
          }
          return ScriptNode.map(path, source, 0, 0, entries);
        }
    }
  }
}
