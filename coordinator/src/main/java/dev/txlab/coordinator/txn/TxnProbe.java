package dev.txlab.coordinator.txn;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;

/**
 * Protocol events reported by participants, coordinators and clients as they happen, for metrics
 * and for the nemesis ("kill the coordinator after prepare"). Implementations time-stamp events
 * with their host's clock. Participant events come from every replica as it applies the entry; a
 * listener that wants one event per shard deduplicates by (shard, txn).
 */
public interface TxnProbe {
  default void lockGranted(ShardId shard, TxnId txn) {}

  /**
   * The same grant with what it locked: the transaction's micro-operations on this shard (a write
   * locks its key exclusively, a read shares it). Only for drawing; metrics need not listen.
   */
  default void locksHeld(ShardId shard, TxnId txn, java.util.List<MicroOp> ops) {}

  default void locksReleased(ShardId shard, TxnId txn) {}

  default void participantPrepared(ShardId shard, TxnId txn, long prepareTs) {}

  default void participantDecided(ShardId shard, TxnId txn, TxnDecision decision, long commitTs) {}

  /**
   * Every participant voted yes; the coordinator at {@code coordinator} is about to log its
   * decision.
   */
  default void coordinatorPrepared(Address coordinator, TxnId txn) {}

  /**
   * The coordinator's decision is durable (logged through Raft, or on the single coordinator's
   * disk).
   */
  default void coordinatorDecided(
      Address coordinator, TxnId txn, TxnDecision decision, long commitTs) {}

  default void commitWaited(Address coordinator, TxnId txn, long waitNanos) {}

  default void clientCommitted(TxnId txn) {}

  default void clientAborted(TxnId txn, String cause) {}

  default void clientRetried(TxnId txn) {}

  default void clientUnknown(TxnId txn, String cause) {}

  TxnProbe NONE = new TxnProbe() {};
}
