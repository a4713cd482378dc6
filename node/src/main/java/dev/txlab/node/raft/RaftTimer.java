package dev.txlab.node.raft;

import dev.txlab.node.api.Timer;

/** Raft's timers. Each carries what makes it recognisable as stale; none is ever cancelled. */
public sealed interface RaftTimer extends Timer {
  /** Checks the election deadline. Stale unless {@code epoch} is the replica's current one. */
  record ElectionTimeout(long epoch) implements RaftTimer {}

  /** The leader's periodic tick. Stale unless the replica still leads in {@code term}. */
  record HeartbeatTick(long term) implements RaftTimer {}
}
