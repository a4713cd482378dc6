package dev.txlab.chaos.fault;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Turns network faults into what a network can apply: a set of cut directed links.
 *
 * <p>Random shapes ({@code partition halves}, {@code majority-ring}, {@code bridge}) are first
 * {@linkplain #realize realized} into their explicit forms, which is also what a generator writes
 * into a schedule and what a trace prints, so a reader sees which nodes were cut. The shapes:
 *
 * <ul>
 *   <li><b>halves</b>: a random ⌊n/2⌋ nodes against the other ⌈n/2⌉.
 *   <li><b>majority ring</b>: nodes in a ring; each stays connected to the nodes within ring
 *       distance ⌊m/2⌋, m = ⌊n/2⌋+1 the majority size, so each sees at least a majority (itself and
 *       2⌊m/2⌋ ≥ m-1 neighbours) and, from five nodes on, no two see the same one. All other links
 *       are cut.
 *   <li><b>bridge</b>: one random bridge node; the others split into halves that cannot reach each
 *       other, both reaching the bridge.
 * </ul>
 */
public final class Partitions {
  private Partitions() {}

  /** The fewest nodes each random shape needs to cut anything meaningful. */
  public static int minimumNodes(Fault fault) {
    if (fault instanceof Fault.PartitionHalves) {
      return 2;
    } else if (fault instanceof Fault.PartitionMajorityRing
        || fault instanceof Fault.PartitionBridge) {
      return 3;
    }
    return 1;
  }

  /**
   * The explicit form of a random-shaped partition, drawn from {@code random}; any other fault is
   * returned as it is. Groups and sides list nodes in the view's order (the draw decides
   * membership, not the printing order); a ring starts at its node that comes first in view order.
   */
  public static Resolved<Fault> realize(Fault fault, ClusterView view, SplittableRandom random) {
    List<String> nodes = view.nodes();
    if (nodes.size() < minimumNodes(fault)) {
      return Resolved.unresolved(
          "'"
              + fault.text()
              + "' needs at least "
              + minimumNodes(fault)
              + " nodes; the cluster"
              + " has "
              + nodes.size());
    }
    if (fault instanceof Fault.PartitionHalves) {
      List<String> shuffled = TargetResolver.shuffled(nodes, random);
      int half = nodes.size() / 2;
      return Resolved.of(
          new Fault.Partition(
              inViewOrder(
                  List.of(shuffled.subList(0, half), shuffled.subList(half, shuffled.size())),
                  nodes)));
    } else if (fault instanceof Fault.PartitionMajorityRing
        && ((Fault.PartitionMajorityRing) fault).ring().isEmpty()) {
      List<String> ring = TargetResolver.shuffled(nodes, random);
      int first = 0;
      for (int i = 0; i < ring.size(); i++) {
        if (nodes.indexOf(ring.get(i)) < nodes.indexOf(ring.get(first))) {
          first = i;
        }
      }
      List<String> rotated = new ArrayList<>(ring.subList(first, ring.size()));
      rotated.addAll(ring.subList(0, first));
      return Resolved.of(new Fault.PartitionMajorityRing(rotated));
    } else if (fault instanceof Fault.PartitionBridge
        && ((Fault.PartitionBridge) fault).sides().isEmpty()) {
      List<String> shuffled = TargetResolver.shuffled(nodes, random);
      String bridge = shuffled.get(0);
      List<String> rest = shuffled.subList(1, shuffled.size());
      int half = rest.size() / 2;
      List<List<String>> sides =
          inViewOrder(List.of(rest.subList(0, half), rest.subList(half, rest.size())), nodes);
      return Resolved.of(
          new Fault.PartitionBridge(List.of(sides.get(0), List.of(bridge), sides.get(1))));
    }
    return Resolved.of(fault);
  }

  /**
   * The links a network fault cuts, in both directions where it is symmetric, sorted; or why it
   * cannot be applied to this cluster (a node it names is not in it, a role has nobody).
   *
   * @throws IllegalArgumentException if {@code fault} is not a partition or isolation
   */
  public static Resolved<SortedSet<Link>> cutLinks(
      Fault fault, ClusterView view, SplittableRandom random) {
    Resolved<Fault> realized = realize(fault, view, random);
    if (!realized.isResolved()) {
      return Resolved.unresolved(realized.reason());
    }
    Fault concrete = realized.value();
    for (String name : concrete.namedNodes()) {
      if (!view.nodes().contains(name)) {
        return Resolved.unresolved(TargetResolver.notInCluster(name, view));
      }
    }
    List<String> nodes = view.nodes();
    SortedSet<Link> cut = new TreeSet<>();
    if (concrete instanceof Fault.Partition) {
      List<List<String>> groups = new ArrayList<>(((Fault.Partition) concrete).groups());
      List<String> rest = new ArrayList<>(nodes);
      rest.removeAll(concrete.namedNodes());
      if (!rest.isEmpty()) {
        groups.add(rest);
      }
      for (int i = 0; i < groups.size(); i++) {
        for (int j = i + 1; j < groups.size(); j++) {
          cutBetween(groups.get(i), groups.get(j), cut);
        }
      }
    } else if (concrete instanceof Fault.PartitionMajorityRing) {
      List<String> ring = ((Fault.PartitionMajorityRing) concrete).ring();
      int n = ring.size();
      int reach = (n / 2 + 1) / 2;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          int distance = Math.min(j - i, n - (j - i));
          if (distance > reach) {
            cutBetween(List.of(ring.get(i)), List.of(ring.get(j)), cut);
          }
        }
      }
    } else if (concrete instanceof Fault.PartitionBridge) {
      List<List<String>> sides = ((Fault.PartitionBridge) concrete).sides();
      cutBetween(sides.get(0), sides.get(2), cut);
    } else if (concrete instanceof Fault.PartitionOneWay) {
      cut.addAll(((Fault.PartitionOneWay) concrete).links());
    } else if (concrete instanceof Fault.Isolate) {
      Resolved<List<String>> isolated =
          TargetResolver.resolve(((Fault.Isolate) concrete).target(), view, random);
      if (!isolated.isResolved()) {
        return Resolved.unresolved(isolated.reason());
      }
      for (String node : isolated.value()) {
        List<String> others = new ArrayList<>(nodes);
        others.remove(node);
        cutBetween(List.of(node), others, cut);
      }
    } else {
      throw new IllegalArgumentException("not a partition: " + fault.text());
    }
    return Resolved.of(cut);
  }

  private static void cutBetween(List<String> a, List<String> b, SortedSet<Link> cut) {
    for (String x : a) {
      for (String y : b) {
        cut.add(new Link(x, y));
        cut.add(new Link(y, x));
      }
    }
  }

  /** Each group in view order, groups ordered by their first node's place in the view. */
  private static List<List<String>> inViewOrder(List<List<String>> groups, List<String> nodes) {
    List<List<String>> ordered = new ArrayList<>();
    for (List<String> group : groups) {
      ordered.add(TargetResolver.inViewOrder(group, nodes));
    }
    ordered.sort(Comparator.comparingInt(group -> nodes.indexOf(group.get(0))));
    return ordered;
  }
}
