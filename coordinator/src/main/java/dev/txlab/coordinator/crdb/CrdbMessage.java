package dev.txlab.coordinator.crdb;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.List;

/** The messages of the {@code crdb} protocol. Every one between nodes carries an HLC reading. */
public sealed interface CrdbMessage extends Message {
  /** Client → a gateway: run these operations as one transaction (the client's op {@code seq}). */
  record RunTxn(long seq, List<MicroOp> ops) implements CrdbMessage {
    public RunTxn {
      ops = List.copyOf(ops);
    }
  }

  /**
   * Gateway → client: how op {@code seq} ended. {@code OK}: committed (with the values read);
   * {@code FAIL}: certainly not committed; {@code INFO}: unknown (the commit was sent, its answer
   * never came).
   */
  record TxnDone(long seq, Outcome outcome, List<MicroOp> results, String cause)
      implements CrdbMessage {
    public TxnDone {
      results = List.copyOf(results);
    }
  }

  /**
   * Gateway → every replica of a range (the leaseholder acts): a request, with the gateway's clock
   * and its transaction ({@code txn}: what the trace and the message diagram file it under).
   */
  record Request(HlcTimestamp clock, CrdbCommand command, TxnId txn) implements CrdbMessage {
    public Request(HlcTimestamp clock, CrdbCommand command) {
      this(clock, command, command.transaction());
    }
  }

  /** Leaseholder → gateway: a request's outcome, with the leaseholder's clock after it. */
  record Reply(
      long requestId, ShardId range, HlcTimestamp clock, CrdbRange.Outcome outcome, TxnId txn)
      implements CrdbMessage {}

  /**
   * Leaseholder → gateway: the request's clock reading was beyond the maximum offset ahead of this
   * node's clock; refused.
   */
  record ClockRejected(long requestId, ShardId range, HlcTimestamp clock) implements CrdbMessage {}

  /** Gateway → the other gateways: what is your clock? (CockroachDB's remote clock monitor.) */
  record ClockPing(long sentLocalNanos) implements CrdbMessage {}

  /** The answer: the ping's send time, echoed, and the peer's physical clock when it answered. */
  record ClockPong(long pingSentLocalNanos, long peerClockNanos) implements CrdbMessage {}
}
