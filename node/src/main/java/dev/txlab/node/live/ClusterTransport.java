package dev.txlab.node.live;

import dev.txlab.node.api.NodeId;
import java.util.List;
import java.util.Map;

/**
 * A {@link Transport} between the processes of a live cluster, with what the node's admin API and
 * {@code txlab chaos} need of it: the link faults it applies, which peers it reaches now, and
 * counters.
 */
public interface ClusterTransport extends Transport {
  /** The faults this node's links are under; {@code txlab chaos} sets them. */
  LinkFaults faults();

  /** The nodes this one reaches now (itself included), in order. */
  List<NodeId> view();

  /** Messages sent (a frame carries one or more). */
  long sentCount();

  /** Messages received and handed to the host. */
  long receivedCount();

  /** Frames sent. */
  long framesSent();

  /** Messages dropped by the transport, by reason ("no-route", "not-connected", …). */
  Map<String, Long> dropCounts();
}
