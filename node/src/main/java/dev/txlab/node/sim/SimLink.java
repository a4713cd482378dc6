package dev.txlab.node.sim;

import dev.txlab.node.api.NodeId;

/** A directed link between two physical nodes. */
public record SimLink(NodeId from, NodeId to) implements Comparable<SimLink> {
  public SimLink {
    if (from == null || to == null) throw new IllegalArgumentException("link needs both ends");
  }

  @Override
  public int compareTo(SimLink o) {
    int c = from.compareTo(o.from);
    return c != 0 ? c : to.compareTo(o.to);
  }

  @Override
  public String toString() {
    return from + "->" + to;
  }
}
