package dev.txlab.chaos.fault;

/**
 * The order in which node names are listed when the fault language has to choose one (sets of cut
 * links, resolved targets): names compare piecewise, digit runs by their numeric value, so {@code
 * n2} comes before {@code n10}. It depends on the names alone, never on hashing, so printed
 * resolutions are the same in every run.
 */
public final class NodeOrder {
  private NodeOrder() {}

  public static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (Character.isDigit(x) && Character.isDigit(y)) {
        int endA = digitRunEnd(a, i);
        int endB = digitRunEnd(b, j);
        String runA = stripZeros(a.substring(i, endA));
        String runB = stripZeros(b.substring(j, endB));
        int byValue =
            runA.length() != runB.length()
                ? Integer.compare(runA.length(), runB.length())
                : runA.compareTo(runB);
        if (byValue != 0) {
          return byValue;
        }
        i = endA;
        j = endB;
      } else {
        if (x != y) {
          return Character.compare(x, y);
        }
        i++;
        j++;
      }
    }
    int byLength = Integer.compare(a.length() - i, b.length() - j);
    // Names equal up to leading zeros ("n01", "n1") still need a total order.
    return byLength != 0 ? byLength : a.compareTo(b);
  }

  private static int digitRunEnd(String s, int start) {
    int end = start;
    while (end < s.length() && Character.isDigit(s.charAt(end))) {
      end++;
    }
    return end;
  }

  private static String stripZeros(String digits) {
    int k = 0;
    while (k < digits.length() - 1 && digits.charAt(k) == '0') {
      k++;
    }
    return digits.substring(k);
  }
}
