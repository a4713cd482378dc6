package dev.txlab.coordinator.txn;

import dev.txlab.node.api.Message;
import dev.txlab.node.api.ShardId;
import java.util.List;

/**
 * The transaction protocol's messages (both protocols share them; only who coordinates differs). A
 * request to a shard goes to every replica of the shard; only the leader acts on it, so a client or
 * coordinator never needs to know who leads. Replies to requests that need the log are sent after
 * the entry is applied.
 */
public sealed interface TxnMessage extends Message {
  /**
   * Client → participant: lock and execute these micro-ops (strict 2PL; reads under shared locks).
   */
  record Execute(TxnId txn, long priority, List<MicroOp> ops) implements TxnMessage {
    public Execute {
      ops = List.copyOf(ops);
      if (txn == null || ops.isEmpty())
        throw new IllegalArgumentException("execute needs a txn and ops");
    }
  }

  /** Participant → client: locks granted; {@code results} are the ops with reads filled in. */
  record ExecuteReply(TxnId txn, ShardId shard, List<MicroOp> results) implements TxnMessage {
    public ExecuteReply {
      results = List.copyOf(results);
    }
  }

  /** Participant → client: the attempt was aborted here (wounded, lock conflict, refused). */
  record Aborted(TxnId txn, ShardId shard, String cause) implements TxnMessage {}

  /** Client → participant: abort this (unprepared) attempt and release its locks. */
  record Abort(TxnId txn) implements TxnMessage {}

  /** Client → coordinator: decide the transaction with these participants. */
  record Commit(TxnId txn, List<ShardId> participants) implements TxnMessage {
    public Commit {
      participants = List.copyOf(participants);
      if (participants.isEmpty()) throw new IllegalArgumentException("commit needs participants");
    }
  }

  /** Coordinator → client: the decision (sent only after commit wait). */
  record Outcome(TxnId txn, TxnDecision decision, long commitTs) implements TxnMessage {}

  /**
   * Coordinator → participant: prepare. {@code coordinatorShard} is the coordinator's Raft group,
   * or null for the single (classic) coordinator.
   */
  record Prepare(TxnId txn, ShardId coordinatorShard, List<ShardId> participants)
      implements TxnMessage {
    public Prepare {
      participants = List.copyOf(participants);
    }
  }

  /** Participant → coordinator: the vote, with the prepare timestamp when yes. */
  record PrepareReply(TxnId txn, ShardId shard, boolean yes, long prepareTs)
      implements TxnMessage {}

  /** Coordinator → participant (and any knower → in-doubt participant): the decision. */
  record Decide(TxnId txn, TxnDecision decision, long commitTs) implements TxnMessage {}

  /**
   * Participant leader → the replicated coordinator that announced a decision: {@code shard} has
   * applied it (or had already, or has since forgotten it), so it will never ask about it again.
   */
  record DecideAck(TxnId txn, ShardId shard) implements TxnMessage {}

  /**
   * In-doubt participant → coordinator (or, cooperatively, → other participants): what was decided?
   * {@code participants} are the transaction's, as its prepare named them: a coordinator that has
   * to presume abort must hear every one of them acknowledge it before forgetting.
   */
  record DecisionQuery(
      TxnId txn, ShardId coordinatorShard, ShardId asker, List<ShardId> participants)
      implements TxnMessage {
    public DecisionQuery {
      participants = List.copyOf(participants);
    }
  }

  /** Client → any replica: read {@code keys} at snapshot timestamp {@code ts} (no locks). */
  record SnapshotRead(TxnId txn, long ts, List<String> keys) implements TxnMessage {
    public SnapshotRead {
      keys = List.copyOf(keys);
    }
  }

  /**
   * Replica → client: the values at {@code ts}, in the order of the request's keys (null: absent).
   */
  record SnapshotReadReply(
      TxnId txn, ShardId shard, long ts, List<String> keys, List<String> values)
      implements TxnMessage {
    public SnapshotReadReply {
      keys = List.copyOf(keys);
      values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }
  }
}
