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
    List<Integer> ports = freePorts(2);
    NodeId n1 = NodeId.of("n1");
    NodeId n2 = NodeId.of("n2");
    String cluster = "txlab-test-" + ports.get(0);
    JGroupsTransport t1 =
        new JGroupsTransport(
            JGroupsTransport.Config.loopback(n1, cluster, ports.get(0), ports, 1),
            NodeCodecTable.codec());
    open.add(t1);
    JGroupsTransport t2 =
        new JGroupsTransport(
            JGroupsTransport.Config.loopback(n2, cluster, ports.get(1), ports, 2),
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
}
