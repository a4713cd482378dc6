package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code saga-vs-2pc} side by side: the same orders and the same coordinator crash on {@code saga}
 * and on {@code classic}. 2PC keeps its reads read-committed but blocks in doubt for the outage;
 * the saga ends every saga and conserves money, but its reports read intermediate state (G1b).
 */
class SagaCompareTest {
  @TempDir Path dir;

  @Test
  void twoPhaseCommitBlocksWhileTheSagaShowsItsIntermediateState() throws Exception {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "compare",
            "saga-vs-2pc",
            "--protocols",
            "saga,classic",
            "--out",
            dir.resolve("cmp").toString(),
            "--json");
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    JsonNode saga = null;
    JsonNode classic = null;
    for (JsonNode p : j.get("protocols")) {
      if (p.get("protocol").asText().equals("saga")) saga = p.get("runs").get(0);
      if (p.get("protocol").asText().equals("classic")) classic = p.get("runs").get(0);
    }
    assertThat(saga).as(r.out()).isNotNull();
    assertThat(classic).as(r.out()).isNotNull();
    assertThat(saga.get("verdicts").get("read-committed").asText()).isEqualTo("INVALID");
    assertThat(saga.get("verdicts").get("saga-terminal").asText()).isEqualTo("valid");
    assertThat(saga.get("verdicts").get("conserved").asText()).isEqualTo("valid");
    assertThat(classic.get("verdicts").get("read-committed").asText()).isEqualTo("valid");
    assertThat(saga.get("anomalies").toString()).contains("G1b");
    assertThat(classic.get("waits").get("in_doubt_ms_max").asDouble())
        .as("2PC in doubt for most of the 8 s outage: %s", classic)
        .isGreaterThan(6000);
  }
}
