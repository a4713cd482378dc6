package dev.txlab.node.api;

/** One shard of the key space; each shard is a Raft group. Printed as {@code shard-2}. */
public record ShardId(int index) implements Comparable<ShardId> {
  public ShardId {
    if (index < 0) throw new IllegalArgumentException("shard index must be >= 0: " + index);
  }

  public static ShardId of(int index) {
    return new ShardId(index);
  }

  private static final String[] NAMES = new String[256];

  static {
    for (int i = 0; i < NAMES.length; i++) NAMES[i] = "shard-" + i;
  }

  /** The component name of this shard's replica on a node. */
  public String component() {
    return index < NAMES.length ? NAMES[index] : "shard-" + index;
  }

  @Override
  public int compareTo(ShardId other) {
    return Integer.compare(index, other.index);
  }

  @Override
  public String toString() {
    return component();
  }
}
