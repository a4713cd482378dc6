package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saga plug-in on the live host (issue 16): real node processes run the four services, the
 * orchestrator's replicated saga log and the lanes around the simulator's saga client; the
 * orchestrator's leader halts itself mid-saga as the schedule says; and the protocol's own checks
 * are computed on the state the nodes' processes tell after the workload stopped — not on a
 * simulation. A broken mode is caught the same way: with idempotency off, a step that arrives again
 * after it applied — a duplicated and delayed message on the real links, or a step resent by the
 * orchestrator leader that took over from a paused one — is charged twice.
 */
@org.junit.jupiter.api.Tag("real-time")
class SagaLiveTest {
  @TempDir Path dir;

  private static JsonNode results(Path out) throws Exception {
    return new ObjectMapper().readTree(out.resolve("results.json").toFile());
  }

  @Test
  void orchestrationCrashMeetsItsExpectationsOnRealNodes() throws Exception {
    Path out = dir.resolve("crash");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run", "saga-orchestration-crash", "--host", "live", "--out", out.toString(), "--json");
    JsonNode results = results(out);
    assertThat(r.status()).as(r.err() + results).isEqualTo(0);
    assertThat(results.get("host").asText()).isEqualTo("live");
    assertThat(results.get("expectations_met").asBoolean()).as(results.toString()).isTrue();
    for (String check : new String[] {"saga-terminal", "conserved", "irreversible-effects"}) {
      assertThat(results.get("checks").get(check).get("valid").asBoolean())
          .as(check + ": " + results.get("checks").get(check))
          .isTrue();
    }
    assertThat(results.get("checks").get("saga-terminal").get("summary").asText())
        .containsPattern("^[1-9][0-9]* sagas, every one completed or compensated");
    JsonNode m = results.get("metrics");
    assertThat(m.get("sagas_completed").asDouble()).isPositive();
    assertThat(m.get("sagas_compensated").asDouble()).isPositive();
    assertThat(m.get("sagas_resumed").asDouble()).as("a new leader resumed sagas").isPositive();
    assertThat(m.get("sagas_in_flight").asDouble()).isZero();
    // The orchestrator's leader halted itself mid-saga (an armed kill that fired on a node).
    assertThat(results.get("faults").toString())
        .containsPattern("kill coordinator after prepare → n[1-5]");
    assertThat(results.get("notes").toString()).contains("GET /admin/probe");
  }

  @Test
  void idempotencyOffChargesTwiceWhenStepsArriveAgain() throws Exception {
    Path script = dir.resolve("saga-live-duplicates.yaml");
    Files.writeString(
        script,
        """
        name: saga-live-duplicates
        duration: 6s
        converge: 2s
        nodes: 3
        shards: 4
        replicas: 3
        protocol: saga
        idempotency: "off"
        workload: {name: saga, clients: 8, rate: 40, timeout: 5s}
        consistency: [read-uncommitted]
        faults:
          - at 0s for 6s duplicate 50%
          - at 0s for 6s delay 40ms±30ms
          - at 2s for 2s pause coordinator
        """);
    Path out = dir.resolve("dup");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run", script.toString(), "--host", "live", "--out", out.toString(), "--json");
    JsonNode results = results(out);
    assertThat(r.status()).as(r.err() + results).isEqualTo(1);
    JsonNode conserved = results.get("checks").get("conserved");
    assertThat(conserved.get("valid").asBoolean()).as(conserved.toString()).isFalse();
    assertThat(conserved.get("anomaly_types").toString())
        .containsAnyOf("double-charge", "double-refund");
    assertThat(
            results.get("metrics").get("double_charges").asDouble()
                + results.get("metrics").get("double_refunds").asDouble())
        .isPositive();
  }
}
