package dev.txlab.node.kv;

import dev.txlab.node.raft.Command;

/** A client write as it travels through the Raft log, with the session that deduplicates it. */
public record KvCommand(String clientId, long seq, KvOp op) implements Command {
  // Hand-written: the same text as the record default, which in Java 17 goes through
  // String.format and dominated the simulator's trace cost.
  @Override
  public String toString() {
    return new StringBuilder(64)
        .append("KvCommand[")
        .append("clientId=")
        .append(clientId)
        .append(", seq=")
        .append(seq)
        .append(", op=")
        .append(op)
        .append(']')
        .toString();
  }

  public KvCommand {
    if (clientId == null || seq < 1 || op == null || !op.isWrite()) {
      throw new IllegalArgumentException("a KV command is a write with a session");
    }
  }
}
