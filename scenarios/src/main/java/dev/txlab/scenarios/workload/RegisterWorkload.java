package dev.txlab.scenarios.workload;

import dev.txlab.node.api.RandomSource;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.KvWorkload;
import dev.txlab.node.kv.ShardMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Jepsen's register workload over independent keys: each operation picks one of a few keys per
 * shard and reads it, writes a value 0–4, or compares-and-sets one such value for another, a third
 * of the time each. Small values make collisions (and so ambiguity) likely, which is what gives a
 * linearizability checker something to decide.
 *
 * <p>Keys are decimal numbers ({@code "0"}, {@code "1"}, …) chosen so that every shard gets {@code
 * keysPerShard} of them; in the history each value is a {@code [key value]} tuple, as Jepsen's
 * {@code independent} generator writes it.
 */
public final class RegisterWorkload implements KvWorkload {
  static final int VALUES = 5;

  private final List<String> keys;
  private boolean stopped;

  public RegisterWorkload(List<String> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a register workload needs keys");
    }
    this.keys = List.copyOf(keys);
  }

  /** The first {@code keysPerShard} decimal keys of each shard, in numeric order. */
  public static List<String> keysFor(ShardMap map, int keysPerShard) {
    return keysFor(map, keysPerShard, 0);
  }

  /**
   * The first {@code keysPerShard} decimal keys of each shard from {@code base} on, in numeric
   * order: a live run's keys start at a fresh base so no earlier run has written them.
   */
  public static List<String> keysFor(ShardMap map, int keysPerShard, long base) {
    int[] count = new int[map.shards()];
    List<String> keys = new ArrayList<>();
    int needed = map.shards() * keysPerShard;
    // Bounded: FNV-1a spreads decimal keys evenly, so a few times the count always suffices.
    for (long k = base; keys.size() < needed && k < base + 1000L * needed + 1000; k++) {
      String key = Long.toString(k);
      ShardId s = map.shardOf(key);
      if (count[s.index()] < keysPerShard) {
        count[s.index()]++;
        keys.add(key);
      }
    }
    if (keys.size() < needed) {
      throw new IllegalStateException("could not find " + keysPerShard + " keys for every shard");
    }
    return keys;
  }

  /** From now on every client that asks for an operation is told it is done. */
  public void stop() {
    stopped = true;
  }

  @Override
  public KvOp next(RandomSource random) {
    if (stopped) {
      return null;
    }
    String key = keys.get(random.nextInt(keys.size()));
    switch (random.nextInt(3)) {
      case 0:
        return new KvOp.Get(key);
      case 1:
        return new KvOp.Put(key, Integer.toString(random.nextInt(VALUES)));
      default:
        return new KvOp.Cas(
            key,
            Integer.toString(random.nextInt(VALUES)),
            Integer.toString(random.nextInt(VALUES)));
    }
  }
}
