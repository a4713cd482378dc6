package dev.txlab.coordinator.participant;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.raft.Command;
import java.util.List;

/**
 * The commands a transactional shard replicates through Raft. Everything the participant knows —
 * lock grants and waits, prepare records, decisions, closed timestamps — enters the state machine
 * through one of these, so a new leader knows it all after failover.
 */
public sealed interface TxnCommand extends Command {
  /** Acquire the locks {@code ops} need (all at once, wound-wait) and execute them when granted. */
  record Lock(TxnId txn, long priority, Address client, List<MicroOp> ops) implements TxnCommand {
    public Lock {
      ops = List.copyOf(ops);
    }
  }

  /**
   * Prepare: the prepare timestamp becomes {@code max(candidateTs, every timestamp seen + 1)},
   * fixed at apply so every replica agrees on it.
   */
  record Prepare(TxnId txn, long candidateTs, ShardId coordinatorShard, List<ShardId> participants)
      implements TxnCommand {
    public Prepare {
      participants = List.copyOf(participants);
    }
  }

  /**
   * A participant applies the decision its coordinator announced. It must match any earlier one.
   */
  record Decide(TxnId txn, TxnDecision decision, long commitTs) implements TxnCommand {}

  /**
   * The coordinator's decision record (the coordinator's group is also a participant, so it applies
   * it too). The first record for a transaction in the log is the decision; later proposals — by a
   * new leader that started collecting votes again before it had applied its predecessor's record,
   * or a presumed abort racing a commit — are ignored. Only applied decisions are ever announced.
   * Its {@code participants} must all acknowledge the decision before the record may be forgotten
   * ({@link End}).
   */
  record CoordinatorDecide(
      TxnId txn, TxnDecision decision, long commitTs, List<ShardId> participants)
      implements TxnCommand {
    public CoordinatorDecide {
      participants = List.copyOf(participants);
    }
  }

  /**
   * Every participant of these transactions, coordinated here, has applied their decision (presumed
   * abort's end record): no one can be in doubt about them any more, so their decision records may
   * be forgotten once their clients have moved past them.
   */
  record End(List<TxnId> txns) implements TxnCommand {
    public End {
      txns = List.copyOf(txns);
    }
  }

  /** Abort an attempt that is not prepared (client abort, cooperative termination). */
  record Release(TxnId txn, String cause) implements TxnCommand {}

  /**
   * A closed timestamp: no later prepare on this shard gets a timestamp ≤ {@code ts}; this is what
   * lets a replica's safe time advance on an idle shard.
   */
  record SafeTime(long ts) implements TxnCommand {}
}
