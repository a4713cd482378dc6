package dev.txlab.checker.history;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * EDN values in txlab's value model (see the package documentation): parsing ({@link EdnParser})
 * and printing in the form Clojure's reader (so Elle and Knossos) accepts.
 */
public final class Edn {
  private Edn() {}

  /**
   * Parses one EDN value from text, such as a {@code --initial} argument.
   *
   * @throws IllegalArgumentException with a readable message if the text is not one EDN value
   */
  public static Object parse(String text) {
    EdnParser p = new EdnParser(new StringReader(text), text.length() + 1);
    try {
      p.skipBlank();
      if (p.peek() < 0) {
        throw new IllegalArgumentException("expected an EDN value, found nothing");
      }
      Object v = p.readForm();
      p.skipBlank();
      if (p.peek() >= 0) {
        throw new IllegalArgumentException(
            "expected one EDN value, found more text at column " + p.column());
      }
      return v;
    } catch (EdnParser.SyntaxError e) {
      throw new IllegalArgumentException(
          "not EDN: " + e.getMessage() + " (column " + e.column + ")", e);
    }
  }

  /** A big integer as a {@code Long} when it fits (the value model's integers are longs). */
  static Object fromEdn(BigInteger b) {
    return b.bitLength() < 64 ? (Object) b.longValue() : b;
  }

  // ---------------------------------------------------------------- printing

  /** The EDN text of a value in txlab's value model. */
  public static String print(Object value) {
    StringBuilder sb = new StringBuilder();
    print(value, sb);
    return sb.toString();
  }

  /** Appends the EDN text of {@code value}; lists print as vectors. */
  public static void print(Object value, StringBuilder sb) {
    if (value == null) {
      sb.append("nil");
    } else if (value instanceof String) {
      printString((String) value, sb);
    } else if (value instanceof Keyword || value instanceof Long || value instanceof Boolean) {
      sb.append(value);
    } else if (value instanceof Integer || value instanceof Short) {
      sb.append(((Number) value).longValue());
    } else if (value instanceof BigInteger) {
      sb.append(value).append('N');
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d)) {
        sb.append("##NaN");
      } else if (Double.isInfinite(d)) {
        sb.append(d > 0 ? "##Inf" : "##-Inf");
      } else {
        sb.append(d);
      }
    } else if (value instanceof List) {
      sb.append('[');
      boolean first = true;
      for (Object o : (List<?>) value) {
        if (!first) {
          sb.append(' ');
        }
        first = false;
        print(o, sb);
      }
      sb.append(']');
    } else if (value instanceof Set) {
      sb.append("#{");
      boolean first = true;
      for (Object o : (Set<?>) value) {
        if (!first) {
          sb.append(' ');
        }
        first = false;
        print(o, sb);
      }
      sb.append('}');
    } else if (value instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        print(e.getKey(), sb);
        sb.append(' ');
        print(e.getValue(), sb);
      }
      sb.append('}');
    } else if (value instanceof Op) {
      printOp((Op) value, sb);
    } else {
      printString(value.toString(), sb);
    }
  }

  private static void printString(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          sb.append(c);
      }
    }
    sb.append('"');
  }

  /** An operation as Jepsen writes it in {@code history.edn}: one map. */
  public static void printOp(Op op, StringBuilder sb) {
    sb.append("{:index ").append(op.index());
    if (op.timeNanos() != Op.NO_TIME) {
      sb.append(", :time ").append(op.timeNanos());
    }
    sb.append(", :type :").append(op.type().text());
    sb.append(", :process ");
    if (op.isNemesis()) {
      sb.append(":nemesis");
    } else {
      sb.append(op.process());
    }
    sb.append(", :f ");
    printName(op.f(), sb);
    sb.append(", :value ");
    print(op.value(), sb);
    for (Map.Entry<String, Object> e : op.extra().entrySet()) {
      sb.append(", ");
      printName(e.getKey(), sb);
      sb.append(' ');
      print(e.getValue(), sb);
    }
    sb.append('}');
  }

  /** A function name as a keyword when it can be one, else as a string. */
  private static void printName(String f, StringBuilder sb) {
    boolean keywordSafe = !f.isEmpty() && !Character.isDigit(f.charAt(0));
    for (int i = 0; keywordSafe && i < f.length(); i++) {
      char c = f.charAt(i);
      keywordSafe = Character.isLetterOrDigit(c) || "*+!-_?<>=./".indexOf(c) >= 0;
    }
    if (keywordSafe) {
      sb.append(':').append(f);
    } else {
      printString(f, sb);
    }
  }

  public static String print(Op op) {
    StringBuilder sb = new StringBuilder();
    printOp(op, sb);
    return sb.toString();
  }
}
