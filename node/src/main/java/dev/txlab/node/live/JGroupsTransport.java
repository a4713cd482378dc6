package dev.txlab.node.live;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.DirectExecutor;
import org.jgroups.util.NameCache;

/**
 * Node-to-node messaging over a JGroups channel built in code: TCP bound to one address (127.0.0.1
 * unless configured), discovery by TCPPING from a static host list, the usual membership and
 * reliability layers, and {@link LinkFaults} on top. No UDP and no multicast anywhere: the
 * diagnostics handler (which would join a multicast group on every interface) is disabled, and
 * JGroups' own logging is turned down to warnings.
 *
 * <p>Each physical node is one channel member whose logical name is its node id; a message goes to
 * the last address a view showed for that name, or is dropped (counted as "no-route") if the node
 * was never seen. A frame is {@code [wire version]} followed by one or more messages, each {@code
 * [from node][from component][to component][value]}, the value in {@link RecordCodec}; a frame that
 * does not decode is dropped whole, with a counted reason, and none of it reaches a process.
 *
 * <p>Frames of several messages come from {@link #sendHeld}: what a host's event-loop turn sends to
 * one node leaves as one JGroups message at the turn's {@link #flush}. With JGroups' "sender-sends"
 * bundler that is one write on the sending thread, and no thread hand-off: at one client a request
 * then crosses two fewer threads, and under load a turn's AppendEntries to a follower (one per
 * proposal) share one write — the batching JGroups' bundler thread did, without the thread.
 */
public final class JGroupsTransport implements Transport {
  /**
   * JGroups' failure detection (FD_SOCK2) listens on the node's JGroups port plus this offset, or
   * one of the next {@link #FAILURE_DETECTION_PORT_RANGE} ports: a cluster's layout keeps its other
   * ports out of that window, or a node's HTTP or admin server could find its port taken.
   */
  public static final int FAILURE_DETECTION_PORT_OFFSET = 100;

  public static final int FAILURE_DETECTION_PORT_RANGE = 3;

  public static final int WIRE_VERSION = 2;

  /**
   * @param bindAddress the address TCP listens on and sends from
   * @param initialHosts every node's TCP endpoint (including this one's)
   */
  public record Config(
      NodeId node,
      String cluster,
      InetAddress bindAddress,
      int bindPort,
      List<InetSocketAddress> initialHosts,
      long seed) {
    public Config {
      if (node == null
          || cluster == null
          || cluster.isEmpty()
          || bindAddress == null
          || initialHosts == null) {
        throw new IllegalArgumentException("incomplete JGroups transport config");
      }
      if (bindPort < 1 || bindPort > 65535)
        throw new IllegalArgumentException("bind port out of range: " + bindPort);
      initialHosts = List.copyOf(initialHosts);
    }

    /** Everything on 127.0.0.1: this node at {@code port}, the others at {@code ports}. */
    public static Config loopback(
        NodeId node, String cluster, int port, List<Integer> ports, long seed) {
      InetAddress lo = InetAddress.getLoopbackAddress();
      return new Config(
          node,
          cluster,
          lo,
          port,
          ports.stream().map(p -> new InetSocketAddress(lo, p)).toList(),
          seed);
    }
  }

  static {
    // JGroups logs through java.util.logging when nothing else is on the class path; INFO and
    // below are chatter (addresses, views) that would drown a node's own log.
    Logger.getLogger("org.jgroups").setLevel(Level.WARNING);
  }

  private final Config config;
  private final RecordCodec codec;
  private final JChannel channel;
  private final LinkFaults faults;
  private final ConcurrentHashMap<NodeId, org.jgroups.Address> members = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> drops = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private volatile Inbound inbound;
  private volatile View view;

  /** Builds the channel and joins the cluster (blocks until joined, a few seconds at most). */
  public JGroupsTransport(Config config, RecordCodec codec) throws Exception {
    this.config = config;
    this.codec = codec;
    this.faults = new LinkFaults(config.seed());
    TCP tcp = new TCP();
    tcp.setBindAddress(config.bindAddress());
    tcp.setBindPort(config.bindPort());
    tcp.setPortRange(0);
    tcp.setBindToAllInterfaces(false);
    tcp.setLogDiscardMessages(false);
    // JGroups 5 leaves TCP_NODELAY off: Nagle then holds a small frame (an AppendEntries reply)
    // until the peer's delayed ACK (40 ms on Linux) arrives — the periodic ~40 ms stall a single
    // client saw on puts (p99 45 ms at 1 client, measured with wrk; 0.7 ms with nodelay on).
    tcp.tcpNodelay(true);
    // The sending thread writes (no bundler thread to wake), and the batching a bundler thread
    // would do is done by sendHeld/flush: one frame per node per event-loop turn. Measured (issue
    // 19; 3-node raft-kv, wrk, 10 s per point, two alternated pairs, both with held frames) against
    // JGroups' default "transfer-queue" bundler (a sending thread batching what queued): puts at 1
    // client 1,140/1,141 vs 1,051/1,096 ops/s (p99 2.21/2.44 vs 2.72/2.21 ms), at 64 clients
    // 15,117/15,184 vs 14,273/14,443 (p99 9.2/8.6 vs 10.9/12.3 ms), gets at 16 clients
    // 20,719/21,164 vs 18,463/17,971. Without held frames "sender-sends" lost under load (64
    // clients 8,980/10,004 vs 12,600/12,089): one write per message.
    tcp.setBundlerType("sender-sends");
    // The diagnostics handler (probe.sh) would open a multicast socket on every interface.
    if (tcp.getDiagnosticsHandler() != null) tcp.getDiagnosticsHandler().setEnabled(false);
    TCPPING ping = new TCPPING();
    ping.setInitialHosts(config.initialHosts());
    ping.setPortRange(0);
    GMS gms = new GMS();
    gms.setJoinTimeout(1_000);
    gms.printLocalAddress(false);
    Protocol[] stack = {
      tcp,
      ping,
      // Splits of the view (after a kill, a long partition) heal within a few seconds.
      new MERGE3().setMinInterval(1_000).setMaxInterval(3_000),
      // Its failure-detection server socket would otherwise listen on every interface.
      new FD_SOCK2()
          .setBindAddress(config.bindAddress())
          .setOffset(FAILURE_DETECTION_PORT_OFFSET)
          .setPortRange(FAILURE_DETECTION_PORT_RANGE),
      new FD_ALL3(),
      new VERIFY_SUSPECT2(),
      new NAKACK2(),
      new UNICAST3(),
      new STABLE(),
      gms,
      new FRAG2(),
      faults,
    };
    for (Protocol p : stack) p.setLevel("warn");
    channel = new JChannel(stack);
    // Messages go up the stack on the connection's receiver thread instead of being handed to a
    // pool thread first: our receiver only decodes a frame and posts it to the process's event
    // loop, so a pool adds one thread hand-off per message and nothing else. This must follow the
    // channel's construction: the stack's init builds the transport's pool and would replace an
    // executor set before it (as it silently did at first — thread dumps showed the pool's
    // threads delivering every batch). Only the message pool: JGroups' timer keeps its own.
    // Measured once fixed (issue 19; 3-node raft-kv, wrk, 10 s per point, one run against the
    // median of three rounds of wrk_vs_etcd.sh just before): puts at 16 clients 7,304 vs 5,871
    // ops/s, at 64 clients 12,790 vs 11,934, gets at 16 clients 19,778 vs 17,254.
    tcp.getThreadPool().setThreadPool(new DirectExecutor());
    channel.setName(config.node().name());
    channel.setDiscardOwnMessages(true);
    if (tcp.getDiagnosticsHandler() != null) tcp.getDiagnosticsHandler().setEnabled(false);
    channel.setReceiver(
        new Receiver() {
          @Override
          public void receive(org.jgroups.Message msg) {
            onFrame(msg);
          }

          @Override
          public void viewAccepted(View v) {
            onView(v);
          }
        });
    channel.connect(config.cluster());
  }

  @Override
  public NodeId node() {
    return config.node();
  }

  @Override
  public void bind(Inbound inbound) {
    this.inbound = inbound;
  }

  /** The fault-injection layer of this node's stack. */
  public LinkFaults faults() {
    return faults;
  }

  /** The nodes ever seen in a view (the routing table), in order. */
  public List<NodeId> members() {
    return List.copyOf(new TreeMap<>(members).keySet());
  }

  /** The nodes in the current view, in order. */
  public List<NodeId> view() {
    View v = view;
    List<NodeId> out = new java.util.ArrayList<>();
    if (v == null) return out;
    for (org.jgroups.Address a : v.getMembers()) {
      String name = NameCache.get(a);
      if (name != null) out.add(NodeId.of(name));
    }
    out.sort(null);
    return out;
  }

  /** Whether the diagnostics socket is running (it must not be). */
  public boolean diagnosticsEnabled() {
    TCP tcp = channel.getProtocolStack().findProtocol(TCP.class);
    return tcp.getDiagnosticsHandler() != null && tcp.getDiagnosticsHandler().isEnabled();
  }

  public long sentCount() {
    return sent.get();
  }

  public long receivedCount() {
    return received.get();
  }

  /** Dropped messages by reason ("no-route", "send-failed", "version", "malformed", …). */
  public Map<String, Long> dropCounts() {
    TreeMap<String, Long> m = new TreeMap<>();
    drops.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  private void drop(String reason) {
    drops.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
  }

  private void onView(View v) {
    view = v;
    ConcurrentHashMap<NodeId, org.jgroups.Address> next = new ConcurrentHashMap<>();
    for (org.jgroups.Address a : v.getMembers()) {
      String name = NameCache.get(a);
      if (name == null) continue;
      try {
        next.put(NodeId.of(name), a);
      } catch (IllegalArgumentException e) {
        drop("bad-member-name");
      }
    }
    // Entries are replaced (a restarted node joins under a new JGroups address) but never removed:
    // while the view is split a node is still reachable over TCP at its last address, and a
    // message to a dead one is lost, as messages may be.
    members.putAll(next);
  }

  /**
   * A frame for one node, being filled: {@code [wire version]} then one or more {@code [from
   * node][from component][to component][value]}.
   */
  private static final class Frame {
    // Room for a request or an AppendEntries of one 100-byte write without growing.
    final RecordCodec.Bytes bytes = new RecordCodec.Bytes(512);
    int messages;

    Frame() {
      bytes.writeVarLong(WIRE_VERSION);
    }
  }

  /**
   * A held frame is sent once it reaches this size, flush or not: well below FRAG2's fragment size
   * (60 KB), so a frame of many small messages is never cut in pieces.
   */
  static final int HELD_FRAME_LIMIT = 32 * 1024;

  private final Object heldLock = new Object();
  private final java.util.LinkedHashMap<org.jgroups.Address, Frame> held =
      new java.util.LinkedHashMap<>();
  private final AtomicLong frames = new AtomicLong();

  @Override
  public void send(Address from, Address to, Message message) {
    org.jgroups.Address dest = route(to);
    if (dest == null) return;
    Frame f;
    synchronized (heldLock) {
      f = held.remove(dest); // what is held for this node leaves first, in order
    }
    if (f == null) f = new Frame();
    append(f, from, to, message);
    transmit(dest, f);
  }

  /**
   * Holds the message for {@link #flush} while no link fault is set; under a fault every message
   * travels alone, so that loss, delay and duplication act on messages, not on frames of them.
   */
  @Override
  public void sendHeld(Address from, Address to, Message message) {
    if (!faults.settings().isHealthy()) {
      send(from, to, message);
      return;
    }
    org.jgroups.Address dest = route(to);
    if (dest == null) return;
    Frame full = null;
    synchronized (heldLock) {
      Frame f = held.get(dest);
      if (f == null) held.put(dest, f = new Frame());
      append(f, from, to, message);
      if (f.bytes.size() >= HELD_FRAME_LIMIT) full = held.remove(dest);
    }
    if (full != null) transmit(dest, full);
  }

  @Override
  public void flush() {
    List<Map.Entry<org.jgroups.Address, Frame>> out;
    synchronized (heldLock) {
      if (held.isEmpty()) return;
      out = new java.util.ArrayList<>(held.entrySet());
      held.clear();
    }
    for (Map.Entry<org.jgroups.Address, Frame> e : out) transmit(e.getKey(), e.getValue());
  }

  /** Frames sent (a frame carries one or more messages). */
  public long framesSent() {
    return frames.get();
  }

  private org.jgroups.Address route(Address to) {
    org.jgroups.Address dest = members.get(to.node());
    if (dest == null) drop("no-route");
    return dest;
  }

  private void append(Frame f, Address from, Address to, Message message) {
    f.bytes.writeString(from.node().name());
    f.bytes.writeString(from.component());
    f.bytes.writeString(to.component());
    codec.write(f.bytes, message, 0);
    f.messages++;
  }

  private void transmit(org.jgroups.Address dest, Frame f) {
    try {
      channel.send(new BytesMessage(dest, f.bytes.array(), 0, f.bytes.size()));
      sent.addAndGet(f.messages);
      frames.incrementAndGet();
    } catch (Exception e) {
      for (int i = 0; i < f.messages; i++) drop("send-failed");
    }
  }

  private record Delivery(Address from, Address to, Message message) {}

  private void onFrame(org.jgroups.Message msg) {
    if (!(msg instanceof BytesMessage bm) || bm.getArray() == null) {
      drop("not-bytes");
      return;
    }
    onBytes(bm.getArray(), bm.getOffset(), bm.getLength());
  }

  /** A frame as it came off the wire (package-private for tests). */
  void onBytes(byte[] buf, int offset, int length) {
    // The whole frame is decoded before any of it is delivered: a frame that does not decode
    // delivers nothing.
    List<Delivery> decoded = new java.util.ArrayList<>(4);
    try {
      RecordCodec.Reader in = new RecordCodec.Reader(buf, offset, length);
      long version = in.readVarLong();
      if (version != WIRE_VERSION) {
        drop("version");
        return;
      }
      do {
        Address from = Address.of(NodeId.of(in.readString()), in.readString());
        Address to = Address.of(config.node(), in.readString());
        Object value = codec.read(in, 0);
        if (!(value instanceof Message m)) {
          drop("not-a-message");
          return;
        }
        decoded.add(new Delivery(from, to, m));
      } while (in.remaining() > 0);
    } catch (RecordCodec.CodecException | IllegalArgumentException e) {
      drop("malformed");
      return;
    }
    Inbound target = inbound;
    if (target == null) {
      drop("no-host");
      return;
    }
    for (Delivery d : decoded) {
      received.incrementAndGet();
      target.deliver(d.from(), d.to(), d.message());
    }
  }

  @Override
  public void close() {
    channel.close();
  }
}
