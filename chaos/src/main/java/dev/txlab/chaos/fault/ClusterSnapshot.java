package dev.txlab.chaos.fault;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link ClusterView} frozen at one moment, as a value: what the live CLI builds from the nodes'
 * {@code GET /status} answers before resolving {@code isolate leader:shard-1}, and what a trace can
 * record next to the nodes a role resolved to.
 *
 * @param nodes the physical nodes in configured order
 * @param shards the shards in configured order
 * @param leaders the known leader of each shard that has one
 * @param coordinatorNode the node of the next transaction's coordinator, or null if unknown
 */
public record ClusterSnapshot(
    List<String> nodes,
    List<String> shards,
    SortedMap<String, String> leaders,
    String coordinatorNode)
    implements ClusterView {

  public ClusterSnapshot {
    nodes = List.copyOf(nodes);
    shards = List.copyOf(shards);
    leaders = new TreeMap<>(leaders);
    for (Map.Entry<String, String> leader : leaders.entrySet()) {
      if (!shards.contains(leader.getKey()) || !nodes.contains(leader.getValue())) {
        throw new IllegalArgumentException(
            "leader " + leader.getValue() + " of " + leader.getKey() + " is not in the cluster");
      }
    }
    if (coordinatorNode != null && !nodes.contains(coordinatorNode)) {
      throw new IllegalArgumentException("coordinator " + coordinatorNode + " is not a node");
    }
  }

  /** A cluster's shape with no leader or coordinator known yet. */
  public static ClusterSnapshot of(List<String> nodes, List<String> shards) {
    return new ClusterSnapshot(nodes, shards, new TreeMap<>(), null);
  }

  public ClusterSnapshot withLeader(String shard, String node) {
    SortedMap<String, String> copy = new TreeMap<>(leaders);
    copy.put(shard, node);
    return new ClusterSnapshot(nodes, shards, copy, coordinatorNode);
  }

  public ClusterSnapshot withCoordinator(String node) {
    return new ClusterSnapshot(nodes, shards, leaders, node);
  }

  @Override
  public SortedMap<String, String> leaders() {
    return new TreeMap<>(leaders);
  }

  @Override
  public Optional<String> leaderOf(String shard) {
    return Optional.ofNullable(leaders.get(shard));
  }

  @Override
  public Optional<String> coordinator() {
    return Optional.ofNullable(coordinatorNode);
  }
}
