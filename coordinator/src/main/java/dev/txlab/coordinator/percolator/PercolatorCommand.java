package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.raft.Command;
import java.util.List;

/**
 * What a data shard replicates through Raft (TiKV's transactional commands). Each is evaluated when
 * its entry is applied, so every replica computes the same outcome; the leader answers its sender.
 * Timestamps are the oracle's ({@link TsoTimestamp}); {@code txn} names the transaction on whose
 * behalf a request is made (what a trace files it under), null for the lock scanner's.
 */
public sealed interface PercolatorCommand extends Command {
  long requestId();

  TxnId txn();

  /** A snapshot read of {@code key} at {@code startTs}. */
  record Get(long requestId, TxnId txn, String key, long startTs) implements PercolatorCommand {}

  /** A value to write under a lock. */
  record Mutation(String key, String value) {}

  /**
   * Locks every key of {@code mutations} for the transaction of {@code startTs}, whose primary key
   * is {@code primary}, after the write-write conflict check; all or none on this shard.
   */
  record Prewrite(
      long requestId, TxnId txn, long startTs, String primary, List<Mutation> mutations, long ttlMs)
      implements PercolatorCommand {
    public Prewrite {
      mutations = List.copyOf(mutations);
      if (mutations.isEmpty()) throw new IllegalArgumentException("a prewrite writes something");
    }
  }

  /**
   * Turns the locks of {@code startTs} on {@code keys} into writes at {@code commitTs}. On the
   * primary key alone, this is the transaction's commit point.
   */
  record Commit(long requestId, TxnId txn, long startTs, long commitTs, List<String> keys)
      implements PercolatorCommand {
    public Commit {
      keys = List.copyOf(keys);
      if (commitTs <= startTs) throw new IllegalArgumentException("commit_ts must exceed start_ts");
    }
  }

  /**
   * Removes the locks of {@code startTs} on {@code keys} and leaves a rollback record, so a late
   * prewrite or commit of that transaction fails there.
   */
  record Rollback(long requestId, TxnId txn, long startTs, List<String> keys)
      implements PercolatorCommand {
    public Rollback {
      keys = List.copyOf(keys);
    }
  }

  /**
   * On the primary's shard: has the transaction of {@code lockTs} committed? If its primary lock's
   * time to live ran out by {@code currentTs}, it is rolled back now; if there is no lock and no
   * record and {@code rollbackIfMissing}, a rollback record is left (the primary's prewrite, if it
   * ever arrives, then fails).
   */
  record CheckTxnStatus(
      long requestId,
      TxnId txn,
      String primary,
      long lockTs,
      long currentTs,
      boolean rollbackIfMissing)
      implements PercolatorCommand {}

  /**
   * Settles the locks of {@code lockTs} on {@code keys} as their primary decided: committed at
   * {@code commitTs}, or rolled back ({@code commitTs == 0}).
   */
  record ResolveLock(long requestId, TxnId txn, long lockTs, long commitTs, List<String> keys)
      implements PercolatorCommand {
    public ResolveLock {
      keys = List.copyOf(keys);
    }
  }

  /** The locks of transactions that started before {@code maxTs}, at most {@code limit}. */
  record ScanLocks(long requestId, TxnId txn, long maxTs, int limit) implements PercolatorCommand {}
}
