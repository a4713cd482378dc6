package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shapes at the edges run to a verdict, never to a crash (issue 12): fifty nodes, no clients at
 * all, a one-second run, two replicas per shard (a kill leaves no majority: the shard stalls, it
 * does not fail), and an hour of simulated time.
 */
class ExtremeShapesTest {
  @TempDir Path dir;

  private JsonNode run(String name, String yaml, int expectedStatus) throws Exception {
    Path script = dir.resolve(name + ".yaml");
    Files.writeString(script, "name: " + name + "\n" + yaml);
    Path out = dir.resolve(name);
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("run", script.toString(), "--out", out.toString());
    assertThat(r.status()).as(name + ": " + r.out() + r.err()).isEqualTo(expectedStatus);
    return new ObjectMapper().readTree(out.resolve("results.json").toFile());
  }

  @Test
  void fiftyNodesUnderFaults() throws Exception {
    JsonNode r =
        run(
            "fifty",
            """
            duration: 10s
            nodes: 50
            shards: 10
            replicas: 3
            protocol: spanner
            workload: {name: list-append, clients: 20, rate: 100}
            faults: [random partitions every ~3s for ~1s, random kill every ~4s for ~2s]
            """,
            0);
    assertThat(r.get("checks").get("strict-serializable").get("valid").asText()).isEqualTo("true");
  }

  @Test
  void noClientsIsUnknownNotAFailure() throws Exception {
    JsonNode r =
        run(
            "idle",
            """
            duration: 5s
            nodes: 3
            shards: 2
            replicas: 3
            workload: {name: list-append, clients: 0}
            faults: [random kill every ~2s for ~1s]
            """,
            3);
    assertThat(r.get("checks").get("converged").get("valid").asText()).isEqualTo("unknown");
    assertThat(r.get("checks").get("converged").get("summary").asText())
        .contains("no client operation");
  }

  @Test
  void aOneSecondRun() throws Exception {
    run(
        "short",
        """
        duration: 1s
        nodes: 3
        shards: 1
        replicas: 3
        workload: {name: list-append, clients: 2, rate: 10}
        """,
        0);
  }

  @Test
  void twoReplicasStallWithoutAMajorityButNeverFail() throws Exception {
    JsonNode r =
        run(
            "pairs",
            """
            duration: 10s
            nodes: 3
            shards: 2
            replicas: 2
            workload: {name: list-append, clients: 4, rate: 20}
            faults: [random kill every ~3s for ~2s]
            """,
            0);
    assertThat(r.get("checks").get("strict-serializable").get("valid").asText()).isEqualTo("true");
  }

  @Test
  void anHourOfSimulatedTime() throws Exception {
    JsonNode r =
        run(
            "hour",
            """
            duration: 1h
            nodes: 3
            shards: 2
            replicas: 3
            workload: {name: list-append, clients: 2, rate: 1}
            faults: [random partitions every ~60s for ~10s, random kill every ~90s for ~20s]
            """,
            0);
    assertThat(r.get("stats").get("sim_seconds").asDouble()).isGreaterThan(3600);
  }
}
