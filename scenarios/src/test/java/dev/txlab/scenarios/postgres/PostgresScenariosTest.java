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
        "postgres-disconnect-clients"
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
}
