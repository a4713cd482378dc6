package dev.txlab.node.raft;

import dev.txlab.node.api.Address;

/**
 * Figure 2's persistent state besides the log: {@code currentTerm} and {@code votedFor} (nullable).
 */
public record HardState(long currentTerm, Address votedFor) {
  public HardState {
    if (currentTerm < 0) throw new IllegalArgumentException("term < 0");
  }
}
