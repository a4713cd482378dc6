package dev.txlab.checker.history;

import java.io.IOException;
import java.io.Reader;
import java.util.Map;

/**
 * Reads Jepsen EDN histories: either one collection ({@code [...]} or {@code (...)}) of
 * operation maps, or a sequence of maps (Jepsen's {@code history.edn}, one per line). Comments,
 * commas, multi-line maps, keys in any order, tagged ops ({@code #jepsen.history.Op{...}}) and
 * extra keys are all accepted; extra keys are ignored.
 *
 * <p>A top-level collection is not parsed whole: its brackets are consumed here and its
 * elements parsed one at a time, so a million-operation file never exists as one parsed tree.
 */
public final class EdnHistoryReader implements HistoryReader {

  @Override
  public History read(String source, Reader reader) throws HistoryException, IOException {
    EdnParser in = new EdnParser(reader);
    HistoryBuilder builder = new HistoryBuilder(source);
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
                source, line, column,
                "end of file inside the history's top-level collection opened at line " + openLine
                    + ", column " + openColumn + " (expected '" + (char) close + "')");
          }
          break;
        }
        if (c == close) {
          in.readOpen();
          in.skipBlank();
          if (in.peek() >= 0) {
            throw new HistoryException(
                source, in.line(), in.column(), "text after the end of the history's top-level collection");
          }
          break;
        }
        if (c == ']' || c == ')' || c == '}') {
          throw new HistoryException(source, line, column, "unexpected '" + (char) c + "'");
        }
        Object form = in.readForm();
        if (!(form instanceof Map)) {
          throw new HistoryException(
              source, line, column,
              "expected an operation map {:type … :process … :f … :value …}, found "
                  + abbreviate(Edn.print(form)));
        }
        Map<?, ?> map = (Map<?, ?>) form;
        Op op;
        try {
          op = OpFields.toOp(k -> map.get(OpFields.keyword(k)), extras(map), builder.size(), ":");
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

  private static Map<String, Object> extras(Map<?, ?> map) {
    if (map.size() <= OpFields.KNOWN.size()) {
      boolean any = false;
      for (Object k : map.keySet()) {
        if (!(k instanceof Keyword) || !OpFields.KNOWN.contains(((Keyword) k).name())) {
          any = true;
          break;
        }
      }
      if (!any) {
        return Map.of();
      }
    }
    java.util.LinkedHashMap<String, Object> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object k = e.getKey();
      String name = k instanceof Keyword ? ((Keyword) k).name() : Edn.print(k);
      if (!OpFields.KNOWN.contains(name)) {
        out.put(name, e.getValue());
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
