package dev.txlab.coordinator.crdb;

import java.util.function.LongSupplier;

/**
 * A node's hybrid logical clock, as CockroachDB keeps one on every node: readings never go
 * backwards and respect causality — a message carries its sender's reading, and the receiver
 * ratchets its own forward past it — while staying close to physical time, so that timestamps from
 * different nodes can be compared within a known bound (the maximum clock offset).
 *
 * <p>Rules (Kulkarni et al. 2014): {@link #now()} takes the physical time if it is ahead of the
 * last reading, else bumps the counter; {@link #update} moves to a remote reading that is ahead. A
 * remote wall time more than the maximum offset ahead of this node's physical clock is refused, not
 * adopted: one runaway clock must not drag every node's timestamps with it (CockroachDB's {@code
 * UpdateAndCheckMaxOffset}); the caller rejects that message.
 *
 * <p>Across restarts: the clock persists an upper bound on its wall time ({@code persistAheadNanos}
 * ahead, rewritten only when readings catch up with it) and restarts from that bound, so a node
 * whose physical clock went back while it was down still never issues a timestamp below one it
 * issued before. (CockroachDB sleeps until its physical clock passes the bound instead; starting
 * from the bound gives the same guarantee without the wait, at the price of readings up to {@code
 * persistAheadNanos} ahead of physical time after a restart.)
 */
public final class HybridLogicalClock {
  /** Where the upper bound lives: the node's durable storage. */
  public interface Bound {
    /** The persisted bound, or 0 on a fresh node. */
    long read();

    /** Persists a new bound; durable before any reading below it leaves the node. */
    void persist(long wallNanos);
  }

  /** What {@link #update} did with a remote reading. */
  public enum Update {
    /** At or behind this clock: nothing to do. */
    BEHIND,
    /** Ahead: this clock moved up to it. */
    FORWARDED,
    /**
     * More than the maximum offset ahead of this node's physical clock: refused, clock unchanged.
     */
    TOO_FAR_AHEAD
  }

  private final LongSupplier physical;
  private final long maxOffsetNanos;
  private final long persistAheadNanos;
  private final Bound bound;
  private long wall;
  private int logical;
  private long persistedBound;

  public HybridLogicalClock(
      LongSupplier physical, long maxOffsetNanos, long persistAheadNanos, Bound bound) {
    if (maxOffsetNanos <= 0 || persistAheadNanos <= 0)
      throw new IllegalArgumentException("max offset and persist interval must be positive");
    this.physical = physical;
    this.maxOffsetNanos = maxOffsetNanos;
    this.persistAheadNanos = persistAheadNanos;
    this.bound = bound;
    this.persistedBound = Math.max(0, bound.read());
    this.wall = persistedBound;
  }

  /** A reading for a local event (a timestamp to issue or to send). */
  public HlcTimestamp now() {
    long p = Math.max(0, physical.getAsLong());
    if (p > wall) {
      wall = p;
      logical = 0;
    } else {
      logical++;
    }
    keepBoundAhead();
    return current();
  }

  /** A reading received in a message: ratchet forward past it, unless it is too far ahead. */
  public Update update(HlcTimestamp remote) {
    long p = physical.getAsLong();
    if (remote.wallNanos() - p > maxOffsetNanos) return Update.TOO_FAR_AHEAD;
    if (remote.compareTo(current()) <= 0) return Update.BEHIND;
    wall = remote.wallNanos();
    logical = remote.logical();
    keepBoundAhead();
    return Update.FORWARDED;
  }

  /** The last reading, without advancing. */
  public HlcTimestamp current() {
    return new HlcTimestamp(wall, logical);
  }

  /** This node's physical clock, as the clock reads it. */
  public long physicalNanos() {
    return physical.getAsLong();
  }

  public long maxOffsetNanos() {
    return maxOffsetNanos;
  }

  private void keepBoundAhead() {
    if (wall < persistedBound) return;
    persistedBound = wall + persistAheadNanos;
    bound.persist(persistedBound);
  }
}
