package dev.txlab.node.live;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Node-to-node messaging over plain TCP on the node's own Vert.x event loop: each node listens on
 * one port (127.0.0.1 unless configured) and keeps one outgoing connection to every configured
 * peer, which it sends on: two nodes talk over two connections, one each way, with no rule needed
 * for who connects. Reads and writes run on the event loop that runs the node's processes: a
 * message read from a socket is handed to its process without waking another thread, and a write
 * never blocks the loop (a peer that stops reading fills the connection's write queue, and what is
 * sent to it then is dropped and counted).
 *
 * <p>Wire: every frame is a 4-byte big-endian length and that many bytes. The first frame on a
 * connection is the connecting node's hello: {@code [wire version][cluster name][node name]}; a
 * hello of another version or cluster closes the connection. A node that is not a configured peer
 * (a client joining from elsewhere) is answered over the connection it opened, while it is open.
 * Every later frame is one or more messages, each {@code [from component][to component][value]},
 * the value in {@link RecordCodec}; the sending node is the one the hello named. A frame that does
 * not decode is dropped whole, with a counted reason, and none of it reaches a process.
 *
 * <p>Messages are best effort, as {@link dev.txlab.node.api.Env#send} promises: a message to a peer
 * with no open connection is dropped ("not-connected"), and a lost connection is redialled with a
 * backoff of {@value #RECONNECT_MIN_MS} ms doubling to {@value #RECONNECT_MAX_MS} ms (back to the
 * shortest once a link has stayed up for a second). Frames of several messages come from {@link
 * #sendHeld}: what one event-loop turn sends to a node leaves as one write at the turn's {@link
 * #flush}. Under any {@link LinkFaults} fault every message travels alone, so loss, delay and
 * duplication act on messages.
 */
public final class NetTransport implements Transport {
  public static final int WIRE_VERSION = 1;

  /** The largest frame accepted (a Raft snapshot travels in one message). */
  static final int MAX_FRAME_BYTES = 128 << 20;

  /** A held frame is written once it reaches this size, flush or not. */
  static final int HELD_FRAME_LIMIT = 32 * 1024;

  /** Bytes a connection may queue (beyond the kernel's buffers) before sends to it are dropped. */
  static final int WRITE_QUEUE_MAX_BYTES = 8 << 20;

  static final long RECONNECT_MIN_MS = 10;
  static final long RECONNECT_MAX_MS = 500;
  static final int CONNECT_TIMEOUT_MS = 1_000;

  /** How long a link must have stayed up for its loss to be redialled at the shortest backoff. */
  static final long STABLE_LINK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * @param bindAddress the address this node listens on and connects from
   * @param peers every other node's listening endpoint
   */
  public record Config(
      NodeId node,
      String cluster,
      InetAddress bindAddress,
      int bindPort,
      Map<NodeId, InetSocketAddress> peers,
      long seed) {
    public Config {
      if (node == null
          || cluster == null
          || cluster.isEmpty()
          || bindAddress == null
          || peers == null) {
        throw new IllegalArgumentException("incomplete transport config");
      }
      if (bindPort < 1 || bindPort > 65535)
        throw new IllegalArgumentException("bind port out of range: " + bindPort);
      if (peers.containsKey(node))
        throw new IllegalArgumentException(node + " is listed as its own peer");
      peers = Collections.unmodifiableMap(new TreeMap<>(peers));
    }

    /** Everything on 127.0.0.1: this node at {@code port}, the others at {@code peers}' ports. */
    public static Config loopback(
        NodeId node, String cluster, int port, Map<NodeId, Integer> peers, long seed) {
      InetAddress lo = InetAddress.getLoopbackAddress();
      Map<NodeId, InetSocketAddress> m = new TreeMap<>();
      peers.forEach((n, p) -> m.put(n, new InetSocketAddress(lo, p)));
      return new Config(node, cluster, lo, port, m, seed);
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Config config;
  private final RecordCodec codec;
  private final LinkFaults faults;
  private final NetServer server;
  private final NetClient client;
  private final Map<NodeId, Peer> peers;
  // Nodes that are not configured peers, by the connection they opened to this one.
  private final ConcurrentHashMap<NodeId, Peer> learned = new ConcurrentHashMap<>();
  private final List<NetSocket> inbound = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentHashMap<String, AtomicLong> drops = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong frames = new AtomicLong();
  private volatile Inbound target;
  private volatile boolean closed;

  /**
   * Listens on the configured port (blocks until it does, or throws) and starts dialling every
   * peer; runs on an event-loop context of {@code vertx}, which should be the node's processes' own
   * (a node with one event loop has no other).
   */
  public NetTransport(Vertx vertx, Config config, RecordCodec codec) throws Exception {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.config = config;
    this.codec = codec;
    this.faults = new LinkFaults(config.seed());
    Map<NodeId, Peer> ps = new TreeMap<>();
    config.peers().forEach((n, a) -> ps.put(n, new Peer(n, a)));
    this.peers = Collections.unmodifiableMap(ps);
    String host = config.bindAddress().getHostAddress();
    this.server =
        vertx.createNetServer(
            new NetServerOptions()
                .setHost(host)
                .setPort(config.bindPort())
                .setTcpNoDelay(true)
                .setReuseAddress(true));
    this.client =
        vertx.createNetClient(
            new NetClientOptions()
                .setTcpNoDelay(true)
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setLocalAddress(host));
    server.connectHandler(this::accepted);
    Promise<NetServer> listening = Promise.promise();
    context.runOnContext(v -> server.listen().onComplete(listening));
    try {
      listening.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      client.close();
      throw new IllegalStateException(
          "cannot listen on " + host + ":" + config.bindPort() + ": " + rootMessage(e), e);
    }
    context.runOnContext(v -> peers.values().forEach(this::dial));
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) e = e.getCause();
    return e.getMessage();
  }

  @Override
  public NodeId node() {
    return config.node();
  }

  @Override
  public void bind(Inbound inbound) {
    this.target = inbound;
  }

  /** The faults this node's links are under; {@code txlab chaos} sets them. */
  public LinkFaults faults() {
    return faults;
  }

  /** This node and every peer it has an open connection to, in order. */
  public List<NodeId> view() {
    List<NodeId> out = new ArrayList<>();
    out.add(config.node());
    for (Peer p : peers.values()) if (p.socket != null) out.add(p.id);
    for (Peer p : learned.values()) if (p.socket != null) out.add(p.id);
    out.sort(null);
    return out;
  }

  /** Messages sent (a frame carries one or more). */
  public long sentCount() {
    return sent.get();
  }

  /** Messages received and handed to the host. */
  public long receivedCount() {
    return received.get();
  }

  /** Frames sent. */
  public long framesSent() {
    return frames.get();
  }

  /** Messages dropped by the transport, by reason ("no-route", "not-connected", …). */
  public Map<String, Long> dropCounts() {
    TreeMap<String, Long> m = new TreeMap<>();
    drops.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  private void drop(String reason, int n) {
    drops.computeIfAbsent(reason, k -> new AtomicLong()).addAndGet(n);
  }

  // ---------------------------------------------------------------- sending

  /** A frame being filled: a length placeholder, then one or more messages. */
  private static final class Frame {
    // Room for a request or an AppendEntries of one 100-byte write without growing.
    final RecordCodec.Bytes bytes = new RecordCodec.Bytes(512);
    int messages;

    Frame() {
      bytes.writeInt(0);
    }
  }

  /** One peer: its outgoing connection and what is held for it. */
  private final class Peer {
    final NodeId id;
    final InetSocketAddress address;
    volatile NetSocket socket;
    // context only
    boolean dialling;
    long backoffMs = RECONNECT_MIN_MS;
    long timer = -1;
    // guarded by this
    Frame held;

    Peer(NodeId id, InetSocketAddress address) {
      this.id = id;
      this.address = address;
    }
  }

  @Override
  public void send(Address from, Address to, Message message) {
    Peer p = route(from, to);
    if (p == null) return;
    if (!faults.settings().isHealthy()) {
      sendFaulty(p, from, to, message);
      return;
    }
    Frame f = takeHeld(p); // what is held for this node leaves first, in order
    if (f == null) f = new Frame();
    append(f, from, to, message);
    transmit(p, f);
  }

  @Override
  public void sendHeld(Address from, Address to, Message message) {
    Peer p = route(from, to);
    if (p == null) return;
    if (!faults.settings().isHealthy()) {
      sendFaulty(p, from, to, message);
      return;
    }
    Frame full = null;
    synchronized (p) {
      Frame f = p.held;
      if (f == null) p.held = f = new Frame();
      append(f, from, to, message);
      if (f.bytes.size() >= HELD_FRAME_LIMIT) {
        full = f;
        p.held = null;
      }
    }
    if (full != null) transmit(p, full);
  }

  @Override
  public void flush() {
    for (Peer p : peers.values()) flush(p);
    if (!learned.isEmpty()) for (Peer p : learned.values()) flush(p);
  }

  private Peer route(Address from, Address to) {
    if (!from.node().equals(config.node())) {
      drop("foreign-sender", 1);
      return null;
    }
    Peer p = peers.get(to.node());
    if (p == null) p = learned.get(to.node());
    if (p == null) drop("no-route", 1);
    return p;
  }

  /** Each message alone, through the faults: dropped, delayed, or sent twice. */
  private void sendFaulty(Peer p, Address from, Address to, Message message) {
    LinkFaults.Outgoing o = faults.outgoing(to.node());
    if (o == null) return;
    flush(p); // what was held before the fault leaves first
    Frame f = new Frame();
    append(f, from, to, message);
    for (int i = 0; i < o.copies(); i++) {
      if (o.delayNanos() <= 0) {
        transmit(p, f);
      } else {
        long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(o.delayNanos()));
        vertx.setTimer(ms, t -> transmit(p, f));
      }
    }
  }

  private void flush(Peer p) {
    Frame f = takeHeld(p);
    if (f != null) transmit(p, f);
  }

  private static Frame takeHeld(Peer p) {
    synchronized (p) {
      Frame f = p.held;
      p.held = null;
      return f;
    }
  }

  private void append(Frame f, Address from, Address to, Message message) {
    f.bytes.writeString(from.component());
    f.bytes.writeString(to.component());
    codec.write(f.bytes, message, 0);
    f.messages++;
  }

  /** Writes a frame (may run more than once for one frame: a duplicate). Any thread. */
  private void transmit(Peer p, Frame f) {
    NetSocket s = p.socket;
    if (s == null) {
      drop("not-connected", f.messages);
      return;
    }
    if (s.writeQueueFull()) {
      drop("backpressure", f.messages);
      return;
    }
    int size = f.bytes.size();
    f.bytes.putInt(0, size - 4);
    sent.addAndGet(f.messages); // counted first: the peer may see it before this thread goes on
    frames.incrementAndGet();
    s.write(BufferInternal.buffer(Unpooled.wrappedBuffer(f.bytes.array(), 0, size)));
  }

  // ---------------------------------------------------------------- connections

  /** Opens the connection to {@code p} unless it is open or being opened. Context only. */
  private void dial(Peer p) {
    if (closed || p.socket != null || p.dialling) return;
    p.dialling = true;
    p.timer = -1;
    client
        .connect(SocketAddress.inetSocketAddress(p.address))
        .onComplete(
            ar -> {
              p.dialling = false;
              if (ar.failed()) {
                redial(p);
                return;
              }
              NetSocket s = ar.result();
              if (closed) {
                s.close();
                return;
              }
              s.setWriteQueueMaxSize(WRITE_QUEUE_MAX_BYTES);
              read(s, p.id); // the peer may answer on it if it does not know this node
              s.exceptionHandler(e -> s.close());
              long connectedAt = System.nanoTime();
              s.closeHandler(
                  v -> {
                    if (p.socket == s) {
                      p.socket = null;
                      // Only a link that lived a while earns a quick redial: a peer that hangs up
                      // at once (another wire version, a port taken by something else) is dialled
                      // with the growing backoff, not a hundred times a second.
                      if (System.nanoTime() - connectedAt >= STABLE_LINK_NANOS)
                        p.backoffMs = RECONNECT_MIN_MS;
                      redial(p);
                    }
                  });
              RecordCodec.Bytes hello = new RecordCodec.Bytes(64);
              hello.writeInt(0);
              hello.writeVarLong(WIRE_VERSION);
              hello.writeString(config.cluster());
              hello.writeString(config.node().name());
              hello.putInt(0, hello.size() - 4);
              s.write(BufferInternal.buffer(Unpooled.wrappedBuffer(hello.toByteArray())));
              p.socket = s;
            });
  }

  private void redial(Peer p) {
    if (closed || p.timer != -1) return;
    long delay = p.backoffMs;
    p.backoffMs = Math.min(RECONNECT_MAX_MS, p.backoffMs * 2);
    p.timer = vertx.setTimer(delay, t -> context.runOnContext(v -> dial(p)));
  }

  /** An incoming connection: its hello, then frames of messages from the node it named. */
  private void accepted(NetSocket s) {
    if (closed) {
      s.close();
      return;
    }
    inbound.add(s);
    s.closeHandler(v -> inbound.remove(s));
    s.exceptionHandler(e -> s.close());
    read(s, null);
  }

  /**
   * Reads frames off {@code s}: from {@code peer}, or, when it is null (an incoming connection),
   * from the node the first frame's hello names. A node that is not a configured peer (a client
   * joining from elsewhere) is answered over its own connection while it is open.
   */
  private void read(NetSocket s, NodeId peer) {
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(
        new Handler<>() {
          int expected = -1;
          NodeId from = peer;
          boolean refused; // what is already buffered behind a refusal is ignored

          @Override
          public void handle(Buffer b) {
            if (refused) return;
            if (expected < 0) {
              int n = b.getInt(0);
              if (n <= 0 || n > MAX_FRAME_BYTES) {
                drop("bad-length", 1);
                refused = true;
                s.close();
                return;
              }
              expected = n;
              parser.fixedSizeMode(n);
              return;
            }
            expected = -1;
            parser.fixedSizeMode(4);
            byte[] bytes = b.getBytes();
            if (from == null) {
              from = hello(bytes);
              if (from == null) {
                refused = true;
                s.close();
              } else if (!peers.containsKey(from)) {
                learn(from, s);
              }
              return;
            }
            onFrame(from, bytes, 0, bytes.length);
          }
        });
    s.handler(parser);
  }

  /** Routes to {@code node}, not a configured peer, over the connection it opened. */
  private void learn(NodeId node, NetSocket s) {
    Peer p = new Peer(node, null);
    s.setWriteQueueMaxSize(WRITE_QUEUE_MAX_BYTES);
    p.socket = s;
    learned.put(node, p);
    s.closeHandler(
        v -> {
          inbound.remove(s);
          learned.remove(node, p);
        });
  }

  /** The node a hello names, or null (counted) if it is not of this cluster's wire and name. */
  private NodeId hello(byte[] bytes) {
    try {
      RecordCodec.Reader in = new RecordCodec.Reader(bytes, 0, bytes.length);
      if (in.readVarLong() != WIRE_VERSION) {
        drop("version", 1);
        return null;
      }
      if (!in.readString().equals(config.cluster())) {
        drop("other-cluster", 1);
        return null;
      }
      NodeId n = NodeId.of(in.readString());
      if (n.equals(config.node())) {
        drop("self", 1);
        return null;
      }
      return n;
    } catch (RecordCodec.CodecException | IllegalArgumentException e) {
      drop("malformed-hello", 1);
      return null;
    }
  }

  private record Delivery(Address from, Address to, Message message) {}

  /** A frame of messages from {@code node} (package-private for tests). */
  void onFrame(NodeId node, byte[] buf, int offset, int length) {
    // The whole frame is decoded before any of it is delivered: a frame that does not decode
    // delivers nothing.
    List<Delivery> decoded = new ArrayList<>(4);
    try {
      RecordCodec.Reader in = new RecordCodec.Reader(buf, offset, length);
      do {
        Address from = Address.of(node, in.readString());
        Address to = Address.of(config.node(), in.readString());
        Object value = codec.read(in, 0);
        if (!(value instanceof Message m)) {
          drop("not-a-message", 1);
          return;
        }
        decoded.add(new Delivery(from, to, m));
      } while (in.remaining() > 0);
    } catch (RecordCodec.CodecException | IllegalArgumentException e) {
      drop("malformed", 1);
      return;
    }
    if (faults.dropsFrom(node, decoded.size())) return;
    Inbound t = target;
    if (t == null) {
      drop("no-host", decoded.size());
      return;
    }
    for (Delivery d : decoded) {
      received.incrementAndGet();
      t.deliver(d.from(), d.to(), d.message());
    }
  }

  // ---------------------------------------------------------------- closing

  /**
   * Stops dialling, closes every connection and the listening socket; waits (up to 2 s, and only
   * off the event loop) for the port to be released.
   */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    List<Future<Void>> done = new ArrayList<>();
    for (Peer p : peers.values()) {
      NetSocket s = p.socket;
      p.socket = null;
      if (s != null) done.add(s.close());
    }
    synchronized (inbound) {
      for (NetSocket s : inbound) done.add(s.close());
    }
    done.add(client.close());
    done.add(server.close());
    context.runOnContext(
        v -> {
          for (Peer p : peers.values()) if (p.timer != -1) vertx.cancelTimer(p.timer);
        });
    if (Vertx.currentContext() != null) return;
    try {
      Future.join(done).toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway: the node's Vert.x closes what is left
    }
  }
}
