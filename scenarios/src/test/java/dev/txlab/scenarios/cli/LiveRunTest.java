package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code txlab run --host live} in the default build: a short transactional scenario on three real
 * node processes, its faults applied through the live nemesis with the simulator's meaning —
 * overlapping partition windows that add up, a kill whose window restarts the node — and a run
 * directory that states what happened: the host, the nodes' process ids, the faults as applied, and
 * no field only a simulation has.
 */
@org.junit.jupiter.api.Tag("real-time")
class LiveRunTest {
  @TempDir Path dir;

  @Test
  void aLiveRunAppliesItsScheduleAndWritesAnHonestDirectory() throws Exception {
    Path script = dir.resolve("live-short.yaml");
    Files.writeString(
        script,
        """
        name: live-short
        duration: 6s
        converge: 3s
        nodes: 3
        shards: 1
        replicas: 3
        protocol: spanner
        workload: {name: list-append, clients: 4, rate: 40, timeout: 1s}
        consistency: [serializable]
        faults:
          - at 1s for 3s partition n1|n2,n3
          - at 2s for 2s isolate n3
          - at 1500ms for 1s kill n2
        """);
    Path out = dir.resolve("out");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run", script.toString(), "--host", "live", "--out", out.toString(), "--json");
    assertThat(r.status()).as(r.err()).isEqualTo(0);
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(results.get("host").asText()).isEqualTo("live");
    assertThat(results.get("valid").asBoolean()).as(results.toString()).isTrue();
    for (String simulatedOnly : List.of("trace_sha256", "raft_violations", "replay")) {
      assertThat(results.has(simulatedOnly)).as(simulatedOnly).isFalse();
    }
    assertThat(results.get("stats").has("events")).isFalse();
    assertThat(results.get("pids").size()).isEqualTo(3);
    assertThat(results.get("notes").toString()).contains("cluster stopped: no node process left");
    String faults = results.get("faults").toString();
    assertThat(faults)
        .contains("partition n1|n2,n3")
        .contains("isolate n3")
        .contains("kill n2")
        .contains("restart n2");
    // The nemesis' log: each node told exactly its cut set, the two windows adding up for n3.
    String log = Files.readString(out.resolve("cluster").resolve("faults.jsonl"));
    assertThat(log)
        .contains("n3 cut from n1,n2")
        .contains("n1 cut from n2,n3")
        .contains("restarted n2");
    String report = Files.readString(out.resolve("report.html"));
    assertThat(report).contains("live host").contains("Live host").doesNotContain("trace sha256");
  }
}
