package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled transactional scenarios run on the live host ({@code -Psoak}; about half a minute
 * each, in real time): they meet every expectation the live host measures, name the ones it cannot,
 * and leave no node process behind.
 */
@Tag("soak")
class LiveRunSoakTest {
  @TempDir Path dir;

  private JsonNode run(String scenario) throws Exception {
    Path out = dir.resolve(scenario);
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run", scenario, "--host", "live", "--out", out.toString(), "--json");
    assertThat(r.status()).as(r.err()).isEqualTo(0);
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(results.get("host").asText()).isEqualTo("live");
    assertThat(results.get("valid").asBoolean()).isTrue();
    assertThat(results.get("expectations_met").asBoolean()).isTrue();
    assertThat(results.get("notes").toString()).contains("cluster stopped: no node process left");
    return results;
  }

  @Test
  void quickstartRunsLive() throws Exception {
    JsonNode results = run("quickstart");
    assertThat(results.get("expectations_not_measured").toString())
        .contains("raft_safety_violations")
        .doesNotContain("commits");
    assertThat(results.get("metrics").get("commits").asInt()).isGreaterThan(100);
    assertThat(results.get("metrics").get("faults_applied").asInt()).isGreaterThan(3);
  }

  @Test
  void twoPhaseCommitCoordinatorCrashRunsLive() throws Exception {
    JsonNode results = run("2pc-coordinator-crash");
    // The coordinator's node halts itself at the phase, so the blocking is real and measured.
    assertThat(results.get("expectations_not_measured").toString()).doesNotContain("blocked");
    assertThat(results.get("metrics").get("blocked_txns").asInt()).isGreaterThan(0);
    assertThat(results.get("metrics").get("blocked_ms_max").asDouble())
        .isGreaterThanOrEqualTo(9000);
    assertThat(results.get("metrics").get("lock_hold_ms_max").asDouble())
        .isGreaterThanOrEqualTo(9000);
    assertThat(results.get("notes").toString()).contains("kill coordinator after prepare");
    assertThat(results.get("faults").toString()).contains("kill coordinator after prepare → n1");
  }

  @Test
  void twoPhaseCommitWithAReplicatedCoordinatorRunsLive() throws Exception {
    JsonNode results = run("2pc-replicated-coordinator");
    assertThat(results.get("metrics").get("blocked_txns").asInt()).isZero();
  }
}
