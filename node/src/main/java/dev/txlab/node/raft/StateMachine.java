package dev.txlab.node.raft;

/**
 * The deterministic state machine a Raft group replicates. Every replica applies the same committed
 * commands in the same order and must reach the same state.
 */
public interface StateMachine {
  /** Applies the committed entry; the result goes back to whoever proposed it. */
  Object apply(LogEntry entry);

  /** An immutable value capturing the state after the last applied entry. */
  Object snapshot();

  /**
   * Replaces the state with a snapshot taken by {@link #snapshot()} (possibly on another replica).
   */
  void restore(Object snapshot);
}
