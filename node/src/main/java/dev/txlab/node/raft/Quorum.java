package dev.txlab.node.raft;

import java.util.Arrays;

/** Majority arithmetic. Pure functions. */
public final class Quorum {
  private Quorum() {}

  /** The smallest majority of {@code members} voters. */
  public static int majority(int members) {
    if (members < 1)
      throw new IllegalArgumentException("a group has at least one member: " + members);
    return members / 2 + 1;
  }

  /**
   * The highest value that a majority has reached: with each member's match index, the index
   * replicated on a majority (Figure 2, "N such that a majority of matchIndex[i] ≥ N").
   */
  public static long majorityValue(long[] values) {
    if (values.length == 0) throw new IllegalArgumentException("no values");
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    // Sorted ascending, the majority-th largest is at length - majority.
    return sorted[sorted.length - majority(sorted.length)];
  }
}
