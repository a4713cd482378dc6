package dev.txlab.node.kv;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Message;

/**
 * The client protocol of a shard replica. A client numbers its requests ({@code seq}, from 1, one
 * outstanding at a time); retrying with the same {@code (clientId, seq)} is always safe: the shard
 * applies a write at most once and answers the retry with the first outcome.
 */
public sealed interface KvMessage extends Message {
  record ClientRequest(String clientId, long seq, KvOp op) implements KvMessage {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("ClientRequest[")
          .append("clientId=")
          .append(clientId)
          .append(", seq=")
          .append(seq)
          .append(", op=")
          .append(op)
          .append(']')
          .toString();
    }

    public ClientRequest {
      if (clientId == null || clientId.isEmpty() || seq < 1 || op == null) {
        throw new IllegalArgumentException("malformed ClientRequest");
      }
    }
  }

  /**
   * An operator's request (a chaos fault, a test) that the shard's leader hand leadership to {@code
   * target} (Raft thesis §3.10). Ignored by a replica that does not lead.
   */
  record TransferLeadership(Address target) implements KvMessage {
    public TransferLeadership {
      if (target == null) throw new IllegalArgumentException("transfer needs a target");
    }
  }

  record ClientReply(String clientId, long seq, KvResult result) implements KvMessage {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("ClientReply[")
          .append("clientId=")
          .append(clientId)
          .append(", seq=")
          .append(seq)
          .append(", result=")
          .append(result)
          .append(']')
          .toString();
    }
  }
}
