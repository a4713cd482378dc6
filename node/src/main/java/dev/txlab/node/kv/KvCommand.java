package dev.txlab.node.kv;

import dev.txlab.node.raft.Command;

/** A client write as it travels through the Raft log, with the session that deduplicates it. */
public record KvCommand(String clientId, long seq, KvOp op) implements Command {
  public KvCommand {
    if (clientId == null || seq < 1 || op == null || !op.isWrite()) {
      throw new IllegalArgumentException("a KV command is a write with a session");
    }
  }
}
