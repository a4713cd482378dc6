package dev.txlab.scenarios.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txlab.scenarios.cli.Txlab;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled PostgreSQL scenarios against a real server that txlab starts itself: each meets its
 * expectations (serializable at SERIALIZABLE, write skew at REPEATABLE READ, not even snapshot
 * isolation at READ COMMITTED, no committed transaction lost to a SIGKILL) and leaves no server
 * process behind. A real server is not simulated: asked to, txlab says so.
 */
@org.junit.jupiter.api.Tag("real-time")
class PostgresScenariosTest {
  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  static Run txlab(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Txlab.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  /**
   * The PostgreSQL servers running on data this test process made (other processes on the machine,
   * such as another test fork, run their own).
   */
  static List<ProcessHandle> servers() {
    java.util.Set<Path> made = PostgresServer.madeInThisProcess();
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                        .commandLine()
                        .map(c -> made.stream().anyMatch(d -> c.contains(d.toString())))
                        .orElse(false)
                    && p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "postgres-serializable",
        "postgres-repeatable-read",
        "postgres-read-committed",
        "postgres-crash",
        "postgres-disconnect-clients",
        "postgres-cdc"
      })
  void meetsItsExpectationsAndLeavesNoServer(String scenario) throws Exception {
    List<ProcessHandle> before = servers();
    Path out = dir.resolve(scenario);
    Run r = txlab("run", scenario, "--out", out.toString(), "--json");
    assertThat(r.status()).as(r.err() + r.out()).isZero();
    JsonNode results = new ObjectMapper().readTree(r.out());
    results
        .get("expectations")
        .fields()
        .forEachRemaining(e -> assertThat(e.getValue().asBoolean()).as(e.getKey()).isTrue());
    assertThat(results.get("host").asText()).isEqualTo("live");
    assertThat(out.resolve("cluster").resolve("postgres.log")).isRegularFile();
    assertThat(servers()).as("no PostgreSQL left running").isSubsetOf(before);
    if (scenario.equals("postgres-cdc")) {
      // Debezium's own log beside the server's; the slot's WAL and the consumer's progress
      // plotted; every raft-kv node of the new store stopped.
      assertThat(out.resolve("cluster").resolve("cdc.log")).isRegularFile();
      String report = java.nio.file.Files.readString(out.resolve("report.html"));
      assertThat(report)
          .contains("retained WAL (the slot&#39;s restart position) over time")
          .contains("changes applied to the new store over time");
      assertThat(results.get("notes").toString()).contains("no node process left");
      assertThat(results.get("metrics").get("changes_applied").asDouble()).isPositive();
    }
  }

  @Test
  void aRealServerIsNotSimulatedNorComparedOnTheSimulator() {
    Run sim = txlab("run", "postgres-serializable", "--host", "sim");
    assertThat(sim.status()).isEqualTo(2);
    assertThat(sim.err()).contains("real server").contains("--host live");
    Run compare =
        txlab("compare", "quickstart", "--protocols", "spanner,postgres", "--host", "sim");
    assertThat(compare.status()).isEqualTo(2);
    assertThat(compare.err()).contains("postgres is a real server").contains("--host live");
    Run show = txlab("protocols", "show", "postgresql");
    assertThat(show.status()).isZero();
    assertThat(show.out())
        .contains("runs on: the live host only")
        .contains("isolation")
        .contains("serializable|repeatable-read|read-committed");
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
