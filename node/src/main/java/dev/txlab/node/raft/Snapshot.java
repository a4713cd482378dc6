package dev.txlab.node.raft;

/**
 * A state machine snapshot covering the log up to {@code lastIncludedIndex} (Raft §7). The state is
 * an immutable value produced by {@link StateMachine#snapshot()}.
 */
public record Snapshot(long lastIncludedIndex, long lastIncludedTerm, Object state) {
  public Snapshot {
    if (lastIncludedIndex < 0 || lastIncludedTerm < 0 || state == null) {
      throw new IllegalArgumentException("snapshot needs indexes >= 0 and a state");
    }
  }
}
