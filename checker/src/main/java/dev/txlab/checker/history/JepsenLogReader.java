package dev.txlab.checker.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads the Jepsen text log: lines of the form {@code INFO jepsen.util - <process> <type> <f>
 * <value>}, fields separated by any run of whitespace, in real-time order and without timestamps.
 * Lines that are not {@code jepsen.util} events (setup chatter) are skipped; an event line that is
 * malformed is an error. {@code :timed-out} and other values are EDN.
 */
public final class JepsenLogReader implements HistoryReader {
  static final String MARKER = "jepsen.util";

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
      int marker = text.indexOf(MARKER);
      if (marker < 0) {
        continue;
      }
      int dash = text.indexOf(" - ", marker);
      if (dash < 0) {
        dash = text.indexOf("\t-", marker);
      }
      if (dash < 0) {
        throw new HistoryException(
            source, line, marker + 1, "expected 'jepsen.util - <process> <type> <f> <value>'");
      }
      int[] pos = {dash + 2};
      long pCol = skipWs(text, pos) + 1;
      String process = token(text, pos);
      long tCol = skipWs(text, pos) + 1;
      String type = token(text, pos);
      long fCol = skipWs(text, pos) + 1;
      String f = token(text, pos);
      long vCol = skipWs(text, pos) + 1;
      String value = text.substring(pos[0]).strip();
      int p;
      if (process.equals(":nemesis")) {
        p = Op.NEMESIS;
      } else {
        try {
          p = Integer.parseInt(process);
        } catch (NumberFormatException e) {
          throw new HistoryException(
              source,
              line,
              pCol,
              "process: expected an integer or :nemesis, found '" + process + "'");
        }
        if (p < 0) {
          throw new HistoryException(
              source, line, pCol, "process: expected a non-negative integer, found " + p);
        }
      }
      OpType t = OpType.parse(type);
      if (t == null || !type.startsWith(":")) {
        throw new HistoryException(
            source,
            line,
            tCol,
            "type: expected :invoke, :ok, :fail or :info, found '" + type + "'");
      }
      if (!f.startsWith(":") || f.length() < 2) {
        throw new HistoryException(
            source, line, fCol, "f: expected a keyword such as :read, found '" + f + "'");
      }
      Object v;
      if (value.isEmpty()) {
        v = null;
      } else {
        try {
          v = Edn.parse(value);
        } catch (IllegalArgumentException e) {
          throw new HistoryException(source, line, vCol, "value: " + e.getMessage());
        }
      }
      builder.add(new Op(builder.size(), Op.NO_TIME, p, t, f.substring(1), v), line, pCol);
    }
    return builder.build();
  }

  private static int skipWs(String s, int[] pos) {
    int i = pos[0];
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    pos[0] = i;
    return i;
  }

  private static String token(String s, int[] pos) {
    int start = pos[0];
    int i = start;
    while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    pos[0] = i;
    return s.substring(start, i);
  }
}
