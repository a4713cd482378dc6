package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The percolator plug-in on the live host: three real node processes run its shards, the oracle and
 * their gateways, a node is killed and comes back (an oracle replica with it), and the history is
 * snapshot-isolated — with the gateways' oracle and lock counters read from the nodes.
 */
@org.junit.jupiter.api.Tag("real-time")
class PercolatorLiveTest {
  @TempDir Path dir;

  @Test
  void percolatorRunsOnRealNodesAndItsHistoryIsSnapshotIsolated() throws Exception {
    Path script = dir.resolve("percolator-live.yaml");
    Files.writeString(
        script,
        """
        name: percolator-live
        duration: 6s
        converge: 3s
        nodes: 3
        shards: 2
        replicas: 3
        protocol: percolator
        workload: {name: list-append, clients: 4, rate: 40}
        consistency: [snapshot-isolation]
        faults:
          - at 1500ms for 1500ms kill n2
        """);
    Path out = dir.resolve("out");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run", script.toString(), "--host", "live", "--out", out.toString(), "--json");
    assertThat(r.status()).as(r.err()).isEqualTo(0);
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(results.get("host").asText()).isEqualTo("live");
    assertThat(results.get("valid").asBoolean()).as(results.toString()).isTrue();
    assertThat(results.get("metrics").get("txns_ok").asDouble()).isPositive();
    assertThat(results.get("metrics").has("tso_requests")).as("read from the nodes").isTrue();
    assertThat(results.get("faults").toString()).contains("kill n2").contains("restart n2");
  }
}
