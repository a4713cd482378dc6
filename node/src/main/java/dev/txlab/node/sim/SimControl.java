package dev.txlab.node.sim;

import dev.txlab.node.api.NodeId;
import dev.txlab.node.time.EpsilonModel;
import java.util.Set;

/**
 * The fault surface of a simulated world, which the chaos module drives. Every method acts at the
 * current virtual time and is recorded in the trace. Faults act on physical nodes.
 */
public interface SimControl {
  long nowNanos();

  /** All physical nodes, in natural order. */
  Set<NodeId> nodes();

  // --- processes ---

  /** Stops every component of the node; state not synced to disk, timers and inboxes are lost. */
  void crash(NodeId node);

  /** Rebuilds every component of a crashed node from its disk. */
  void restart(NodeId node);

  /** Freezes the node (SIGSTOP): events for it wait until {@link #resume}. */
  void pause(NodeId node);

  void resume(NodeId node);

  boolean isUp(NodeId node);

  // --- network ---

  /** Cuts the given directed links (adds to whatever is already cut). */
  void cut(Set<SimLink> links);

  /** Restores the given directed links. */
  void heal(Set<SimLink> links);

  /** Restores every link. */
  void healAll();

  /** The currently cut links. */
  Set<SimLink> cutLinks();

  /** Sets the behaviour of every link without its own setting. */
  void setDefaultLink(LinkConfig config);

  /** Sets the behaviour of one directed link. */
  void setLink(SimLink link, LinkConfig config);

  /** Drops per-link settings; every link follows the default again. */
  void resetLinks();

  // --- clocks ---

  /**
   * Sets a node's clock offset from true time. Like every clock call below, this is a fault: the
   * simulator stops asserting that the node's TrueTime intervals contain true time until {@link
   * #clearClockFault}, and counts the intervals that lie instead.
   */
  void setClockOffset(NodeId node, long offsetNanos);

  void setClockDrift(NodeId node, long driftPpm);

  void stepClock(NodeId node, long deltaNanos);

  /**
   * Steps the clock forward and back by {@code amplitudeNanos} every {@code periodNanos}, for a
   * while.
   */
  void strobeClock(NodeId node, long amplitudeNanos, long periodNanos, long durationNanos);

  /**
   * Changes the ε model every node's TrueTime reports. Any model other than the configured one is a
   * fault: intervals that exclude true time are counted, not asserted, until the configured model
   * is set again.
   */
  void setEpsilon(EpsilonModel model);

  /** Restores the node's honest clock and resumes asserting its TrueTime intervals. */
  void clearClockFault(NodeId node);

  // --- scheduling ---

  /**
   * Runs {@code action} at virtual time {@code atNanos} (recorded in the trace as {@code what}).
   */
  void schedule(long atNanos, String what, Runnable action);
}
