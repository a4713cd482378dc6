package dev.txlab.coordinator.protocol;

import dev.txlab.node.api.NodeId;
import java.util.List;

/**
 * A cluster's shape: server nodes {@code n1…nN}, {@code shards} shards of {@code replicas} replicas
 * each, placed by the default rotation or by {@code placement} (for each shard in order, the nodes
 * of its replicas).
 */
public record Topology(int nodes, int shards, int replicas, List<List<NodeId>> placement) {
  public Topology {
    placement = placement.stream().map(List::copyOf).toList();
    if (nodes < 1 || shards < 1 || replicas < 1 || replicas > nodes) {
      throw new IllegalArgumentException("need nodes >= replicas >= 1 and shards >= 1");
    }
  }
}
