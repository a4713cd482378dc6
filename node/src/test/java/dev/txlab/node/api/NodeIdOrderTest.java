package dev.txlab.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Node ids sort naturally (n2 before n10), agreeing with a plain reference on random names. */
class NodeIdOrderTest {
  /** The reference: split off the numeric suffix with substring and parseInt. */
  static int reference(String x, String y) {
    int a = suffix(x);
    int b = suffix(y);
    if (a >= 0 && b >= 0) {
      int c =
          Integer.signum(
              x.substring(0, x.length() - digits(x))
                  .compareTo(y.substring(0, y.length() - digits(y))));
      if (c != 0) return c;
      if (a != b) return Integer.compare(a, b);
    }
    return Integer.signum(x.compareTo(y));
  }

  static int digits(String s) {
    int n = 0;
    for (int i = s.length() - 1; i >= 0 && Character.isDigit(s.charAt(i)); i--) n++;
    return n;
  }

  static int suffix(String s) {
    int d = digits(s);
    return d == 0 || d > 9 ? -1 : Integer.parseInt(s.substring(s.length() - d));
  }

  @Test
  void agreesWithTheReferenceOnRandomNames() {
    Random random = new Random(7);
    String alphabet = "nc0123456789ab-";
    List<String> names = new ArrayList<>(List.of("n1", "n2", "n10", "n01", "c1", "c10", "n", "x9"));
    for (int i = 0; i < 400; i++) {
      StringBuilder b = new StringBuilder();
      int len = 1 + random.nextInt(12);
      for (int j = 0; j < len; j++) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      names.add(b.toString());
    }
    for (String x : names) {
      for (String y : names) {
        assertThat(Integer.signum(NodeId.of(x).compareTo(NodeId.of(y))))
            .as("%s vs %s", x, y)
            .isEqualTo(reference(x, y));
      }
    }
  }
}
