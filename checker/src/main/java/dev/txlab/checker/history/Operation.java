package dev.txlab.checker.history;

/**
 * A client operation: an invocation together with its completion, if it has one.
 *
 * <p>The operation's interval runs from its invocation's position in the history to its
 * completion's; an operation that never completed, or completed with {@code info}, may take effect
 * at any point after its invocation, so its interval is open-ended ({@link #completePosition()} is
 * {@link Integer#MAX_VALUE}).
 *
 * @param id dense number of this operation among the history's client operations (0, 1, …)
 * @param invocation the {@code invoke} event
 * @param completion the {@code ok}, {@code fail} or {@code info} event, or null if none came
 * @param invokePosition the invocation's position in the history's event list
 * @param completePosition the completion's position, or {@code Integer.MAX_VALUE} when the outcome
 *     is unknown (no completion, or {@code info})
 */
public record Operation(
    int id, Op invocation, Op completion, int invokePosition, int completePosition) {

  /** OK, FAIL, or INFO (also for an invocation that never completed). */
  public OpType outcome() {
    return completion == null ? OpType.INFO : completion.type();
  }

  public boolean isOk() {
    return outcome() == OpType.OK;
  }

  public boolean isFail() {
    return outcome() == OpType.FAIL;
  }

  /** True if nobody knows whether the operation took effect. */
  public boolean isIndeterminate() {
    return outcome() == OpType.INFO;
  }

  public int process() {
    return invocation.process();
  }

  public String f() {
    return invocation.f();
  }

  /**
   * The value that best describes the operation: the completion's for an {@code ok} (that is where
   * a read learns what it returned), else the invocation's.
   */
  public Object value() {
    return isOk() ? completion.value() : invocation.value();
  }

  public long invokeTimeNanos() {
    return invocation.timeNanos();
  }

  /** The completion's time, or {@link Op#NO_TIME} when there is no definite completion. */
  public long completeTimeNanos() {
    return completion == null ? Op.NO_TIME : completion.timeNanos();
  }
}
