package dev.txlab.scenarios.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.live.JGroupsTransport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every port a cluster's layout gives its nodes — JGroups, HTTP and admin, of every node — is a
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
        ports.addAll(List.of(n.jgroupsPort(), n.httpPort(), n.adminPort()));
      }
      assertThat(new HashSet<>(ports)).as("layout %d: %s", layout, ports).hasSize(15);
      // Nor in a failure-detection window (JGroups port + 100…103): about 1 in 80 five-node layouts
      // drew one, and then whichever bound second failed (the likely cause of a start seen failing
      // with a node's HTTP server unable to bind).
      for (int i = 0; i < 5; i++) {
        int low = ports.get(3 * i) + JGroupsTransport.FAILURE_DETECTION_PORT_OFFSET;
        for (int p : ports)
          assertThat(p < low || p > low + JGroupsTransport.FAILURE_DETECTION_PORT_RANGE)
              .as(
                  "layout %d: port %d in n%d's failure-detection window %s",
                  layout, p, i + 1, ports)
              .isTrue();
      }
    }
  }
}
