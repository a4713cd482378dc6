package dev.txlab.checker.txn;

import dev.txlab.checker.history.Operation;
import java.util.List;

/**
 * One transaction as the analyses see it: a client operation whose value is a list of micro-ops,
 * numbered densely in invocation order. The micro-ops are the completion's for an {@code ok}
 * transaction (that is where reads learn their values) and the invocation's otherwise.
 *
 * @param id dense number among the history's client operations (0, 1, …); graph vertex id
 * @param op the paired invocation and completion
 * @param mops the micro-ops, in program order
 */
record Txn(int id, Operation op, List<Mop> mops) {

  boolean isOk() {
    return op.isOk();
  }

  boolean isFail() {
    return op.isFail();
  }

  /** Ok or info: it may have taken effect, so it is a vertex of the dependency graph. */
  boolean isPossible() {
    return !op.isFail();
  }

  /** The history index Elle names a transaction by: its completion's, else its invocation's. */
  long index() {
    return op.completion() != null ? op.completion().index() : op.invocation().index();
  }

  int process() {
    return op.process();
  }
}
