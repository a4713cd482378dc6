package dev.txlab.chaos.fault;

/**
 * A directed link between two physical nodes: messages from {@code from} to {@code to}. A one-way
 * partition cuts links; a symmetric partition cuts both directions.
 */
public record Link(String from, String to) implements Comparable<Link> {
  public Link {
    if (!Names.isNodeName(from) || !Names.isNodeName(to)) {
      throw new IllegalArgumentException("not a link between node names: " + from + "->" + to);
    }
    if (from.equals(to)) {
      throw new IllegalArgumentException("a link joins two different nodes: " + from);
    }
  }

  /** {@code n1->n2}. */
  public String text() {
    return from + "->" + to;
  }

  @Override
  public String toString() {
    return text();
  }

  public Link reversed() {
    return new Link(to, from);
  }

  @Override
  public int compareTo(Link other) {
    int byFrom = NodeOrder.compare(from, other.from);
    return byFrom != 0 ? byFrom : NodeOrder.compare(to, other.to);
  }
}
