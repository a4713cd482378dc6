package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.kv.KvMessage;
import dev.txlab.node.kv.KvOp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two JGroups transports on loopback: messages flow, faults cut them, nothing listens beyond TCP.
 */
class JGroupsTransportTest {
  private final List<JGroupsTransport> open = new ArrayList<>();

  @AfterEach
  void close() {
    open.forEach(JGroupsTransport::close);
  }

  /** Free TCP ports on 127.0.0.1 (asked of the OS, then released). */
  static List<Integer> freePorts(int n) throws IOException {
    return dev.txlab.node.live.LocalPorts.free(n);
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
      for (String line :
          java.nio.file.Files.readAllLines(t)
              .subList(1, java.nio.file.Files.readAllLines(t).size())) {
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

  @Test
  void messagesFlowBothWaysAndLinkFaultsCutThemOneWay() throws Exception {
    Pair p = joined();
    JGroupsTransport t1 = p.t1();
    JGroupsTransport t2 = p.t2();
    LinkedBlockingQueue<Received> at1 = p.at1();
    LinkedBlockingQueue<Received> at2 = p.at2();
    NodeId n1 = NodeId.of("n1");
    NodeId n2 = NodeId.of("n2");
    assertThat(t1.diagnosticsEnabled()).isFalse();
    assertThat(t2.diagnosticsEnabled()).isFalse();
    assertThat(wildcardListeners())
        .as("every socket this JVM listens on is bound to loopback")
        .isEmpty();

    Address a = Address.of(n1, "shard-0");
    Address b = Address.of(n2, "shard-0");
    KvMessage.ClientRequest req = new KvMessage.ClientRequest("c", 1, new KvOp.Put("k", "v"));
    t1.send(a, b, req);
    assertThat(at2.poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(a, b, req));
    t2.send(b, a, req);
    assertThat(at1.poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(b, a, req));

    // n1 stops sending to n2; n2 can still reach n1.
    t1.faults().dropTo(Set.of(n2));
    t1.send(a, b, req);
    t2.send(b, a, req);
    assertThat(at1.poll(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(at2.poll(300, TimeUnit.MILLISECONDS)).isNull();
    // n2 ignores n1's messages instead; then all is healed.
    t1.faults().heal();
    t2.faults().dropFrom(Set.of(n1));
    t1.send(a, b, req);
    assertThat(at2.poll(300, TimeUnit.MILLISECONDS)).isNull();
    t2.faults().heal();
    t1.send(a, b, req);
    assertThat(at2.poll(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(t1.faults().droppedCount() + t2.faults().droppedCount()).isEqualTo(2);

    // To a node nobody knows: dropped with a reason.
    t1.send(a, Address.of(NodeId.of("n9"), "shard-0"), req);
    assertThat(t1.dropCounts()).containsEntry("no-route", 1L);
  }

  /** Two transports joined in one view, each with a queue of what it received. */
  private record Pair(
      JGroupsTransport t1,
      JGroupsTransport t2,
      LinkedBlockingQueue<Received> at1,
      LinkedBlockingQueue<Received> at2) {}

  private Pair joined() throws Exception {
    List<Integer> ports = freePorts(2);
    String cluster = "txlab-test-" + ports.get(0);
    JGroupsTransport t1 =
        new JGroupsTransport(
            JGroupsTransport.Config.loopback(NodeId.of("n1"), cluster, ports.get(0), ports, 1),
            NodeCodecTable.codec());
    open.add(t1);
    JGroupsTransport t2 =
        new JGroupsTransport(
            JGroupsTransport.Config.loopback(NodeId.of("n2"), cluster, ports.get(1), ports, 2),
            NodeCodecTable.codec());
    open.add(t2);
    LinkedBlockingQueue<Received> at1 = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<Received> at2 = new LinkedBlockingQueue<>();
    t1.bind((f, t, m) -> at1.add(new Received(f, t, m)));
    t2.bind((f, t, m) -> at2.add(new Received(f, t, m)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t1.members().size() < 2 || t2.members().size() < 2) {
      assertThat(System.nanoTime()).as("both nodes in one view").isLessThan(deadline);
      Thread.sleep(10);
    }
    return new Pair(t1, t2, at1, at2);
  }

  private static KvMessage.ClientRequest put(int seq) {
    return new KvMessage.ClientRequest("c", seq, new KvOp.Put("k" + seq, "v" + seq));
  }

  @Test
  void heldMessagesLeaveAtTheFlushAsOneFrameInOrder() throws Exception {
    Pair p = joined();
    Address a = Address.of(NodeId.of("n1"), "shard-0");
    Address b = Address.of(NodeId.of("n2"), "shard-1");
    long frames = p.t1().framesSent();
    for (int i = 1; i <= 5; i++) p.t1().sendHeld(a, b, put(i));
    assertThat(p.at2().poll(300, TimeUnit.MILLISECONDS)).as("held until the flush").isNull();
    // A plain send to the same node takes what is held with it, ahead of itself.
    p.t1().send(a, b, put(6));
    p.t1().sendHeld(a, b, put(7));
    p.t1().sendHeld(a, b, put(8));
    p.t1().flush();
    for (int i = 1; i <= 8; i++)
      assertThat(p.at2().poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(a, b, put(i)));
    assertThat(p.t1().framesSent() - frames).as("one frame per send or flush").isEqualTo(2);
    assertThat(p.t1().sentCount()).isEqualTo(8);
    assertThat(p.t2().receivedCount()).isEqualTo(8);
    p.t1().flush(); // nothing held: sends nothing
    assertThat(p.t1().framesSent() - frames).isEqualTo(2);
  }

  @Test
  void underALinkFaultHeldMessagesTravelAlone() throws Exception {
    Pair p = joined();
    Address a = Address.of(NodeId.of("n1"), "shard-0");
    Address b = Address.of(NodeId.of("n2"), "shard-0");
    // A 1 ms delay is a fault: loss, delay and duplication must act on messages, not on frames.
    p.t1().faults().setDelay(TimeUnit.MILLISECONDS.toNanos(1), 0);
    long frames = p.t1().framesSent();
    p.t1().sendHeld(a, b, put(1));
    p.t1().sendHeld(a, b, put(2));
    assertThat(p.at2().poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(a, b, put(1)));
    assertThat(p.at2().poll(5, TimeUnit.SECONDS)).isEqualTo(new Received(a, b, put(2)));
    assertThat(p.t1().framesSent() - frames).isEqualTo(2);
  }

  @Test
  void aFrameThatDoesNotDecodeDeliversNoneOfItsMessages() throws Exception {
    Pair p = joined();
    RecordCodec codec = NodeCodecTable.codec();
    RecordCodec.Bytes out = new RecordCodec.Bytes(256);
    out.writeVarLong(JGroupsTransport.WIRE_VERSION);
    for (int i = 1; i <= 2; i++) {
      out.writeString("n1");
      out.writeString("shard-0");
      out.writeString("shard-0");
      codec.write(out, put(i), 0);
    }
    byte[] good = out.toByteArray();
    // Two whole messages, then a third cut short.
    out.writeString("n1");
    out.writeString("shard-0");
    byte[] cut = out.toByteArray();
    p.t2().onBytes(cut, 0, cut.length);
    assertThat(p.at2().poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(p.t2().dropCounts()).containsEntry("malformed", 1L);
    // The same two messages, whole: both delivered, in order.
    p.t2().onBytes(good, 0, good.length);
    assertThat(p.at2().poll(1, TimeUnit.SECONDS).message()).isEqualTo(put(1));
    assertThat(p.at2().poll(1, TimeUnit.SECONDS).message()).isEqualTo(put(2));
    // Another wire version: dropped whole.
    byte[] old = good.clone();
    old[0] = 1;
    p.t2().onBytes(old, 0, old.length);
    assertThat(p.at2().poll(200, TimeUnit.MILLISECONDS)).isNull();
    assertThat(p.t2().dropCounts()).containsEntry("version", 1L);
  }
}
