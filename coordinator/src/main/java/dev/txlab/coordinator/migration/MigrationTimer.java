package dev.txlab.coordinator.migration;

import dev.txlab.node.api.Timer;

/** The migration lab's timers; none is cancelled, each knows when it is stale. */
public sealed interface MigrationTimer extends Timer {
  /** A lane to the new store resends op {@code seq} if it is still waiting. */
  record LaneRetry(int lane, long seq, int attempt) implements MigrationTimer {}

  /** A periodic duty (fetching, confirming, polling a drain), numbered. */
  record Tick(long n) implements MigrationTimer {}

  /** A request to the old store ({@code reqId}) is given up if still unanswered. */
  record Expire(long reqId) implements MigrationTimer {}

  /** The backfill goes on with its next chunk (or retries the current one). */
  record NextChunk(long chunk) implements MigrationTimer {}
}
