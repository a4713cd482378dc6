package dev.txlab.node.raft;

import dev.txlab.node.api.Address;

/** What the process hosting a {@link RaftReplica} hears back from it, besides applied entries. */
public interface RaftListener {
  /** The role, term or known leader changed. */
  default void onRoleChanged(Role role, long term, Address leaderId) {}

  /**
   * A read requested with {@link RaftReplica#requestRead} may now be served from the state machine.
   */
  default void onReadReady(long readId) {}

  /**
   * A requested read can no longer be confirmed (leadership lost; on a follower, its leader lost or
   * changed, a refusal, or a request left unanswered); the caller should redirect.
   */
  default void onReadFailed(long readId) {}
}
