package dev.txlab.scenarios.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every port a cluster's layout gives its nodes — peer, HTTP and admin, of every node — is a
 * different port: two the same, and one node cannot bind what another of its cluster holds (a live
 * run failed so when three separate draws repeated a port across them, about once in 200 five-node
 * layouts).
 */
class LayoutPortsTest {
  @TempDir Path dir;

  @Test
  void noTwoPortsOfALayoutAreTheSame() throws Exception {
    LiveCluster.StartOptions o =
        LiveCluster.StartOptions.defaults(dir).withShape(5, 3, 3).withProtocol("raft-kv");
    for (int layout = 0; layout < 2000; layout++) {
      List<Integer> ports = new ArrayList<>();
      for (ClusterFile.Node n : LiveCluster.layout(o, dir).nodeProcesses()) {
        ports.addAll(List.of(n.peerPort(), n.httpPort(), n.adminPort()));
      }
      assertThat(new HashSet<>(ports)).as("layout %d: %s", layout, ports).hasSize(15);
    }
  }
}
