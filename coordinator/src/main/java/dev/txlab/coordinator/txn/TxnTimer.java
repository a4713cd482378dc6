package dev.txlab.coordinator.txn;

import dev.txlab.node.api.Timer;

/**
 * The transaction protocol's timers. None is cancelled: each recognises itself as stale when it
 * fires.
 */
public sealed interface TxnTimer extends Timer {
  /** A participant's periodic duties: closed timestamps, in-doubt queries, prepare resends. */
  record Tick(long n) implements TxnTimer {}

  /** Commit wait may be over for {@code txn} (re-checked against TrueTime when it fires). */
  record CommitWait(TxnId txn, long commitTs) implements TxnTimer {}

  /** A client's retry / give-up check for attempt {@code attempt} of op {@code seq}. */
  record ClientRetry(long seq, int attempt, int round) implements TxnTimer {}

  /**
   * A client's next attempt ({@code attempt}) of op {@code seq}, once the backoff after an abort is
   * over.
   */
  record ClientBackoff(long seq, int attempt) implements TxnTimer {}

  /** A client's next operation. */
  record ClientNext(long afterSeq) implements TxnTimer {}
}
