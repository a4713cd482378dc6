package dev.txlab.node.kv;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where keys live: {@code shards} Raft groups of {@code replicas} members each, placed on
 * {@code nodes} physical nodes.
 *
 * <ul>
 *   <li>Key → shard: {@code floorMod(FNV-1a-32(UTF-8 bytes of key), shards)}. FNV-1a is fixed and
 *       documented so that every client, in any language, computes the same shard.
 *   <li>Shard {@code s}'s replicas sit on nodes {@code (s + r) mod N} for {@code r = 0…R-1}
 *       (nodes in their given order), as components named {@code shard-s}: spreading shards so
 *       every node holds {@code S·R/N} replicas.
 * </ul>
 */
public record ShardMap(List<NodeId> nodes, int shards, int replicas) {
  public ShardMap {
    nodes = List.copyOf(nodes);
    if (shards < 1) throw new IllegalArgumentException("need at least one shard");
    if (replicas < 1 || replicas > nodes.size()) {
      throw new IllegalArgumentException("replicas must be in [1, nodes=" + nodes.size() + "]: " + replicas);
    }
    if (nodes.stream().distinct().count() != nodes.size()) throw new IllegalArgumentException("duplicate nodes");
  }

  public ShardId shardOf(String key) {
    return ShardId.of(Math.floorMod(fnv1a32(key), shards));
  }

  public List<Address> replicasOf(ShardId shard) {
    if (shard.index() >= shards) throw new IllegalArgumentException("no " + shard + " among " + shards + " shards");
    List<Address> out = new ArrayList<>(replicas);
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
