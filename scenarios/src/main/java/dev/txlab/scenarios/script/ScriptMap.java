package dev.txlab.scenarios.script;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed, located reading of one map of a scenario script. Every reader names the field and where it
 * was written when the value is wrong; {@link #finish()} refuses fields nobody read, so a typo
 * ({@code replicaz: 3}) is an error rather than a silently ignored line.
 */
public final class ScriptMap {
  private final ScriptNode node;
  private final Set<String> read = new LinkedHashSet<>();

  public ScriptMap(ScriptNode node) throws ScriptException {
    if (node.kind() != ScriptNode.Kind.MAP) {
      throw node.error("expected a map of fields, found " + describe(node));
    }
    this.node = node;
  }

  public ScriptNode node() {
    return node;
  }

  public boolean has(String key) {
    ScriptNode n = node.entries().get(key);
    return n != null && n.kind() != ScriptNode.Kind.NULL;
  }

  /** The raw node of {@code key}, or null; marks it read. */
  public ScriptNode raw(String key) {
    read.add(key);
    ScriptNode n = node.entries().get(key);
    return n == null || n.kind() == ScriptNode.Kind.NULL ? null : n;
  }

  public String string(String key, String dflt) throws ScriptException {
    ScriptNode n = raw(key);
    if (n == null) {
      return dflt;
    }
    if (n.kind() != ScriptNode.Kind.SCALAR) {
      throw n.error("expected text, found " + describe(n));
    }
    return n.text();
  }

  public String oneOf(String key, String dflt, List<String> allowed) throws ScriptException {
    String s = string(key, dflt);
    if (s != null && !allowed.contains(s)) {
      throw raw(key).error("expected one of " + String.join(", ", allowed) + ", found '" + s + "'");
    }
    return s;
  }

  public boolean bool(String key, boolean dflt) throws ScriptException {
    ScriptNode n = raw(key);
    if (n == null) {
      return dflt;
    }
    String t = n.kind() == ScriptNode.Kind.SCALAR ? n.text().toLowerCase(Locale.ROOT) : "";
    switch (t) {
      case "true":
      case "on":
      case "yes":
        return true;
      case "false":
      case "off":
      case "no":
        return false;
      default:
        throw n.error("expected true/false (or on/off), found " + describe(n));
    }
  }

  public int integer(String key, int dflt, int min, int max) throws ScriptException {
    ScriptNode n = raw(key);
    if (n == null) {
      return dflt;
    }
    long v;
    try {
      if (n.kind() != ScriptNode.Kind.SCALAR) {
        throw new NumberFormatException();
      }
      v = Long.parseLong(n.text().strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw n.error("expected a whole number, found " + describe(n));
    }
    if (v < min || v > max) {
      throw n.error("must be between " + min + " and " + max + ", found " + v);
    }
    return (int) v;
  }

  public long seed(String key, long dflt) throws ScriptException {
    ScriptNode n = raw(key);
    if (n == null) {
      return dflt;
    }
    try {
      return Long.parseLong(n.text().strip());
    } catch (NumberFormatException | NullPointerException e) {
      throw n.error("expected an integer seed, found " + describe(n));
    }
  }

  /** A percentage written {@code 20%} (or a fraction {@code 0.2}), as a fraction in [0, 1]. */
  public double fraction(String key, double dflt) throws ScriptException {
    ScriptNode n = raw(key);
    if (n == null) {
      return dflt;
    }
    String t = n.kind() == ScriptNode.Kind.SCALAR ? n.text().strip() : "";
    try {
      double v =
          t.endsWith("%")
              ? Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100
              : Double.parseDouble(t);
      if (!(v >= 0 && v <= 1)) {
        throw n.error("must be between 0% and 100%, found " + t);
      }
      return v;
    } catch (NumberFormatException e) {
      throw n.error("expected a percentage like 20%, found " + describe(n));
    }
  }

  public Duration duration(String key, Duration dflt) throws ScriptException {
    ScriptNode n = raw(key);
    if (n == null) {
      return dflt;
    }
    if (n.kind() != ScriptNode.Kind.SCALAR) {
      throw n.error("expected a duration like 30s, found " + describe(n));
    }
    try {
      return dev.txlab.scenarios.cli.DurationConverter.parse(n.text());
    } catch (RuntimeException e) {
      throw n.error("expected a duration like 500ms, 30s or 2m, found '" + n.text() + "'");
    }
  }

  /** A nested map, or null when absent. */
  public ScriptMap map(String key) throws ScriptException {
    ScriptNode n = raw(key);
    return n == null ? null : new ScriptMap(n);
  }

  /** A list (a single scalar counts as a list of one), or an empty list when absent. */
  public List<ScriptNode> list(String key) throws ScriptException {
    ScriptNode n = raw(key);
    if (n == null) {
      return List.of();
    }
    if (n.kind() == ScriptNode.Kind.LIST) {
      return n.items();
    }
    if (n.kind() == ScriptNode.Kind.SCALAR) {
      return List.of(n);
    }
    throw n.error("expected a list, found " + describe(n));
  }

  /** Refuses any field that no reader asked for, suggesting the closest known name. */
  public void finish() throws ScriptException {
    for (var e : node.entries().entrySet()) {
      if (!read.contains(e.getKey())) {
        String suggestion = closest(e.getKey(), read);
        throw e.getValue()
            .error(
                "unknown field"
                    + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)")
                    + "; known here: "
                    + String.join(", ", read));
      }
    }
  }

  static String describe(ScriptNode n) {
    switch (n.kind()) {
      case MAP:
        return "a map";
      case LIST:
        return "a list";
      case NULL:
        return "nothing";
      default:
        return "'" + n.text() + "'";
    }
  }

  private static String closest(String word, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(word, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(2, word.length() / 3) ? best : null;
  }

  /** Levenshtein distance, for "did you mean". */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Texts of a list of scalars (each must be a scalar). */
  public static List<String> texts(List<ScriptNode> nodes) throws ScriptException {
    List<String> out = new ArrayList<>();
    for (ScriptNode n : nodes) {
      if (n.kind() != ScriptNode.Kind.SCALAR) {
        throw n.error("expected text, found " + describe(n));
      }
      out.add(n.text());
    }
    return out;
  }
}
