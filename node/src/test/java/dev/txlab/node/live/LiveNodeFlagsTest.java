package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node's command line: a static host list places each node at its own address. */
class LiveNodeFlagsTest {
  private static final String[] BASE = {
    "--node", "n2", "--nodes", "n1,n2,n3", "--ports", "7800,7801,7802"
  };

  private static String[] with(String... extra) {
    String[] out = java.util.Arrays.copyOf(BASE, BASE.length + extra.length);
    System.arraycopy(extra, 0, out, BASE.length, extra.length);
    return out;
  }

  @Test
  void withoutHostsEveryNodeIsAtTheBindAddress() throws Exception {
    LiveNode.Config c = LiveNode.parseArgs(BASE, List.of()).config();
    assertThat(c.hosts())
        .containsExactly(
            InetAddress.getByName("127.0.0.1"),
            InetAddress.getByName("127.0.0.1"),
            InetAddress.getByName("127.0.0.1"));
  }

  @Test
  void aHostListPutsEachNodeAtItsAddress() throws Exception {
    LiveNode.Config c =
        LiveNode.parseArgs(with("--hosts", "127.0.0.1,127.0.0.2,127.0.0.3"), List.of()).config();
    assertThat(c.hosts())
        .containsExactly(
            InetAddress.getByName("127.0.0.1"),
            InetAddress.getByName("127.0.0.2"),
            InetAddress.getByName("127.0.0.3"));
  }

  @Test
  void aHostListOfTheWrongLengthIsRefusedNamingTheFlag() {
    assertThatThrownBy(() -> LiveNode.parseArgs(with("--hosts", "127.0.0.1,127.0.0.2"), List.of()))
        .hasMessageContaining("--hosts")
        .hasMessageContaining("one host per node");
  }
}
