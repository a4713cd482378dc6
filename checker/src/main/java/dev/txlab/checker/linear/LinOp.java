package dev.txlab.checker.linear;

import dev.txlab.checker.history.Operation;

/**
 * One operation of a per-key subhistory, ready for the search.
 *
 * @param id dense index within the subhistory (bit position in the linearized set)
 * @param operation the client operation it came from
 * @param value its value with any independent key removed
 * @param input the model's input (what it does and observed)
 * @param invokePosition position of the invocation in the whole history
 * @param completePosition position of its completion, or {@code Integer.MAX_VALUE} if crashed
 */
record LinOp(
    int id,
    Operation operation,
    Object value,
    Object input,
    int invokePosition,
    int completePosition) {
  boolean crashed() {
    return completePosition == Integer.MAX_VALUE;
  }
}
