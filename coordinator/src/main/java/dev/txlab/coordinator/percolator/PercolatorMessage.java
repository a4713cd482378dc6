package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.List;

/** The messages of the {@code percolator} protocol. */
public sealed interface PercolatorMessage extends Message {
  /** Client → a gateway: run these operations as one transaction (the client's op {@code seq}). */
  record RunTxn(long seq, List<MicroOp> ops) implements PercolatorMessage {
    public RunTxn {
      ops = List.copyOf(ops);
    }
  }

  /**
   * Gateway → client: how op {@code seq} ended. {@code OK}: committed (with the values read);
   * {@code FAIL}: certainly not committed; {@code INFO}: unknown (the primary's commit was sent,
   * its answer never came).
   */
  record TxnDone(long seq, Outcome outcome, List<MicroOp> results, String cause)
      implements PercolatorMessage {
    public TxnDone {
      results = List.copyOf(results);
    }
  }

  /** Client → a gateway: one timestamp from the oracle, please (the tso workload). */
  record GetTimestamp(long seq) implements PercolatorMessage {}

  /** Gateway → client: the timestamp for op {@code seq}. */
  record TimestampDone(long seq, long ts) implements PercolatorMessage {}

  /** Gateway → every oracle replica (the leader answers): {@code count} fresh timestamps. */
  record TsoRequest(long requestId, int count) implements PercolatorMessage {}

  /** Oracle leader → gateway: the last of {@code count} consecutive timestamps. */
  record TsoReply(long requestId, long lastTs, int count) implements PercolatorMessage {}

  /** Gateway → every replica of a shard (the leader acts): a request. */
  record Request(PercolatorCommand command, TxnId txn) implements PercolatorMessage {
    public Request(PercolatorCommand command) {
      this(command, command.txn());
    }
  }

  /** Shard leader → gateway: a request's outcome. */
  record Reply(long requestId, ShardId shard, PercolatorShard.Outcome outcome, TxnId txn)
      implements PercolatorMessage {}
}
