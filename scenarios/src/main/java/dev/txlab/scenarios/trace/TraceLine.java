package dev.txlab.scenarios.trace;

/**
 * One line of a trace file, as {@link TraceWriter} wrote it.
 *
 * @param t when it happened: virtual nanoseconds since the run began (a live run's: since its
 *     start)
 * @param at where: a process ({@code n1/shard-0}), a node ({@code n3}), {@code net}, {@code sim}
 * @param what the event, e.g. {@code recv c1/client Execute}, {@code drop partition n2/shard-0
 *     Prepare}, {@code crash}, {@code cut n1->n2}
 * @param sent for a line about a message, when it was sent; else -1
 * @param txn the message's transaction, or null
 */
public record TraceLine(long t, String at, String what, long sent, String txn) {
  /**
   * Whether a message of transaction {@code txn} belongs to {@code id}: that attempt ({@code
   * c1/client:4.0}), or any attempt of that operation ({@code c1/client:4}) — never another
   * operation whose number starts the same ({@code c1/client:40}).
   */
  public static boolean inTransaction(String txn, String id) {
    return txn != null && (txn.equals(id) || txn.startsWith(id + "."));
  }
}
