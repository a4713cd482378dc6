package dev.txlab.chaos.fault;

import java.util.List;
import java.util.Optional;

/**
 * What the nemesis needs to know about a cluster to turn role targets into nodes: its nodes, its
 * shards, and who currently leads and coordinates. The simulator and the live host each provide one
 * (from their own state, or from {@code GET /status}); tests use a fixed one.
 *
 * <p>Lists must come in a stable order (the cluster's configured order), never from hash iteration:
 * random choices among them index into these lists, so the order is part of what makes a seed
 * reproduce a run.
 */
public interface ClusterView {

  /** The physical nodes, {@code n1, n2, …}, in configured order. */
  List<String> nodes();

  /** The shards, {@code shard-1, …}, in configured order. */
  List<String> shards();

  /** The node currently leading {@code shard}'s Raft group, if one is known. */
  Optional<String> leaderOf(String shard);

  /**
   * The node hosting the coordinator the next transaction would use (classic 2PC: the node of the
   * single coordinator process; Spanner-style: the leader of the coordinator group the next
   * transaction would pick), if known.
   */
  Optional<String> coordinator();

  /** A view of a cluster's shape with no leader or coordinator known, for planning. */
  static ClusterView ofShape(List<String> nodes, List<String> shards) {
    return ClusterSnapshot.of(nodes, shards);
  }
}
