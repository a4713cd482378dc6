package dev.txlab.chaos.live;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.Percent;
import java.util.List;
import java.util.SortedSet;

/**
 * What the live host can do to a cluster of real node processes, as its nemesis needs it: signals
 * to processes and settings on each node's admin API. Each call acts now, on one node, and either
 * takes effect or throws {@link LiveFaultException} naming why. A node that is (re)started comes up
 * with none of these settings: the nemesis re-applies what the plan still wants.
 *
 * <p>Implemented over the node processes by the run layer; tests implement it with a fake that
 * records every call.
 */
public interface LiveControl {
  /** The nodes, in order. */
  List<String> nodes();

  /** The cluster as it is now, roles included (may ask the nodes). */
  ClusterView view();

  /** Whether the nodes have the admin API that network, link, clock and phase faults need. */
  boolean hasAdmin();

  /** Whether the node's process is running (a paused one is running). */
  boolean isUp(String node);

  /** Kills the node's process (SIGKILL). */
  void kill(String node) throws LiveFaultException;

  /** Starts the node's process again from its files; returns once it serves. */
  void restart(String node) throws LiveFaultException;

  /** Stops (SIGSTOP) or continues (SIGCONT) the node's process. */
  void pause(String node, boolean paused) throws LiveFaultException;

  /**
   * The node drops all traffic to and from {@code peers}, both directions, replacing whatever it
   * dropped before; an empty set ends its cuts.
   */
  void cutOff(String node, SortedSet<String> peers) throws LiveFaultException;

  /**
   * The node's outgoing messages: held {@code delay}, lost with {@code loss}, sent twice with
   * {@code duplicate}.
   */
  void linkFaults(String node, Fault.Delay delay, Percent loss, Percent duplicate)
      throws LiveFaultException;

  /**
   * The node's clock: honest again, then each fault in order (a skew or TrueTime violation, a
   * drift); empty leaves it honest.
   */
  void clock(String node, List<Fault> faults) throws LiveFaultException;

  /**
   * Arms the node to halt itself (a real crash) the moment a coordinator on it reaches {@code
   * phase}; null disarms it.
   */
  void armKill(String node, Fault.TxnPhase phase) throws LiveFaultException;

  /**
   * Closes every client connection {@code node} holds ({@code disconnect-clients}); refused by
   * default: txlab's nodes keep no client sessions.
   */
  default void disconnectClients(String node) throws LiveFaultException {
    throw new LiveFaultException(
        "txlab's nodes keep no client sessions (one request, one reply): nothing to disconnect");
  }
}
