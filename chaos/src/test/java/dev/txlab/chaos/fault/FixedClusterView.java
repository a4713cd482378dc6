package dev.txlab.chaos.fault;

import java.util.ArrayList;
import java.util.List;

/** Test clusters of the usual shape: nodes n1…nN, shards shard-1…shard-M. */
public final class FixedClusterView {
  private FixedClusterView() {}

  public static ClusterSnapshot of(int nodeCount, int shardCount) {
    List<String> nodes = new ArrayList<>();
    for (int i = 1; i <= nodeCount; i++) {
      nodes.add("n" + i);
    }
    List<String> shards = new ArrayList<>();
    for (int i = 1; i <= shardCount; i++) {
      shards.add("shard-" + i);
    }
    return ClusterSnapshot.of(nodes, shards);
  }
}
