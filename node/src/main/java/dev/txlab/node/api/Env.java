package dev.txlab.node.api;

/**
 * Everything a {@link Process} may do to the world, supplied by its host (the simulator or the live
 * host). All effects obey the step contract described on {@link Process}: sends and timers are
 * buffered during a handler and released after the step's storage is durable.
 */
public interface Env {
  /** The address this process is hosted at. */
  Address self();

  /**
   * Sends a message. Delivery is not guaranteed: it may be lost, delayed, duplicated or reordered.
   */
  void send(Address to, Message message);

  /**
   * Whether this host can release a message before the step's sync completes ({@link
   * #sendBeforeSync}). The simulator cannot (it runs no step while a sync is in flight) and says
   * no; the live host says yes.
   */
  default boolean sendsBeforeSync() {
    return false;
  }

  /**
   * Sends a message that does not depend on this step's storage writes being durable: a host that
   * {@link #sendsBeforeSync() can} releases it when the handler returns (after {@code
   * checkInvariants()}), without waiting for the step's sync; others treat it as {@link #send}.
   * Such messages may overtake this process's held messages (as a network may reorder them). Raft's
   * leader uses it for AppendEntries, which it sends while it writes its own log (thesis §10.2.1):
   * it counts itself toward a commit only once its copy is durable.
   */
  default void sendBeforeSync(Address to, Message message) {
    send(to, message);
  }

  /**
   * Asks for {@code timer} to be delivered to {@link Process#onTimer} after {@code delayNanos} of
   * host time (the simulator uses true virtual time: clock faults do not stretch timers, they
   * change what {@link #localClockNanos()} reads when the timer fires). There is no cancel: a timer
   * that is no longer wanted is recognised as stale when it fires. A crash discards pending timers.
   */
  void setTimer(long delayNanos, Timer timer);

  /**
   * This node's local clock in nanoseconds. It may be offset from true time, drift, and jump (clock
   * faults); it is not guaranteed monotonic. Use it for leases and timestamps, knowing that it may
   * lie.
   */
  long localClockNanos();

  /**
   * Spanner's {@code TT.now()}: an interval that contains true time as long as this node's clock
   * stays within its uncertainty bound ε.
   */
  TrueTimeInterval trueTime();

  /** This process's own seeded random source (forked per component by the host). */
  RandomSource random();

  /** This process's durable storage. Writes become durable only after {@link Storage#sync()}. */
  Storage storage();

  /** A line for the trace / log. Cheap to call; the host decides whether to keep it. */
  void log(String text);
}
