package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crdb plug-in on the live host: three real node processes run its ranges and gateways, a node
 * is killed and comes back, and the history is serializable — with the gateways' retry counters
 * read from the nodes.
 */
@org.junit.jupiter.api.Tag("real-time")
class CrdbLiveTest {
  @TempDir Path dir;

  @Test
  void crdbRunsOnRealNodesAndItsHistoryIsSerializable() throws Exception {
    Path script = dir.resolve("crdb-live.yaml");
    Files.writeString(
        script,
        """
        name: crdb-live
        duration: 6s
        converge: 3s
        nodes: 3
        shards: 2
        replicas: 3
        protocol: crdb
        workload: {name: list-append, clients: 4, rate: 40}
        consistency: [serializable]
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
    assertThat(results.get("metrics").has("txn_pushes")).as("read from the nodes").isTrue();
    assertThat(results.get("faults").toString()).contains("kill n2").contains("restart n2");
  }
}
