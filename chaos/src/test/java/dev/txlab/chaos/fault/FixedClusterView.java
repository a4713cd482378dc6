package dev.txlab.chaos.fault;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A cluster view whose leaders and coordinator are fixed by the test. */
public record FixedClusterView(
    List<String> nodes, List<String> shards, Map<String, String> leaders, String coordinatorNode)
    implements ClusterView {

  public static FixedClusterView of(int nodeCount, int shardCount) {
    List<String> nodes = new java.util.ArrayList<>();
    for (int i = 1; i <= nodeCount; i++) {
      nodes.add("n" + i);
    }
    List<String> shards = new java.util.ArrayList<>();
    for (int i = 1; i <= shardCount; i++) {
      shards.add("shard-" + i);
    }
    return new FixedClusterView(List.copyOf(nodes), List.copyOf(shards), Map.of(), null);
  }

  public FixedClusterView withLeader(String shard, String node) {
    Map<String, String> copy = new java.util.TreeMap<>(leaders);
    copy.put(shard, node);
    return new FixedClusterView(nodes, shards, copy, coordinatorNode);
  }

  public FixedClusterView withCoordinator(String node) {
    return new FixedClusterView(nodes, shards, leaders, node);
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
