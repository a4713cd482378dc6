package dev.txlab.coordinator.toy;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Timer;
import java.util.List;

/** The toy's messages and timers (public: the live host's codec reads the messages' records). */
public sealed interface ToyMessage extends Message {
  /** Apply these micro-ops of the client's {@code seq}-th transaction. */
  record Apply(long seq, List<MicroOp> ops) implements ToyMessage {
    public Apply {
      ops = List.copyOf(ops);
    }
  }

  /** The part of {@code seq} at {@code shard}, applied; reads filled in. */
  record Applied(long seq, int shard, List<MicroOp> results) implements ToyMessage {
    public Applied {
      results = List.copyOf(results);
    }
  }

  /** A shard's held request, due now. */
  record Due(dev.txlab.node.api.Address from, Apply apply) implements Timer {}

  /** A client's next transaction. */
  record Next(long afterSeq) implements Timer {}

  /** A client gives up waiting for {@code seq}: its outcome is unknown. */
  record GiveUp(long seq) implements Timer {}
}
