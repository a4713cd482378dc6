package dev.txlab.node.kv;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where keys live: {@code shards} Raft groups of {@code replicas} members each, placed on {@code
 * nodes} physical nodes.
 *
 * <ul>
 *   <li>Key → shard: {@code floorMod(FNV-1a-32(UTF-8 bytes of key), shards)}. FNV-1a is fixed and
 *       documented so that every client, in any language, computes the same shard.
 *   <li>Shard {@code s}'s replicas sit on nodes {@code (s + r) mod N} for {@code r = 0…R-1} (nodes
 *       in their given order), as components named {@code shard-s}: spreading shards so every node
 *       holds {@code S·R/N} replicas — unless {@code placement} lists, for each shard in order, the
 *       nodes of its replicas.
 * </ul>
 */
public record ShardMap(List<NodeId> nodes, int shards, int replicas, List<List<NodeId>> placement) {
  public ShardMap(List<NodeId> nodes, int shards, int replicas) {
    this(nodes, shards, replicas, List.of());
  }

  public ShardMap {
    nodes = List.copyOf(nodes);
    placement = placement.stream().map(List::copyOf).toList();
    if (shards < 1) throw new IllegalArgumentException("need at least one shard");
    if (replicas < 1 || replicas > nodes.size()) {
      throw new IllegalArgumentException(
          "replicas must be in [1, nodes=" + nodes.size() + "]: " + replicas);
    }
    if (nodes.stream().distinct().count() != nodes.size())
      throw new IllegalArgumentException("duplicate nodes");
    if (!placement.isEmpty()) {
      if (placement.size() != shards)
        throw new IllegalArgumentException(
            "placement lists " + placement.size() + " shards, the cluster has " + shards);
      for (int s = 0; s < shards; s++) {
        List<NodeId> on = placement.get(s);
        if (on.size() != replicas)
          throw new IllegalArgumentException(
              "shard-" + s + " is placed on " + on.size() + " nodes, not " + replicas);
        if (on.stream().distinct().count() != on.size())
          throw new IllegalArgumentException("shard-" + s + " is placed twice on one node");
        for (NodeId n : on)
          if (!nodes.contains(n))
            throw new IllegalArgumentException(
                "shard-" + s + " is placed on " + n + ", which is not a node");
      }
    }
  }

  public ShardId shardOf(String key) {
    return ShardId.of(Math.floorMod(fnv1a32(key), shards));
  }

  public List<Address> replicasOf(ShardId shard) {
    if (shard.index() >= shards)
      throw new IllegalArgumentException("no " + shard + " among " + shards + " shards");
    List<Address> out = new ArrayList<>(replicas);
    if (!placement.isEmpty()) {
      for (NodeId n : placement.get(shard.index())) out.add(Address.of(n, shard.component()));
      return out;
    }
    for (int r = 0; r < replicas; r++) {
      out.add(Address.of(nodes.get((shard.index() + r) % nodes.size()), shard.component()));
    }
    return out;
  }

  public List<ShardId> allShards() {
    List<ShardId> out = new ArrayList<>();
    for (int s = 0; s < shards; s++) out.add(ShardId.of(s));
    return out;
  }

  /** 32-bit FNV-1a over the key's UTF-8 bytes. */
  public static int fnv1a32(String key) {
    int h = 0x811c9dc5;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }
}
