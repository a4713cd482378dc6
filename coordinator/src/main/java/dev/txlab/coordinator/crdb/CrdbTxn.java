package dev.txlab.coordinator.crdb;

import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.ShardId;

/**
 * A transaction as every request carries it (CockroachDB's {@code TxnMeta}): its id, its epoch
 * (incremented by each restart, which keeps the id, the record and the intents), the timestamp it
 * writes at now, its priority (for pushes between writers), and its anchor — the first key it
 * wrote, whose range holds its record.
 */
public record CrdbTxn(
    TxnId id,
    int epoch,
    HlcTimestamp writeTs,
    int priority,
    String anchorKey,
    ShardId anchorRange) {
  public CrdbTxn {
    if (id == null || writeTs == null || epoch < 0)
      throw new IllegalArgumentException("a transaction needs an id, an epoch and a timestamp");
  }

  public CrdbTxn withWriteTs(HlcTimestamp ts) {
    return new CrdbTxn(id, epoch, ts, priority, anchorKey, anchorRange);
  }

  public CrdbTxn withAnchor(String key, ShardId range) {
    return new CrdbTxn(id, epoch, writeTs, priority, key, range);
  }

  /** A restart: the next epoch, at {@code ts}. */
  public CrdbTxn restartedAt(HlcTimestamp ts) {
    return new CrdbTxn(id, epoch + 1, ts, priority, anchorKey, anchorRange);
  }
}
