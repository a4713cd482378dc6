package dev.txlab.coordinator.percolator;

/**
 * One replica's timestamp oracle, PD's TSO: the replicated high-water mark ({@link #savedLimitMs},
 * changed only by applied {@link TsoCommand}s) and, on the leader, the serving state. Pure: time
 * arrives as arguments, and what must be replicated comes back as a command to propose.
 *
 * <p>The rule that makes failover safe ({@code persist}): a leader never serves a timestamp whose
 * physical part is at or above the limit its own {@link TsoCommand.Reserve} or {@link
 * TsoCommand.Extend} saved through Raft; a new leader's first entry reserves a window starting at
 * or above the saved limit, and it serves nothing until that entry is applied. So every timestamp a
 * new leader hands out is above every one any earlier leader handed out, whatever the clocks say.
 * Without {@code persist} (the mutant {@code tso-persist: off}) a new leader starts from its own
 * clock at once — behind its predecessor's if its clock is behind.
 *
 * <p>Always-on invariants: the served timestamp only grows within a leadership; with {@code
 * persist} its physical part stays below the limit; the saved limit never decreases.
 */
public final class Tso {
  /** What applying a command did, for the leader of {@link #term()} to act on. */
  public sealed interface Outcome {
    long term();

    /** The window [{@code baseMs}, {@code limitMs}) is the leader's to serve from. */
    record Reserved(long term, long baseMs, long limitMs) implements Outcome {}

    /** The limit is now {@code limitMs}. */
    record Extended(long term, long limitMs) implements Outcome {}
  }

  private final boolean persist;
  private final long windowMs;

  // Replicated.
  private long savedLimitMs;

  // The leader's, volatile: a restarted replica starts as a follower and knows none of it.
  private long term = -1;
  private boolean ready;
  private long physicalMs;
  private long logical;
  private long limitMs;
  private long extendingSinceMs = -1;
  private long lastServed = -1;

  public Tso(boolean persist, long windowMs) {
    if (windowMs <= 0) throw new IllegalArgumentException("the window must be positive");
    this.persist = persist;
    this.windowMs = windowMs;
  }

  // ================================================================ replicated

  /** Applies a committed command (every replica, in log order). */
  public Outcome apply(TsoCommand c) {
    long before = savedLimitMs;
    Outcome o;
    if (c instanceof TsoCommand.Reserve r) {
      long base = Math.max(r.floorMs(), savedLimitMs);
      savedLimitMs = base + r.windowMs();
      o = new Outcome.Reserved(r.term(), base, savedLimitMs);
    } else if (c instanceof TsoCommand.Extend e) {
      savedLimitMs = Math.max(savedLimitMs, e.fromMs() + e.windowMs());
      o = new Outcome.Extended(e.term(), savedLimitMs);
    } else {
      throw new IllegalStateException("no handler for " + c);
    }
    if (savedLimitMs < before)
      throw new IllegalStateException("saved limit went back: " + before + " → " + savedLimitMs);
    onApplied(o);
    return o;
  }

  private void onApplied(Outcome o) {
    if (o.term() != term) return; // an earlier leader's entry, or we do not lead
    if (o instanceof Outcome.Reserved r) {
      ready = true;
      physicalMs = r.baseMs();
      logical = 0;
      limitMs = r.limitMs();
    } else if (o instanceof Outcome.Extended e) {
      limitMs = Math.max(limitMs, e.limitMs());
      extendingSinceMs = -1;
    }
  }

  public long savedLimitMs() {
    return savedLimitMs;
  }

  /** A snapshot's content: the saved limit. */
  public void restore(long savedLimitMs) {
    this.savedLimitMs = savedLimitMs;
  }

  // ================================================================ leading

  /**
   * This replica leads in {@code term}: the command to propose before serving, or null if it may
   * serve at once (without persistence, from its clock).
   */
  public TsoCommand lead(long term, long nowMs) {
    this.term = term;
    this.ready = false;
    this.extendingSinceMs = -1;
    this.lastServed = -1;
    if (!persist) {
      ready = true;
      physicalMs = Math.max(0, nowMs);
      logical = 0;
      limitMs = Long.MAX_VALUE;
      return null;
    }
    return new TsoCommand.Reserve(term, Math.max(0, nowMs), windowMs);
  }

  public void stepDown() {
    term = -1;
    ready = false;
    extendingSinceMs = -1;
  }

  /** The term this replica serves in, or -1. */
  public long term() {
    return term;
  }

  public boolean ready() {
    return ready;
  }

  /**
   * The last of {@code count} consecutive fresh timestamps (the first is {@code last - count + 1}),
   * or -1 if none can be served now: not ready, or at the limit until an extension is applied.
   */
  public long allocate(int count, long nowMs) {
    if (count < 1 || count > TsoTimestamp.LOGICAL_MAX)
      throw new IllegalArgumentException("bad batch " + count);
    if (!ready) return -1;
    long target = Math.min(nowMs, limitMs - 1);
    if (target > physicalMs) {
      physicalMs = target;
      logical = 0;
    }
    if (logical + count > TsoTimestamp.LOGICAL_MAX) {
      // This millisecond is used up: move on ahead of the clock, if the window allows.
      if (physicalMs + 1 >= limitMs) return -1;
      physicalMs++;
      logical = 0;
    }
    logical += count;
    long last = TsoTimestamp.compose(physicalMs, logical);
    if (last <= lastServed)
      throw new IllegalStateException(
          "served " + TsoTimestamp.text(last) + " after " + TsoTimestamp.text(lastServed));
    if (persist && physicalMs >= limitMs)
      throw new IllegalStateException("served at " + physicalMs + " ms, limit " + limitMs);
    lastServed = last;
    return last;
  }

  /**
   * A leader's periodic duty: the extension to propose when less than half the window is left ahead
   * of the clock (or of what it served), else null. An extension not applied within a window is
   * proposed again.
   */
  public TsoCommand tick(long nowMs) {
    if (!ready || !persist) return null;
    long from = Math.max(physicalMs, Math.max(0, nowMs));
    if (limitMs - from >= windowMs / 2) return null;
    if (extendingSinceMs >= 0 && nowMs - extendingSinceMs < windowMs) return null;
    extendingSinceMs = nowMs;
    return new TsoCommand.Extend(term, from, windowMs);
  }

  /** What the leader serves from now, for status lines: {@code physical.logical < limit}. */
  public String describe() {
    if (term < 0) return "follower, saved limit " + savedLimitMs;
    if (!ready) return "leader in term " + term + ", waiting for its reservation";
    return "leader in term "
        + term
        + ", at "
        + physicalMs
        + "."
        + logical
        + (persist ? ", limit " + limitMs : ", no limit");
  }
}
