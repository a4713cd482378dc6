package dev.txlab.node.sim;

import dev.txlab.node.api.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Partition shapes, each returned as the set of directed links to cut. Nodes are taken in their
 * natural order ({@code n1, n2, …}) so a shape is a pure function of the node list.
 */
public final class PartitionShapes {
  private PartitionShapes() {}

  /**
   * Cuts every link between different groups (both directions). Nodes in no group are untouched.
   */
  public static Set<SimLink> between(List<? extends Set<NodeId>> groups) {
    Set<SimLink> cut = new TreeSet<>();
    for (int i = 0; i < groups.size(); i++) {
      for (int j = 0; j < groups.size(); j++) {
        if (i == j) continue;
        for (NodeId a : groups.get(i)) {
          for (NodeId b : groups.get(j)) {
            if (!a.equals(b)) cut.add(new SimLink(a, b));
          }
        }
      }
    }
    return cut;
  }

  /** Two halves; the first (larger when odd) is the first ⌈n/2⌉ nodes. */
  public static Set<SimLink> halves(Set<NodeId> nodes) {
    List<NodeId> all = new ArrayList<>(new TreeSet<>(nodes));
    int mid = (all.size() + 1) / 2;
    return between(
        List.of(new TreeSet<>(all.subList(0, mid)), new TreeSet<>(all.subList(mid, all.size()))));
  }

  /** One node cut off from every other. */
  public static Set<SimLink> isolate(NodeId node, Set<NodeId> nodes) {
    Set<NodeId> rest = new TreeSet<>(nodes);
    rest.remove(node);
    return between(List.of(new TreeSet<>(Set.of(node)), rest));
  }

  /**
   * Jepsen's bridge: two halves that cannot talk to each other, and one node in the middle that
   * talks to both.
   */
  public static Set<SimLink> bridge(Set<NodeId> nodes) {
    List<NodeId> all = new ArrayList<>(new TreeSet<>(nodes));
    int mid = all.size() / 2;
    Set<NodeId> left = new TreeSet<>(all.subList(0, mid));
    Set<NodeId> right = new TreeSet<>(all.subList(mid + 1, all.size()));
    return between(List.of(left, right));
  }

  /**
   * Every node sees a majority (itself and its nearest ring neighbours) but no two nodes see the
   * same majority.
   */
  public static Set<SimLink> majorityRing(Set<NodeId> nodes) {
    List<NodeId> all = new ArrayList<>(new TreeSet<>(nodes));
    int n = all.size();
    int others = n / 2; // a majority is n/2 + 1 including itself
    int reachLeft = others / 2;
    int reachRight = others - reachLeft;
    Set<SimLink> cut = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i == j) continue;
        int forward = Math.floorMod(j - i, n);
        int backward = Math.floorMod(i - j, n);
        boolean connected = forward <= reachRight || backward <= reachLeft;
        // Keep links symmetric: connected if either end reaches the other.
        int forward2 = Math.floorMod(i - j, n);
        int backward2 = Math.floorMod(j - i, n);
        connected = connected || forward2 <= reachRight || backward2 <= reachLeft;
        if (!connected) cut.add(new SimLink(all.get(i), all.get(j)));
      }
    }
    return cut;
  }

  /** Messages from {@code from} to {@code to} are lost; the other direction works. */
  public static Set<SimLink> oneWay(NodeId from, NodeId to) {
    return Set.of(new SimLink(from, to));
  }
}
