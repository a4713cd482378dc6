package dev.txlab.node.live;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;

/**
 * Carries messages between physical nodes for a {@link VertxHost}. Delivery is best effort, as
 * {@link dev.txlab.node.api.Env#send} promises: a message may be lost (no route, a fault, a crashed
 * peer) but is never altered. Thread-safe.
 */
public interface Transport extends AutoCloseable {
  /** Where a transport hands messages it received for its node. Called on a transport thread. */
  @FunctionalInterface
  interface Inbound {
    void deliver(Address from, Address to, Message message);
  }

  /** The node this transport speaks for. */
  NodeId node();

  /** Sets the receiver of incoming messages (the host, once it is ready). */
  void bind(Inbound inbound);

  /**
   * Sends to a component on another node; never waits for the peer to answer, nor for the peer to
   * read ({@link NetTransport} queues the write on its event loop and drops what a full queue
   * cannot take).
   */
  void send(Address from, Address to, Message message);

  /**
   * As {@link #send}, but the transport may hold the message until the next {@link #flush}, so that
   * what one event-loop turn sends to a node leaves as one frame. A caller that uses it must call
   * {@link #flush} soon after (a host does at the end of the turn). Messages to one node keep their
   * order, held or not. By default, sends at once.
   */
  default void sendHeld(Address from, Address to, Message message) {
    send(from, to, message);
  }

  /** Sends every message held by {@link #sendHeld}. Thread-safe; may run on any thread. */
  default void flush() {}

  @Override
  void close();
}
