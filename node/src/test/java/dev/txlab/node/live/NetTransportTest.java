package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.kv.KvMessage;
import dev.txlab.node.kv.KvOp;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two TCP transports on loopback, each on its own one-loop Vert.x as a node runs them: messages
 * flow, faults cut them, strangers are refused, a restarted peer is found again, and a peer that
 * stops reading never blocks the sender.
 */
class NetTransportTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N2 = NodeId.of("n2");

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  record Received(Address from, Address to, Message message) {}

  /**
   * The ports this JVM listens on at a wildcard address (0.0.0.0 or ::), read from Linux's /proc:
   * sockets of this process are the {@code socket:[inode]} links in /proc/self/fd. Empty where
   * /proc is not there.
   */
  static List<Integer> wildcardListeners() throws IOException {
    java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
    if (!java.nio.file.Files.isDirectory(fds)) return List.of();
    Set<String> mine = new java.util.HashSet<>();
    try (var links = java.nio.file.Files.list(fds)) {
      for (java.nio.file.Path l : (Iterable<java.nio.file.Path>) links::iterator) {
        try {
          String target = java.nio.file.Files.readSymbolicLink(l).toString();
          if (target.startsWith("socket:[")) mine.add(target.substring(8, target.length() - 1));
        } catch (IOException e) {
          // the descriptor closed meanwhile
        }
      }
    }
    List<Integer> out = new ArrayList<>();
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      java.nio.file.Path t = java.nio.file.Path.of(table);
      if (!java.nio.file.Files.exists(t)) continue;
      List<String> lines = java.nio.file.Files.readAllLines(t); // read once: it changes
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        // local address "HEX:PORT", state 0A = LISTEN, inode in column 10
        String[] local = f[1].split(":");
        boolean wildcard = local[0].chars().allMatch(c -> c == '0');
        if (f[3].equals("0A") && wildcard && mine.contains(f[9]))
          out.add(Integer.parseInt(local[1], 16));
      }
    }
    return out;
  }

  private record Pair(
      NetTransport t1,
      NetTransport t2,
      LinkedBlockingQueue<Received> at1,
      LinkedBlockingQueue<Received> at2,
      List<Integer> ports,
      String cluster) {}

  private NetTransport start(NodeId self, NodeId peer, int port, int peerPort, String cluster)
      throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    open.add(
        () -> vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    NetTransport t =
        new NetTransport(
            vertx,
            NetTransport.Config.loopback(self, cluster, port, Map.of(peer, peerPort), port),
            NodeCodecTable.codec());
    open.add(t::close);
    return t;
  }

  /** Two transports with both links up, each with a queue of what it received. */
  private Pair connected() throws Exception {
    List<Integer> ports = LocalPorts.free(2);
    String cluster = "txlab-test-" + ports.get(0);
    NetTransport t1 = start(N1, N2, ports.get(0), ports.get(1), cluster);
    NetTransport t2 = start(N2, N1, ports.get(1), ports.get(0), cluster);
    LinkedBlockingQueue<Received> at1 = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<Received> at2 = new LinkedBlockingQueue<>();
    t1.bind((f, t, m) -> at1.add(new Received(f, t, m)));
    t2.bind((f, t, m) -> at2.add(new Received(f, t, m)));
    awaitView(t1, 2);
    awaitView(t2, 2);
    return new Pair(t1, t2, at1, at2, ports, cluster);
  }

  private static void awaitView(NetTransport t, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.view().size() != size) {
      assertThat(System.nanoTime()).as(t.node() + " reaches " + size).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static KvMessage.ClientRequest put(int seq) {
    return new KvMessage.ClientRequest("c", seq, new KvOp.Put("k" + seq, "v" + seq));
  }

  private static final Address A = Address.of(N1, "shard-0");
  private static final Address B = Address.of(N2, "shard-0");

  @Test
  void messagesFlowBothWaysAndLinkFaultsCutThemOneWay() throws Exception {
    Pair p = connected();
    assertThat(wildcardListeners())
        .as("every socket this JVM listens on is bound to loopback")
        .isEmpty();
    assertThat(p.t1().view()).containsExactly(N1, N2);

    p.t1().send(A, B, put(1));
    assertThat(p.at2().poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(A, B, put(1)));
    p.t2().send(B, A, put(2));
    assertThat(p.at1().poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(B, A, put(2)));

    // n1 stops sending to n2; n2 can still reach n1.
    p.t1().faults().dropTo(Set.of(N2));
    p.t1().send(A, B, put(3));
    p.t2().send(B, A, put(4));
    assertThat(p.at1().poll(5, TimeUnit.SECONDS).message()).isEqualTo(put(4));
    assertThat(p.at2().poll(300, TimeUnit.MILLISECONDS)).isNull();
    // n2 ignores n1's messages instead; then all is healed.
    p.t1().faults().heal();
    p.t2().faults().dropFrom(Set.of(N1));
    p.t1().send(A, B, put(5));
    assertThat(p.at2().poll(300, TimeUnit.MILLISECONDS)).isNull();
    p.t2().faults().heal();
    p.t1().send(A, B, put(6));
    assertThat(p.at2().poll(5, TimeUnit.SECONDS).message()).isEqualTo(put(6));
    assertThat(p.t1().faults().droppedCount() + p.t2().faults().droppedCount()).isEqualTo(2);

    // To a node nobody knows, or from a process of another node: dropped with a reason.
    p.t1().send(A, Address.of(NodeId.of("n9"), "shard-0"), put(7));
    p.t1().send(Address.of(NodeId.of("n3"), "shard-0"), B, put(8));
    assertThat(p.t1().dropCounts())
        .containsEntry("no-route", 1L)
        .containsEntry("foreign-sender", 1L);
    assertThat(p.at2().poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void heldMessagesLeaveAtTheFlushAsOneFrameInOrder() throws Exception {
    Pair p = connected();
    Address b = Address.of(N2, "shard-1");
    long frames = p.t1().framesSent();
    for (int i = 1; i <= 5; i++) p.t1().sendHeld(A, b, put(i));
    assertThat(p.at2().poll(300, TimeUnit.MILLISECONDS)).as("held until the flush").isNull();
    // A plain send to the same node takes what is held with it, ahead of itself.
    p.t1().send(A, b, put(6));
    p.t1().sendHeld(A, b, put(7));
    p.t1().sendHeld(A, b, put(8));
    p.t1().flush();
    for (int i = 1; i <= 8; i++)
      assertThat(p.at2().poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(A, b, put(i)));
    assertThat(p.t1().framesSent() - frames).as("one frame per send or flush").isEqualTo(2);
    assertThat(p.t1().sentCount()).isEqualTo(8);
    assertThat(p.t2().receivedCount()).isEqualTo(8);
    p.t1().flush(); // nothing held: sends nothing
    assertThat(p.t1().framesSent() - frames).isEqualTo(2);
  }

  @Test
  void underALinkFaultMessagesTravelAloneAndTheFaultActsOnEach() throws Exception {
    Pair p = connected();
    // A 1 ms delay is a fault: loss, delay and duplication must act on messages, not on frames.
    p.t1().faults().setDelay(TimeUnit.MILLISECONDS.toNanos(1), 0);
    long frames = p.t1().framesSent();
    p.t1().sendHeld(A, B, put(1));
    p.t1().sendHeld(A, B, put(2));
    assertThat(p.at2().poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(A, B, put(1)));
    assertThat(p.at2().poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(A, B, put(2)));
    assertThat(p.t1().framesSent() - frames).isEqualTo(2);
    assertThat(p.t1().faults().delayedCount()).isEqualTo(2);
    // Every message duplicated: each arrives twice.
    p.t1().faults().heal();
    p.t1().faults().setDuplication(1.0);
    p.t1().sendHeld(A, B, put(3));
    p.t1().flush();
    assertThat(p.at2().poll(5, TimeUnit.SECONDS).message()).isEqualTo(put(3));
    assertThat(p.at2().poll(5, TimeUnit.SECONDS).message()).isEqualTo(put(3));
    // Every message lost: none arrives.
    p.t1().faults().heal();
    p.t1().faults().setLoss(1.0);
    for (int i = 4; i <= 6; i++) p.t1().sendHeld(A, B, put(i));
    p.t1().flush();
    assertThat(p.at2().poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(p.t1().faults().droppedCount()).isEqualTo(3);
  }

  @Test
  void aFrameThatDoesNotDecodeDeliversNoneOfItsMessages() throws Exception {
    Pair p = connected();
    RecordCodec codec = NodeCodecTable.codec();
    RecordCodec.Bytes out = new RecordCodec.Bytes(256);
    for (int i = 1; i <= 2; i++) {
      out.writeString("shard-0");
      out.writeString("shard-0");
      codec.write(out, put(i), 0);
    }
    byte[] good = out.toByteArray();
    // Two whole messages, then a third cut short.
    out.writeString("shard-0");
    byte[] cut = out.toByteArray();
    p.t2().onFrame(N1, cut, 0, cut.length);
    assertThat(p.at2().poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(p.t2().dropCounts()).containsEntry("malformed", 1L);
    // The same two messages, whole: both delivered, in order, from the node the link names.
    p.t2().onFrame(N1, good, 0, good.length);
    assertThat(p.at2().poll(1, TimeUnit.SECONDS)).isEqualTo(new Received(A, B, put(1)));
    assertThat(p.at2().poll(1, TimeUnit.SECONDS)).isEqualTo(new Received(A, B, put(2)));
  }

  /** Writes length-prefixed frames on a raw socket in one write, as a stranger would. */
  private static void frames(Socket s, RecordCodec.Bytes... frames) throws IOException {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    for (RecordCodec.Bytes b : frames) {
      out.writeInt(b.size());
      out.write(b.array(), 0, b.size());
    }
    s.getOutputStream().write(buf.toByteArray());
    s.getOutputStream().flush();
  }

  private static RecordCodec.Bytes hello(long version, String cluster, String node) {
    RecordCodec.Bytes h = new RecordCodec.Bytes(64);
    h.writeVarLong(version);
    h.writeString(cluster);
    h.writeString(node);
    return h;
  }

  private static RecordCodec.Bytes message(int seq) {
    RecordCodec.Bytes m = new RecordCodec.Bytes(64);
    m.writeString("shard-0");
    m.writeString("shard-0");
    NodeCodecTable.codec().write(m, put(seq), 0);
    return m;
  }

  @Test
  void aConnectionThatIsNotAPeerOfThisClusterDeliversNothing() throws Exception {
    Pair p = connected();
    InetAddress lo = InetAddress.getLoopbackAddress();
    int port = p.ports().get(1);
    List<RecordCodec.Bytes> hellos =
        List.of(
            hello(NetTransport.WIRE_VERSION, "another-cluster", "n1"),
            hello(NetTransport.WIRE_VERSION + 1, p.cluster(), "n1"),
            hello(NetTransport.WIRE_VERSION, p.cluster(), "n2"));
    for (RecordCodec.Bytes h : hellos) {
      try (Socket s = new Socket(lo, port)) {
        frames(s, h, message(1));
        s.setSoTimeout(5_000);
        assertThat(s.getInputStream().read()).as("the transport hangs up").isEqualTo(-1);
      }
    }
    // A length no frame may have: the connection is closed before anything is read into memory.
    try (Socket s = new Socket(lo, port)) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeInt(-5);
      out.flush();
      s.setSoTimeout(5_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(p.at2().poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(p.t2().dropCounts())
        .containsEntry("other-cluster", 1L)
        .containsEntry("version", 1L)
        .containsEntry("self", 1L)
        .containsEntry("bad-length", 1L);
    // A stranger speaking the protocol right is heard (the hello is all a peer proves).
    try (Socket s = new Socket(lo, port)) {
      frames(s, hello(NetTransport.WIRE_VERSION, p.cluster(), "n1"), message(9));
      assertThat(p.at2().poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(A, B, put(9)));
    }
  }

  @Test
  void aNodeThatIsNotAConfiguredPeerIsAnsweredOverItsOwnConnection() throws Exception {
    Pair p = connected();
    // c1 knows n2; n2 was never told of c1.
    NodeId c1 = NodeId.of("c1");
    int port = LocalPorts.free(1).get(0);
    NetTransport client = start(c1, N2, port, p.ports().get(1), p.cluster());
    LinkedBlockingQueue<Received> atClient = new LinkedBlockingQueue<>();
    client.bind((f, t, m) -> atClient.add(new Received(f, t, m)));
    awaitView(client, 2);
    Address c = Address.of(c1, "client");
    client.send(c, B, put(1));
    assertThat(p.at2().poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(c, B, put(1)));
    assertThat(p.t2().view()).containsExactly(c1, N1, N2);
    p.t2().send(B, c, put(2));
    assertThat(atClient.poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(B, c, put(2)));
    // Once its connection is gone, n2 has no way to it.
    client.close();
    awaitView(p.t2(), 2);
    p.t2().send(B, c, put(3));
    assertThat(p.t2().dropCounts()).containsEntry("no-route", 1L);
  }

  @Test
  void aRestartedPeerIsDialledAgainAndMessagesToItWhileDownAreDropped() throws Exception {
    Pair p = connected();
    p.t2().close();
    awaitView(p.t1(), 1);
    p.t1().send(A, B, put(1));
    assertThat(p.t1().dropCounts()).containsEntry("not-connected", 1L);
    // The peer comes back on the same port: n1 finds it again by itself.
    NetTransport t2 = start(N2, N1, p.ports().get(1), p.ports().get(0), p.cluster());
    LinkedBlockingQueue<Received> at2 = new LinkedBlockingQueue<>();
    t2.bind((f, t, m) -> at2.add(new Received(f, t, m)));
    awaitView(p.t1(), 2);
    p.t1().send(A, B, put(2));
    assertThat(at2.poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(A, B, put(2)));
  }

  @Test
  void aPeerThatHangsUpAtOnceIsRedialledWithAGrowingBackoff() throws Exception {
    List<Integer> ports = LocalPorts.free(2);
    InetAddress lo = InetAddress.getLoopbackAddress();
    java.util.concurrent.atomic.AtomicInteger accepted =
        new java.util.concurrent.atomic.AtomicInteger();
    try (ServerSocket rude = new ServerSocket(ports.get(1), 50, lo)) {
      Thread t =
          new Thread(
              () -> {
                while (!rude.isClosed()) {
                  try (Socket s = rude.accept()) {
                    accepted.incrementAndGet(); // and hang up
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      start(N1, N2, ports.get(0), ports.get(1), "txlab-test-" + ports.get(0));
      Thread.sleep(1_500);
      // 10, 20, 40, … 500 ms between dials: some eight in 1.5 s. Resetting the backoff on every
      // successful connect would dial every 10 ms: over a hundred.
      assertThat(accepted.get()).as("dials in 1.5 s").isBetween(2, 20);
    }
  }

  @Test
  void aPeerThatStopsReadingNeverBlocksTheSender() throws Exception {
    List<Integer> ports = LocalPorts.free(2);
    String cluster = "txlab-test-" + ports.get(0);
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (ServerSocket deaf = new ServerSocket(ports.get(1), 1, lo)) {
      NetTransport t1 = start(N1, N2, ports.get(0), ports.get(1), cluster);
      Socket accepted = deaf.accept(); // n1 dials; nobody ever reads
      open.add(accepted);
      awaitView(t1, 2);
      KvMessage.ClientRequest big =
          new KvMessage.ClientRequest("c", 1, new KvOp.Put("k", "x".repeat(64 * 1024)));
      // 64 MB into a link that drains nothing: the kernel's buffers and the write queue fill, and
      // then sends are dropped — each send returns, none waits for the peer.
      for (int i = 0; i < 1_000; i++) t1.send(A, B, big);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!t1.dropCounts().containsKey("backpressure")) {
        assertThat(System.nanoTime()).as("sends to a deaf peer are dropped").isLessThan(deadline);
        t1.send(A, B, big);
        Thread.sleep(5);
      }
    }
  }
}
