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
 * was never seen. A frame is {@code [wire version][from node][from component][to
 * component][value]}, the value in {@link RecordCodec}; a frame that does not decode is dropped
 * with a counted reason and never reaches a process.
 */
public final class JGroupsTransport implements Transport {
  /**
   * JGroups' failure detection (FD_SOCK2) listens on the node's JGroups port plus this offset, or
   * one of the next {@link #FAILURE_DETECTION_PORT_RANGE} ports: a cluster's layout keeps its other
   * ports out of that window, or a node's HTTP or admin server could find its port taken.
   */
  public static final int FAILURE_DETECTION_PORT_OFFSET = 100;

  public static final int FAILURE_DETECTION_PORT_RANGE = 3;

  public static final int WIRE_VERSION = 1;

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
    // JGroups' default bundler (a sending thread batching queued messages), chosen by measurement
    // (issue 19; 3-node raft-kv, wrk puts, 8 s per point, two alternated rounds): "sender-sends"
    // and "no-bundler" were a little faster at one client (760/480 and 745/574 ops/s vs 705/607)
    // but far slower under load (64 clients: 4,036/2,832 and 4,091/4,027 vs 6,746/4,927).
    tcp.setBundlerType("transfer-queue");
    // Messages go up the stack on the connection's receiver thread instead of being handed to a
    // pool thread first: our receiver only decodes a frame and posts it to the process's event
    // loop, so a pool adds one thread hand-off per message and nothing else. Measured (issue 19;
    // 3-node raft-kv, wrk, 10 s per point, three alternated pairs against the pool): puts at 1
    // client 992/971/992 vs 948/925/968 ops/s, linearizable gets at 16 clients
    // 16,539/15,767/16,837 vs 15,677/15,804/15,444.
    tcp.setThreadPool(new DirectExecutor());
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

  @Override
  public void send(Address from, Address to, Message message) {
    org.jgroups.Address dest = members.get(to.node());
    if (dest == null) {
      drop("no-route");
      return;
    }
    // Room for a request or an AppendEntries of one 100-byte write without growing.
    RecordCodec.Bytes out = new RecordCodec.Bytes(512);
    out.writeVarLong(WIRE_VERSION);
    out.writeString(from.node().name());
    out.writeString(from.component());
    out.writeString(to.component());
    codec.write(out, message, 0);
    try {
      channel.send(new BytesMessage(dest, out.array(), 0, out.size()));
      sent.incrementAndGet();
    } catch (Exception e) {
      drop("send-failed");
    }
  }

  private void onFrame(org.jgroups.Message msg) {
    if (!(msg instanceof BytesMessage bm) || bm.getArray() == null) {
      drop("not-bytes");
      return;
    }
    Address from;
    Address to;
    Object value;
    try {
      RecordCodec.Reader in = new RecordCodec.Reader(bm.getArray(), bm.getOffset(), bm.getLength());
      long version = in.readVarLong();
      if (version != WIRE_VERSION) {
        drop("version");
        return;
      }
      from = Address.of(NodeId.of(in.readString()), in.readString());
      to = Address.of(config.node(), in.readString());
      value = codec.read(in, 0);
      if (in.remaining() != 0) throw new RecordCodec.CodecException("trailing bytes");
    } catch (RecordCodec.CodecException | IllegalArgumentException e) {
      drop("malformed");
      return;
    }
    if (!(value instanceof Message m)) {
      drop("not-a-message");
      return;
    }
    Inbound target = inbound;
    if (target == null) {
      drop("no-host");
      return;
    }
    received.incrementAndGet();
    target.deliver(from, to, m);
  }

  @Override
  public void close() {
    channel.close();
  }
}
