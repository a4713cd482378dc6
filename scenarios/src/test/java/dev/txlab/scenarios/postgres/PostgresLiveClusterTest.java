package dev.txlab.scenarios.postgres;

import static dev.txlab.scenarios.postgres.PostgresScenariosTest.servers;
import static dev.txlab.scenarios.postgres.PostgresScenariosTest.txlab;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txlab.scenarios.postgres.PostgresScenariosTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL beside live txlab nodes: the real CDC lab (PostgreSQL streamed by Debezium into a live
 * raft-kv cluster) meets its expectations, and {@code txlab compare} runs PostgreSQL and a live
 * cluster side by side; neither leaves a server or a node process behind. Real time: these run with
 * the other live tests, not beside a busy simulation.
 */
@Tag("real-time")
class PostgresLiveClusterTest {
  @TempDir Path dir;

  @Test
  void realCdcIntoALiveClusterConvergesWithTheRetainedWalPlotted() throws Exception {
    List<ProcessHandle> before = servers();
    Path out = dir.resolve("postgres-cdc");
    Run r = txlab("run", "postgres-cdc", "--out", out.toString(), "--json");
    assertThat(r.status()).as(r.err() + r.out()).isZero();
    JsonNode results = new ObjectMapper().readTree(r.out());
    results
        .get("expectations")
        .fields()
        .forEachRemaining(e -> assertThat(e.getValue().asBoolean()).as(e.getKey()).isTrue());
    assertThat(results.get("host").asText()).isEqualTo("live");
    // Debezium's own log beside the server's; the slot's WAL and the consumer's progress
    // plotted; every raft-kv node of the new store stopped.
    assertThat(out.resolve("cluster").resolve("postgres.log")).isRegularFile();
    assertThat(out.resolve("cluster").resolve("cdc.log")).isRegularFile();
    String report = Files.readString(out.resolve("report.html"));
    assertThat(report)
        .contains("retained WAL (the slot&#39;s restart position) over time")
        .contains("changes applied to the new store over time");
    assertThat(results.get("notes").toString()).contains("no node process left");
    assertThat(results.get("metrics").get("changes_applied").asDouble()).isPositive();
    assertThat(servers()).as("no PostgreSQL left running").isSubsetOf(before);
  }

  /**
   * {@code txlab compare} with PostgreSQL goes to the live host by itself: PostgreSQL and a live
   * txlab cluster run the same transactions one after the other, the leader kill lands on each (the
   * server for PostgreSQL, shard-0's Raft leader for Spanner), both histories are checked, and
   * neither a server nor a node process is left.
   */
  @Test
  void postgresAgainstALiveClusterSideBySide() throws Exception {
    List<ProcessHandle> before = servers();
    Path out = dir.resolve("compare");
    Run r =
        txlab(
            "compare",
            "postgres-vs-newsql",
            "--protocols",
            "postgres,spanner",
            "--set",
            "duration=5s",
            "--set",
            "converge=3s",
            "--set",
            "faults=[at 2s for 1s kill leader:shard-0]",
            "--out",
            out.toString(),
            "--json");
    assertThat(r.status()).as(r.err() + r.out()).isZero();
    assertThat(r.err()).contains("comparing on the live host");
    JsonNode c = new ObjectMapper().readTree(r.out());
    assertThat(c.get("host").asText()).isEqualTo("live");
    assertThat(c.get("protocols")).hasSize(2);
    for (JsonNode p : c.get("protocols")) {
      String name = p.get("protocol").asText();
      assertThat(p.get("faults_not_applied")).as(name).isEmpty();
      JsonNode run = p.get("runs").get(0);
      assertThat(run.get("verdicts").get("serializable").asText()).as(name).isEqualTo("valid");
      assertThat(run.get("ok_per_s").asDouble()).as(name).isPositive();
      Path report = out.resolve(run.get("dir").asText()).resolve("report.html");
      assertThat(report).as(name).isRegularFile();
      JsonNode results =
          new ObjectMapper()
              .readTree(out.resolve(run.get("dir").asText()).resolve("results.json").toFile());
      assertThat(results.get("host").asText()).isEqualTo("live");
      assertThat(results.toString()).as(name).contains("kill");
    }
    assertThat(out.resolve("compare.html")).content().contains("On the live host");
    assertThat(servers()).as("no PostgreSQL left running").isSubsetOf(before);
    assertThat(
            ProcessHandle.allProcesses()
                .filter(
                    p ->
                        p.info()
                            .commandLine()
                            // A node's command line names its --dir, under the run's directory.
                            .map(cl -> cl.contains(out.toString()))
                            .orElse(false))
                .toList())
        .as("no node process left")
        .isEmpty();
  }
}
