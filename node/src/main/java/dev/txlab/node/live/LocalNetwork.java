package dev.txlab.node.live;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Transports between hosts in one JVM, without sockets: for tests and single-process demos.
 * Messages are passed as objects (records are immutable) unless a codec is given, in which case
 * each one is encoded and decoded on the way — the wire path without the wire.
 */
public final class LocalNetwork {
  private final ConcurrentHashMap<NodeId, Transport.Inbound> nodes = new ConcurrentHashMap<>();
  private final RecordCodec codec;
  private final AtomicLong dropped = new AtomicLong();

  public LocalNetwork() {
    this(null);
  }

  public LocalNetwork(RecordCodec codec) {
    this.codec = codec;
  }

  public long droppedCount() {
    return dropped.get();
  }

  public Transport transport(NodeId node) {
    return new Transport() {
      @Override
      public NodeId node() {
        return node;
      }

      @Override
      public void bind(Inbound inbound) {
        nodes.put(node, inbound);
      }

      @Override
      public void send(Address from, Address to, Message message) {
        Inbound target = nodes.get(to.node());
        if (target == null) {
          dropped.incrementAndGet();
          return;
        }
        Message m = message;
        if (codec != null) {
          try {
            m = (Message) codec.decode(codec.encode(message));
          } catch (RecordCodec.CodecException e) {
            throw new IllegalStateException(
                "a message does not survive its own codec: " + message, e);
          }
        }
        target.deliver(from, to, m);
      }

      @Override
      public void close() {
        nodes.remove(node);
      }
    };
  }
}
