package dev.txlab.scenarios.script;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads YAML into {@link ScriptNode}s with Jackson's streaming YAML parser, recording the line and
 * column of every key and value. Duplicate keys are an error (YAML says they are; many parsers
 * silently keep the last), as is more than one document.
 */
public final class ScriptParser {
  private static final YAMLFactory YAML = new YAMLFactory();

  /** Nesting deeper than this is not a scenario; refuse it rather than recurse without bound. */
  private static final int DEPTH_MAX = 64;

  private ScriptParser() {}

  public static ScriptNode parse(String source, String text) throws ScriptException {
    return parse(source, new StringReader(text));
  }

  public static ScriptNode parse(String source, Reader in) throws ScriptException {
    try (JsonParser p = YAML.createParser(in)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return ScriptNode.map("", source, 1, 1, new LinkedHashMap<>());
      }
      ScriptNode root = read(p, source, "", 0);
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        throw new ScriptException(
            source, line(at), column(at), "", "only one YAML document is expected");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new ScriptException(
          source,
          at == null ? 0 : line(at),
          at == null ? 0 : column(at),
          "",
          "malformed YAML: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ScriptException(source, 0, 0, "", "cannot read: " + e.getMessage());
    }
  }

  private static ScriptNode read(JsonParser p, String source, String path, int depth)
      throws IOException, ScriptException {
    JsonLocation at = p.currentTokenLocation();
    int line = line(at);
    int col = column(at);
    if (depth > DEPTH_MAX) {
      throw new ScriptException(source, line, col, path, "nested too deeply");
    }
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        {
          LinkedHashMap<String, ScriptNode> entries = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonLocation keyAt = p.currentTokenLocation();
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (entries.containsKey(key)) {
              ScriptNode first = entries.get(key);
              throw new ScriptException(
                  source,
                  line(keyAt),
                  column(keyAt),
                  childPath,
                  "written twice (first at line " + first.line() + ")");
            }
            p.nextToken();
            entries.put(key, read(p, source, childPath, depth + 1));
          }
          return ScriptNode.map(path, source, line, col, entries);
        }
      case START_ARRAY:
        {
          List<ScriptNode> items = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            items.add(read(p, source, path + "[" + items.size() + "]", depth + 1));
          }
          return ScriptNode.list(path, source, line, col, items);
        }
      case VALUE_NULL:
        return ScriptNode.nil(path, source, line, col);
      case VALUE_STRING:
        return ScriptNode.scalar(path, source, line, col, p.getText(), true);
      default:
        // Numbers and booleans keep the text the user wrote.
        return ScriptNode.scalar(path, source, line, col, p.getText(), false);
    }
  }

  private static int line(JsonLocation at) {
    return Math.max(0, at.getLineNr());
  }

  private static int column(JsonLocation at) {
    return Math.max(0, at.getColumnNr());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
