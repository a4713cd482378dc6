package dev.txlab.coordinator.txn;

import dev.txlab.node.api.TrueTimeInterval;

/**
 * Commit wait (Spanner §4.1.2): no one may learn that a transaction committed at {@code s} until
 * {@code TT.after(s)}, i.e. {@code s < TT.now().earliest}; then {@code s} is in the past for every
 * clock within ε, so any transaction that starts afterwards gets a larger timestamp.
 */
public final class CommitWait {
  private CommitWait() {}

  /**
   * How long to wait from {@code now} before {@code TT.after(commitTs)} can hold; 0 if it holds.
   */
  public static long remainingNanos(long commitTs, TrueTimeInterval now) {
    return now.after(commitTs) ? 0 : commitTs - now.earliest() + 1;
  }
}
