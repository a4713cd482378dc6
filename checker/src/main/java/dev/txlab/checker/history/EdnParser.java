package dev.txlab.checker.history;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A streaming EDN reader that builds txlab's value model directly, tracking line and column for
 * every error.
 *
 * <p>Why not edn-java, which txlab used first: on a 1,000,000-transaction history 57% of the CPU
 * went to it, mostly because every integer was parsed through a {@link BigInteger}; reading was
 * 55–80% of a whole transactional check. This reader parses integers as {@code long} (falling back
 * to {@code BigInteger} only on overflow or an {@code N} suffix), interns keywords, and never
 * builds an intermediate tree. edn-java remains in the tests as an oracle: {@code EdnParserTest}
 * parses random EDN with both and compares.
 *
 * <p>Supported: {@code nil}, booleans, integers ({@code N}), floats ({@code M}, {@code ##Inf},
 * {@code ##-Inf}, {@code ##NaN}), strings with escapes, characters, keywords, symbols (as strings),
 * lists and vectors (as lists), maps, sets, tagged elements (the tag is dropped; {@code #inst} and
 * {@code #uuid} keep their string), {@code #_} discard, {@code ;} comments and commas.
 */
final class EdnParser {
  /** Malformed EDN at a place in the text. */
  static final class SyntaxError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long line;
    final long column;

    SyntaxError(long line, long column, String message) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
    }
  }

  /** Nesting deeper than this is not a history; refuse it rather than overflow the stack. */
  private static final int DEPTH_MAX = 512;

  private static final Object CLOSE = new Object();

  private final Reader in;
  private final char[] buf;
  private int pos;
  private int limit;
  private boolean eof;
  private long line = 1;

  /**
   * Absolute offset (chars consumed before {@code buf[0]}) and the offset where this line began.
   */
  private long base;

  private long lineStart;
  private final HashMap<String, Keyword> keywords = new HashMap<>();
  private final StringBuilder scratch = new StringBuilder(64);

  EdnParser(Reader in) {
    this(in, 1 << 16);
  }

  /** A parser with a buffer of {@code bufferChars} (small for one short value). */
  EdnParser(Reader in, int bufferChars) {
    this.in = in;
    this.buf = new char[Math.max(16, bufferChars)];
  }

  /** Line of the next character (1-based). */
  long line() {
    return line;
  }

  /** Column of the next character (1-based). */
  long column() {
    return base + pos - lineStart + 1;
  }

  private boolean fill() {
    if (eof) {
      return false;
    }
    try {
      base += limit;
      pos = 0;
      limit = 0;
      int n;
      do {
        n = in.read(buf, 0, buf.length);
      } while (n == 0);
      if (n < 0) {
        eof = true;
        return false;
      }
      limit = n;
      return true;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The next character without consuming it, or -1 at the end. */
  int peek() {
    if (pos == limit && !fill()) {
      return -1;
    }
    return buf[pos];
  }

  private int read() {
    if (pos == limit && !fill()) {
      return -1;
    }
    char c = buf[pos++];
    if (c == '\n') {
      line++;
      lineStart = base + pos;
    }
    return c;
  }

  private SyntaxError error(String message) {
    return new SyntaxError(line, column(), message);
  }

  /** Skips whitespace, commas, comments and {@code #_} discarded forms. */
  void skipBlank() {
    while (true) {
      int c = peek();
      if (c < 0) {
        return;
      }
      if (c == ';') {
        while (c >= 0 && c != '\n') {
          c = read();
        }
      } else if (c == ','
          || c == ' '
          || c == '\n'
          || c == '\t'
          || c == '\r'
          || c == '\uFEFF'
          || Character.isWhitespace(c)) {
        read();
      } else if (c == '#' && peekAt(1) == '_') {
        read();
        read();
        readForm(0);
      } else {
        return;
      }
    }
  }

  /** The character {@code ahead} positions on, without consuming (small lookahead only). */
  private int peekAt(int ahead) {
    if (pos + ahead >= limit) {
      // Move the unread tail to the front and read more, keeping offsets right.
      int keep = limit - pos;
      System.arraycopy(buf, pos, buf, 0, keep);
      base += pos;
      limit = keep;
      pos = 0;
      try {
        while (!eof && limit <= ahead) {
          int n = in.read(buf, limit, buf.length - limit);
          if (n < 0) {
            eof = true;
          } else {
            limit += n;
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      if (limit <= ahead) {
        return -1;
      }
    }
    return buf[pos + ahead];
  }

  /** Consumes one character (the bracket of a top-level collection). */
  void readOpen() {
    read();
  }

  /** Reads one form; at the end of input, throws. */
  Object readForm() {
    return readForm(0);
  }

  private Object readForm(int depth) {
    skipBlank();
    Object v = readRaw(depth);
    if (v == CLOSE) {
      throw error("unexpected '" + buf[pos - 1] + "'");
    }
    return v;
  }

  private Object readRaw(int depth) {
    if (depth > DEPTH_MAX) {
      throw error("nested more than " + DEPTH_MAX + " deep");
    }
    int c = peek();
    if (c < 0) {
      throw error("unexpected end of input (expected a value)");
    }
    switch (c) {
      case '[':
        read();
        return readSeq(']', depth);
      case '(':
        read();
        return readSeq(')', depth);
      case '{':
        read();
        return readMap(depth);
      case ']':
      case ')':
      case '}':
        read();
        return CLOSE;
      case '"':
        read();
        return readString();
      case ':':
        read();
        return keyword(readToken());
      case '\\':
        read();
        return readChar();
      case '#':
        return readDispatch(depth);
      default:
        if (isDigit(c) || ((c == '-' || c == '+') && isDigit(peekAt(1)))) {
          return readNumber();
        }
        return symbol(readToken());
    }
  }

  private List<Object> readSeq(char close, int depth) {
    Object[] items = new Object[4];
    int n = 0;
    while (true) {
      skipBlank();
      int c = peek();
      if (c < 0) {
        throw error("unexpected end of input (expected '" + close + "')");
      }
      if (c == close) {
        read();
        return n == 0
            ? ArrayValueList.EMPTY
            : new ArrayValueList(n == items.length ? items : java.util.Arrays.copyOf(items, n));
      }
      Object v = readRaw(depth + 1);
      if (v == CLOSE) {
        throw error("expected '" + close + "', found '" + buf[pos - 1] + "'");
      }
      if (n == items.length) {
        items = java.util.Arrays.copyOf(items, n * 2);
      }
      items[n++] = v;
    }
  }

  /**
   * Reads a map whose opening brace is next (after blanks), or a tagged map such as {@code
   * #jepsen.history.Op{…}}, into the given arrays without building a {@link Map}: a history's
   * operation maps are read, taken apart and dropped millions of times. Returns the number of
   * entries, or -1 if the next form is not a map (nothing is consumed then).
   */
  int readMapInto(Object[] keys, Object[] values) {
    skipBlank();
    int c = peek();
    if (c == '#' && Character.isLetter(peekAt(1))) {
      read();
      readToken();
      skipBlank();
      c = peek();
    }
    if (c != '{') {
      return -1;
    }
    read();
    int n = 0;
    while (true) {
      skipBlank();
      c = peek();
      if (c < 0) {
        throw error("unexpected end of input (expected '}')");
      }
      if (c == '}') {
        read();
        return n;
      }
      Object k = readRaw(1);
      if (k == CLOSE) {
        throw error("expected '}', found '" + buf[pos - 1] + "'");
      }
      skipBlank();
      if (peek() == '}') {
        throw error("a map needs a value for every key (key " + Edn.print(k) + " has none)");
      }
      Object v = readRaw(1);
      if (v == CLOSE) {
        throw error("a map needs a value for every key (key " + Edn.print(k) + " has none)");
      }
      for (int i = 0; i < n; i++) {
        if (java.util.Objects.equals(keys[i], k)) {
          throw error("duplicate map key " + Edn.print(k));
        }
      }
      if (n == keys.length) {
        throw error("an operation map with more than " + keys.length + " fields");
      }
      keys[n] = k;
      values[n] = v;
      n++;
    }
  }

  private Map<Object, Object> readMap(int depth) {
    LinkedHashMap<Object, Object> map = new LinkedHashMap<>(16);
    while (true) {
      skipBlank();
      int c = peek();
      if (c < 0) {
        throw error("unexpected end of input (expected '}')");
      }
      if (c == '}') {
        read();
        return Collections.unmodifiableMap(map);
      }
      Object k = readRaw(depth + 1);
      if (k == CLOSE) {
        throw error("expected '}', found '" + buf[pos - 1] + "'");
      }
      skipBlank();
      if (peek() == '}') {
        throw error("a map needs a value for every key (key " + Edn.print(k) + " has none)");
      }
      Object v = readRaw(depth + 1);
      if (v == CLOSE) {
        throw error("a map needs a value for every key (key " + Edn.print(k) + " has none)");
      }
      if (map.put(k, v) != null) {
        throw error("duplicate map key " + Edn.print(k));
      }
    }
  }

  private Object readDispatch(int depth) {
    read(); // '#'
    int c = peek();
    if (c == '{') {
      read();
      List<Object> items = readSeq('}', depth);
      LinkedHashSet<Object> set = new LinkedHashSet<>(items);
      if (set.size() != items.size()) {
        throw error("duplicate element in a set");
      }
      return Collections.unmodifiableSet(set);
    }
    if (c == '#') {
      read();
      String t = readToken();
      switch (t) {
        case "Inf":
          return Double.POSITIVE_INFINITY;
        case "-Inf":
          return Double.NEGATIVE_INFINITY;
        case "NaN":
          return Double.NaN;
        default:
          throw error("unknown symbolic value ##" + t);
      }
    }
    if (c == '_') {
      read();
      readForm(depth + 1);
      skipBlank();
      return readRaw(depth);
    }
    if (c < 0 || !Character.isLetter(c)) {
      throw error("expected a tag after '#'");
    }
    readToken(); // the tag: txlab keeps the element it tags
    return readForm(depth + 1);
  }

  private String readString() {
    StringBuilder sb = scratch;
    sb.setLength(0);
    while (true) {
      int c = read();
      if (c < 0) {
        throw error("unexpected end of input inside a string");
      }
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\\') {
        int e = read();
        switch (e) {
          case 't':
            sb.append('\t');
            break;
          case 'r':
            sb.append('\r');
            break;
          case 'n':
            sb.append('\n');
            break;
          case 'b':
            sb.append('\b');
            break;
          case 'f':
            sb.append('\f');
            break;
          case '\\':
          case '"':
            sb.append((char) e);
            break;
          case 'u':
            sb.append((char) hex4());
            break;
          default:
            throw error(
                "unknown escape \\" + (e < 0 ? "" : String.valueOf((char) e)) + " in a string");
        }
      } else {
        sb.append((char) c);
      }
    }
  }

  private int hex4() {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(read(), 16);
      if (d < 0) {
        throw error("expected four hex digits after \\u");
      }
      v = v * 16 + d;
    }
    return v;
  }

  private String readChar() {
    String t = readToken();
    if (t.isEmpty()) {
      int c = read();
      if (c < 0) {
        throw error("unexpected end of input after '\\'");
      }
      return String.valueOf((char) c);
    }
    switch (t) {
      case "newline":
        return "\n";
      case "space":
        return " ";
      case "tab":
        return "\t";
      case "return":
        return "\r";
      default:
        if (t.length() == 1) {
          return t;
        }
        if (t.length() == 5 && t.charAt(0) == 'u') {
          try {
            return String.valueOf((char) Integer.parseInt(t.substring(1), 16));
          } catch (NumberFormatException e) {
            // fall through
          }
        }
        throw error("unknown character literal \\" + t);
    }
  }

  private Object readNumber() {
    String t = readToken();
    try {
      if (t.endsWith("N")) {
        return Edn.fromEdn(new BigInteger(stripPlus(t.substring(0, t.length() - 1))));
      }
      if (t.endsWith("M")) {
        return Double.parseDouble(stripPlus(t.substring(0, t.length() - 1)));
      }
      boolean floating = false;
      for (int i = 0; i < t.length(); i++) {
        char ch = t.charAt(i);
        if (ch == '.' || ch == 'e' || ch == 'E') {
          floating = true;
          break;
        }
      }
      if (floating) {
        return Double.parseDouble(t);
      }
      String s = stripPlus(t);
      if (s.length() < 19) {
        return Long.parseLong(s);
      }
      return Edn.fromEdn(new BigInteger(s));
    } catch (NumberFormatException e) {
      throw error("not a number: " + t);
    }
  }

  private static String stripPlus(String s) {
    return s.startsWith("+") ? s.substring(1) : s;
  }

  private Keyword keyword(String name) {
    if (name.isEmpty()) {
      throw error("a keyword needs a name after ':'");
    }
    Keyword k = keywords.get(name);
    if (k == null) {
      k = Keyword.of(name);
      keywords.put(name, k);
    }
    return k;
  }

  private Object symbol(String t) {
    if (t.isEmpty()) {
      throw error("unexpected '" + (char) peek() + "'");
    }
    switch (t) {
      case "nil":
        return null;
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        return t;
    }
  }

  /** Reads the characters of a symbol, keyword name or number. */
  private String readToken() {
    StringBuilder sb = scratch;
    sb.setLength(0);
    while (true) {
      int c = peek();
      if (c < 0 || !isTokenChar(c)) {
        return sb.toString();
      }
      sb.append((char) read());
    }
  }

  private static boolean isTokenChar(int c) {
    return Character.isLetterOrDigit(c) || "*+!-_?$%&=<>/.:#'".indexOf(c) >= 0;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }
}
