package dev.txlab.node.raft;

import dev.txlab.node.api.Timer;

/** Raft's timers. Each carries what makes it recognisable as stale; none is ever cancelled. */
public sealed interface RaftTimer extends Timer {
  /** Checks the election deadline. Stale unless {@code epoch} is the replica's current one. */
  record ElectionTimeout(long epoch) implements RaftTimer {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("ElectionTimeout[")
          .append("epoch=")
          .append(epoch)
          .append(']')
          .toString();
    }
  }

  /** The leader's periodic tick. Stale unless the replica still leads in {@code term}. */
  record HeartbeatTick(long term) implements RaftTimer {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("HeartbeatTick[")
          .append("term=")
          .append(term)
          .append(']')
          .toString();
    }
  }

  /**
   * A group of one: the entries up to {@code index} appended in {@code term} are durable now. Set
   * in the step that appends them; a host releases a step's timers only once its writes are
   * durable, so when this fires they are, and the leader may count itself for them.
   */
  record Persisted(long term, long index) implements RaftTimer {}
}
