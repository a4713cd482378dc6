package dev.txlab.checker.history;

import java.io.IOException;
import java.io.Reader;
import java.util.Map;

/**
 * Reads Jepsen EDN histories: either one collection ({@code [...]} or {@code (...)}) of operation
 * maps, or a sequence of maps (Jepsen's {@code history.edn}, one per line). Comments, commas,
 * multi-line maps, keys in any order, tagged ops ({@code #jepsen.history.Op{...}}) and extra keys
 * are all accepted; extra keys are ignored.
 *
 * <p>A top-level collection is not parsed whole: its brackets are consumed here and its elements
 * parsed one at a time, so a million-operation file never exists as one parsed tree.
 */
public final class EdnHistoryReader implements HistoryReader {

  @Override
  public History read(String source, Reader reader) throws HistoryException, IOException {
    EdnParser in = new EdnParser(reader);
    HistoryBuilder builder = new HistoryBuilder(source);
    // Reused for every operation map: its fields are copied out before the next is read.
    Object[] keys = new Object[FIELDS_MAX];
    Object[] values = new Object[FIELDS_MAX];
    try {
      in.skipBlank();
      int first = in.peek();
      int close = -1;
      long openLine = in.line();
      long openColumn = in.column();
      if (first == '[' || first == '(') {
        in.readOpen();
        close = first == '[' ? ']' : ')';
      }
      while (true) {
        in.skipBlank();
        int c = in.peek();
        long line = in.line();
        long column = in.column();
        if (c < 0) {
          if (close >= 0) {
            throw new HistoryException(
                source,
                line,
                column,
                "end of file inside the history's top-level collection opened at line "
                    + openLine
                    + ", column "
                    + openColumn
                    + " (expected '"
                    + (char) close
                    + "')");
          }
          break;
        }
        if (c == close) {
          in.readOpen();
          in.skipBlank();
          if (in.peek() >= 0) {
            throw new HistoryException(
                source,
                in.line(),
                in.column(),
                "text after the end of the history's top-level collection");
          }
          break;
        }
        if (c == ']' || c == ')' || c == '}') {
          throw new HistoryException(source, line, column, "unexpected '" + (char) c + "'");
        }
        int n = in.readMapInto(keys, values);
        if (n < 0) {
          Object form = in.readForm();
          throw new HistoryException(
              source,
              line,
              column,
              "expected an operation map {:type … :process … :f … :value …}, found "
                  + abbreviate(Edn.print(form)));
        }
        final int fields = n;
        Op op;
        try {
          op =
              OpFields.toOp(
                  k -> field(keys, values, fields, OpFields.keyword(k)),
                  extras(keys, values, fields),
                  builder.size(),
                  ":");
        } catch (OpFields.BadField e) {
          throw new HistoryException(source, line, column, e.getMessage());
        }
        builder.add(op, line, column);
      }
    } catch (EdnParser.SyntaxError e) {
      throw new HistoryException(source, e.line, e.column, "malformed EDN: " + e.getMessage(), e);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    return builder.build();
  }

  /** More fields than any operation map has; a map with more is refused. */
  private static final int FIELDS_MAX = 64;

  private static Object field(Object[] keys, Object[] values, int n, Keyword k) {
    for (int i = 0; i < n; i++) {
      if (keys[i] == k) {
        return values[i];
      }
    }
    return null;
  }

  private static Map<String, Object> extras(Object[] keys, Object[] values, int n) {
    java.util.LinkedHashMap<String, Object> out = null;
    for (int i = 0; i < n; i++) {
      Object k = keys[i];
      String name = k instanceof Keyword ? ((Keyword) k).name() : Edn.print(k);
      if (!(k instanceof Keyword) || !OpFields.KNOWN.contains(name)) {
        if (out == null) {
          out = new java.util.LinkedHashMap<>();
        }
        out.put(name, values[i]);
      }
    }
    return out == null ? Map.of() : java.util.Collections.unmodifiableMap(out);
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
