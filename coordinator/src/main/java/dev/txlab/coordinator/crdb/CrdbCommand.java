package dev.txlab.coordinator.crdb;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.raft.Command;
import java.util.List;

/**
 * What a range replicates through Raft. Each request is evaluated when its entry is applied, so
 * every replica computes the same outcome; the leaseholder (the Raft leader here) answers its
 * sender with it. Requests carry a {@code requestId} to match answers, and {@code now}, the
 * proposing leaseholder's clock reading, where the outcome depends on time (heartbeat expiry).
 */
public sealed interface CrdbCommand extends Command {
  long requestId();

  /** The transaction on whose behalf the request is made (what a trace files it under). */
  TxnId transaction();

  /** A transactional read of {@code key} at {@code readTs}, uncertain up to {@code limit}. */
  record Get(long requestId, CrdbTxn txn, String key, HlcTimestamp readTs, HlcTimestamp limit)
      implements CrdbCommand {
    @Override
    public TxnId transaction() {
      return txn.id();
    }
  }

  /**
   * A write ({@link MicroOp.Kind#WRITE}) or an append ({@link MicroOp.Kind#APPEND}: a read at
   * {@code readTs} then a write) leaving an intent; {@code anchor} creates the transaction's record
   * here. {@code seq} numbers the transaction's writes within an epoch: a write whose intent is
   * already there with this sequence number or a later one is a replay (a resend), not applied
   * again — an append must not append twice.
   */
  record Put(
      long requestId,
      CrdbTxn txn,
      int seq,
      MicroOp op,
      HlcTimestamp readTs,
      HlcTimestamp limit,
      boolean anchor,
      HlcTimestamp now)
      implements CrdbCommand {
    @Override
    public TxnId transaction() {
      return txn.id();
    }
  }

  /** Commit (at the transaction's write timestamp) or abort, on the record's range. */
  record EndTxn(long requestId, CrdbTxn txn, boolean commit) implements CrdbCommand {
    @Override
    public TxnId transaction() {
      return txn.id();
    }
  }

  /**
   * Keeps a pending record alive; {@code waitingOn} is the transaction it is blocked on, if any.
   */
  record Heartbeat(long requestId, CrdbTxn txn, HlcTimestamp now, CrdbTxn waitingOn)
      implements CrdbCommand {
    @Override
    public TxnId transaction() {
      return txn.id();
    }
  }

  enum PushType {
    /** A reader: push the pushee's commit timestamp above {@code pushTo}. */
    TIMESTAMP,
    /** A writer: abort the pushee (if it has a lower priority, expired, or {@code force}). */
    ABORT
  }

  /** Pushes the pushee's record (on its anchor range). */
  record Push(
      long requestId,
      CrdbTxn pushee,
      CrdbTxn pusher,
      PushType type,
      HlcTimestamp pushTo,
      boolean force,
      HlcTimestamp now)
      implements CrdbCommand {
    @Override
    public TxnId transaction() {
      return pusher.id();
    }
  }

  /** Reads a record (deadlock detection follows the waits-for chain through these). */
  record QueryTxn(long requestId, TxnId id) implements CrdbCommand {
    @Override
    public TxnId transaction() {
      return id;
    }
  }

  /**
   * Resolves the transaction's intents on {@code keys}: committed ones become versions at {@code
   * ts} (intents of an earlier epoch than {@code epoch} are dropped), aborted ones go, pending ones
   * (after a timestamp push) move up to {@code ts}.
   */
  record Resolve(
      long requestId,
      TxnId id,
      int epoch,
      List<String> keys,
      CrdbRange.Status status,
      HlcTimestamp ts)
      implements CrdbCommand {
    @Override
    public TxnId transaction() {
      return id;
    }

    public Resolve {
      keys = List.copyOf(keys);
    }
  }

  /**
   * Checks that nothing was written on {@code keys} in {@code (from, to]}, so reads done at {@code
   * from} still hold at {@code to}; on success the reads are recorded at {@code to}.
   */
  record Refresh(long requestId, TxnId id, List<String> keys, HlcTimestamp from, HlcTimestamp to)
      implements CrdbCommand {
    @Override
    public TxnId transaction() {
      return id;
    }

    public Refresh {
      keys = List.copyOf(keys);
    }
  }

  /** Forgets a finished record once its intents are resolved. */
  record GcRecord(long requestId, TxnId id) implements CrdbCommand {
    @Override
    public TxnId transaction() {
      return id;
    }
  }
}
