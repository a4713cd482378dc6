package dev.txlab.node.api;

/**
 * A physical node of the cluster ({@code n1}, {@code n2}, …). Crashes, pauses, partitions and clock
 * faults act on physical nodes; every component hosted on a node shares its fate.
 */
public record NodeId(String name) implements Comparable<NodeId> {
  public NodeId {
    if (name == null || name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("node id must be a non-empty word without '/': " + name);
    }
  }

  public static NodeId of(String name) {
    return new NodeId(name);
  }

  @Override
  public int compareTo(NodeId other) {
    // Natural order with numeric suffixes compared as numbers, so n2 sorts before n10. No
    // allocation: node ids are compared in the simulator's hot paths.
    String x = name;
    String y = other.name;
    int dx = digits(x);
    int dy = digits(y);
    if (dx > 0 && dx <= 9 && dy > 0 && dy <= 9) {
      int px = x.length() - dx;
      int py = y.length() - dy;
      int common = Math.min(px, py);
      for (int i = 0; i < common; i++) {
        char cx = x.charAt(i);
        char cy = y.charAt(i);
        if (cx != cy) return cx - cy;
      }
      if (px != py) return px - py;
      int a = number(x, px);
      int b = number(y, py);
      if (a != b) return Integer.compare(a, b);
    }
    return x.compareTo(y);
  }

  private static int digits(String s) {
    int n = 0;
    for (int i = s.length() - 1; i >= 0 && Character.isDigit(s.charAt(i)); i--) n++;
    return n;
  }

  private static int number(String s, int from) {
    int v = 0;
    for (int i = from; i < s.length(); i++) v = v * 10 + Character.digit(s.charAt(i), 10);
    return v;
  }

  @Override
  public String toString() {
    return name;
  }
}
