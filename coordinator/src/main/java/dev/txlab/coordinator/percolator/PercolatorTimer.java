package dev.txlab.coordinator.percolator;

import dev.txlab.node.api.Timer;

/** The {@code percolator} protocol's timers; none is cancelled, each knows when it is stale. */
public sealed interface PercolatorTimer extends Timer {
  /** A replica's or gateway's periodic duties. */
  record Tick(long n) implements PercolatorTimer {}

  /** A client's next operation. */
  record ClientNext(long afterSeq) implements PercolatorTimer {}

  /** A client asks again for op {@code seq} if it is still waiting. */
  record ClientResend(long seq) implements PercolatorTimer {}

  /** A client gives up on op {@code seq} if it is still waiting. */
  record ClientTimeout(long seq) implements PercolatorTimer {}

  /** A gateway's waiting work (a backoff) may go on: {@code token} names it. */
  record Wake(long token) implements PercolatorTimer {}
}
