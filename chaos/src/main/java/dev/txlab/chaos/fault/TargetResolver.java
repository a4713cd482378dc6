package dev.txlab.chaos.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Turns a {@link Target} into the concrete nodes it means right now, against a {@link ClusterView}.
 * Random roles ({@code random}, {@code minority}, {@code majority}) draw from the random source the
 * caller passes in — a fork of the run's seeded source — and nothing else, so one seed and one
 * sequence of views give one sequence of choices.
 *
 * <p>Resolved nodes are listed in the view's node order, whatever order they were drawn in, so that
 * traces read the same way every time.
 */
public final class TargetResolver {
  private TargetResolver() {}

  public static Resolved<List<String>> resolve(
      Target target, ClusterView view, SplittableRandom random) {
    List<String> nodes = view.nodes();
    if (target instanceof Target.Nodes) {
      List<String> names = ((Target.Nodes) target).names();
      for (String name : names) {
        if (!nodes.contains(name)) {
          return Resolved.unresolved(notInCluster(name, view));
        }
      }
      return Resolved.of(inViewOrder(names, nodes));
    } else if (target instanceof Target.LeaderOf) {
      String shard = ((Target.LeaderOf) target).shard();
      if (!view.shards().contains(shard)) {
        return Resolved.unresolved(
            "no shard '" + shard + "' in the cluster (" + String.join(", ", view.shards()) + ")");
      }
      Optional<String> leader = view.leaderOf(shard);
      return leader
          .map(node -> Resolved.of(List.of(node)))
          .orElseGet(() -> Resolved.unresolved(shard + " has no leader right now"));
    } else if (target instanceof Target.Role) {
      return resolveRole(((Target.Role) target).kind(), view, random);
    }
    throw new IllegalStateException("unhandled target type: " + target.getClass());
  }

  private static Resolved<List<String>> resolveRole(
      Target.RoleKind kind, ClusterView view, SplittableRandom random) {
    List<String> nodes = view.nodes();
    if (nodes.isEmpty()) {
      return Resolved.unresolved("the cluster has no nodes");
    }
    switch (kind) {
      case COORDINATOR:
        return view.coordinator()
            .map(node -> Resolved.of(List.of(node)))
            .orElseGet(() -> Resolved.unresolved("no coordinator is known right now"));
      case MINORITY:
        int minority = (nodes.size() - 1) / 2;
        if (minority == 0) {
          return Resolved.unresolved(
              "a cluster of " + nodes.size() + " node(s) has no non-empty minority");
        }
        return Resolved.of(choose(nodes, minority, random));
      case MAJORITY:
        return Resolved.of(choose(nodes, nodes.size() / 2 + 1, random));
      case RANDOM:
        return Resolved.of(choose(nodes, 1, random));
      case ALL:
        return Resolved.of(nodes);
      default:
        throw new IllegalStateException("unhandled role: " + kind);
    }
  }

  /**
   * {@code count} distinct nodes drawn uniformly, returned in {@code nodes}' order. A partial
   * Fisher–Yates shuffle draws exactly {@code count} numbers from {@code random}.
   */
  public static List<String> choose(List<String> nodes, int count, SplittableRandom random) {
    if (count < 0 || count > nodes.size()) {
      throw new IllegalArgumentException("cannot choose " + count + " of " + nodes.size());
    }
    List<String> pool = new ArrayList<>(nodes);
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(pool.size() - i);
      String chosen = pool.get(j);
      pool.set(j, pool.get(i));
      pool.set(i, chosen);
    }
    return inViewOrder(pool.subList(0, count), nodes);
  }

  /** A uniformly shuffled copy (a full Fisher–Yates shuffle). */
  public static List<String> shuffled(List<String> nodes, SplittableRandom random) {
    List<String> pool = new ArrayList<>(nodes);
    for (int i = pool.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      String swapped = pool.get(j);
      pool.set(j, pool.get(i));
      pool.set(i, swapped);
    }
    return pool;
  }

  static List<String> inViewOrder(List<String> chosen, List<String> nodes) {
    List<String> ordered = new ArrayList<>();
    for (String node : nodes) {
      if (chosen.contains(node)) {
        ordered.add(node);
      }
    }
    return List.copyOf(ordered);
  }

  static String notInCluster(String name, ClusterView view) {
    return "node '" + name + "' is not in the cluster (" + String.join(", ", view.nodes()) + ")";
  }
}
