package dev.txlab.node.sim;

import dev.txlab.node.api.Message;

/**
 * Where a {@link Trace}'s lines go besides its digest (the scenario runner writes them to the run's
 * trace file). A line about a message — its delivery ({@code recv}) or its loss ({@code drop}) —
 * comes with the message and the time it was sent: what a reader needs to draw it from sender to
 * receiver. Neither is digested, so what a file keeps about a message never changes a run's
 * fingerprint.
 */
@FunctionalInterface
public interface TraceSink {
  /**
   * @param line the line exactly as digested: {@code time address what[ arg1[ arg2]]}
   * @param message the message a {@code recv} or {@code drop} line is about, else null
   * @param sentNanos when that message was sent, in virtual time; -1 for a line about no message
   */
  void accept(String line, Message message, long sentNanos);
}
