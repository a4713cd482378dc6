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
    // Natural order with numeric suffixes compared as numbers, so n2 sorts before n10.
    int a = trailingNumber(name);
    int b = trailingNumber(other.name);
    if (a >= 0 && b >= 0) {
      String pa = name.substring(0, name.length() - digits(name));
      String pb = other.name.substring(0, other.name.length() - digits(other.name));
      int c = pa.compareTo(pb);
      if (c != 0) return c;
      if (a != b) return Integer.compare(a, b);
    }
    return name.compareTo(other.name);
  }

  private static int digits(String s) {
    int n = 0;
    for (int i = s.length() - 1; i >= 0 && Character.isDigit(s.charAt(i)); i--) n++;
    return n;
  }

  private static int trailingNumber(String s) {
    int d = digits(s);
    if (d == 0 || d > 9) return -1;
    return Integer.parseInt(s.substring(s.length() - d));
  }

  @Override
  public String toString() {
    return name;
  }
}
