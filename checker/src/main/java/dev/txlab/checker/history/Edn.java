package dev.txlab.checker.history;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.Symbol;
import us.bpsm.edn.Tag;
import us.bpsm.edn.TaggedValue;
import us.bpsm.edn.parser.CollectionBuilder;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/**
 * EDN values in txlab's value model (see the package documentation): parsing, through
 * edn-java, and printing in the form Clojure's reader (so Elle and Knossos) accepts.
 */
public final class Edn {
  private Edn() {}

  /** A parser whose collections are already in txlab's value model. */
  static Parser newParser() {
    Parser.Config.Builder config = Parsers.newParserConfigBuilder();
    config.setListFactory(() -> new ListBuilder());
    config.setVectorFactory(() -> new ListBuilder());
    config.setSetFactory(() -> new SetBuilder());
    config.setMapFactory(() -> new MapBuilder());
    // Jepsen's newer histories tag each operation: #jepsen.history.Op{...}. The tag adds nothing.
    config.putTagHandler(Tag.newTag("jepsen.history", "Op"), (tag, value) -> value);
    return Parsers.newParser(config.build());
  }

  /**
   * Parses one EDN value from text, such as a {@code --initial} argument.
   *
   * @throws IllegalArgumentException with a readable message if the text is not one EDN value
   */
  public static Object parse(String text) {
    Parser parser = newParser();
    try (TrackingParseable in = new TrackingParseable(new StringReader(text))) {
      in.skipBlank();
      if (in.peek() < 0) {
        throw new IllegalArgumentException("expected an EDN value, found nothing");
      }
      Object v = parser.nextValue(in);
      in.skipBlank();
      if (in.peek() >= 0) {
        throw new IllegalArgumentException(
            "expected one EDN value, found more text at column " + (in.column() + 1));
      }
      return fromEdn(v);
    } catch (EdnException e) {
      throw new IllegalArgumentException("not EDN: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
  }

  /** Converts a scalar from edn-java's types into txlab's; collections are converted as built. */
  static Object fromEdn(Object v) {
    if (v == null
        || v instanceof Long
        || v instanceof String
        || v instanceof Boolean
        || v instanceof Double
        || v instanceof Keyword
        || v instanceof List
        || v instanceof Map
        || v instanceof Set) {
      return v;
    }
    if (v instanceof us.bpsm.edn.Keyword) {
      us.bpsm.edn.Keyword k = (us.bpsm.edn.Keyword) v;
      String prefix = k.getPrefix();
      return Keyword.of(prefix == null || prefix.isEmpty() ? k.getName() : prefix + "/" + k.getName());
    }
    if (v instanceof BigInteger) {
      BigInteger b = (BigInteger) v;
      return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    if (v instanceof BigDecimal) {
      return ((BigDecimal) v).doubleValue();
    }
    if (v instanceof Character) {
      return String.valueOf(v);
    }
    if (v instanceof Symbol) {
      return v.toString();
    }
    if (v instanceof TaggedValue) {
      return fromEdn(((TaggedValue) v).getValue());
    }
    return v.toString();
  }

  private static final class ListBuilder implements CollectionBuilder {
    private final ArrayList<Object> items = new ArrayList<>(4);

    @Override
    public void add(Object o) {
      items.add(fromEdn(o));
    }

    @Override
    public Object build() {
      items.trimToSize();
      return Collections.unmodifiableList(items);
    }
  }

  private static final class SetBuilder implements CollectionBuilder {
    private final LinkedHashSet<Object> items = new LinkedHashSet<>();

    @Override
    public void add(Object o) {
      items.add(fromEdn(o));
    }

    @Override
    public Object build() {
      return Collections.unmodifiableSet(items);
    }
  }

  private static final class MapBuilder implements CollectionBuilder {
    private final LinkedHashMap<Object, Object> map = new LinkedHashMap<>(16);
    private Object key;
    private boolean haveKey;

    @Override
    public void add(Object o) {
      if (haveKey) {
        map.put(key, fromEdn(o));
        haveKey = false;
      } else {
        key = fromEdn(o);
        haveKey = true;
      }
    }

    @Override
    public Object build() {
      if (haveKey) {
        throw new us.bpsm.edn.EdnSyntaxException("a map needs an even number of forms");
      }
      return Collections.unmodifiableMap(map);
    }
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
