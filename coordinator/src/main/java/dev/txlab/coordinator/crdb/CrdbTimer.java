package dev.txlab.coordinator.crdb;

import dev.txlab.node.api.Timer;

/** The {@code crdb} protocol's timers; none is cancelled, each knows when it is stale. */
public sealed interface CrdbTimer extends Timer {
  /** A replica's or gateway's periodic duties. */
  record Tick(long n) implements CrdbTimer {}

  /** A client's next operation. */
  record ClientNext(long afterSeq) implements CrdbTimer {}

  /** A client gives up on op {@code seq} if it is still waiting. */
  record ClientTimeout(long seq) implements CrdbTimer {}

  /** A gateway's transaction may go on after waiting (a failed push, a backoff). */
  record Resume(String client, long seq, int step) implements CrdbTimer {}
}
