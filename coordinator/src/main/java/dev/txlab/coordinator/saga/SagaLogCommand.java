package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Address;
import dev.txlab.node.raft.Command;
import java.util.List;

/** What the orchestrator's replicated saga log records. */
public sealed interface SagaLogCommand extends Command {
  /** A saga begins: its steps, in the order they run, and whom to tell the end. */
  record Begin(String sagaId, Address client, long seq, List<MicroOp> steps)
      implements SagaLogCommand {
    public Begin {
      steps = List.copyOf(steps);
    }
  }

  /** A step (or its compensation) answered, with its outcome. */
  record Result(String sagaId, int step, boolean compensation, String outcome)
      implements SagaLogCommand {}

  /** The saga's pending flags are gone from every service it touched. */
  record Released(String sagaId) implements SagaLogCommand {}
}
