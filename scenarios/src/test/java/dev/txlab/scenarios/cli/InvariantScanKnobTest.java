package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariants are checked on what each step touched; {@code invariant-scan: full} checks everything
 * after every step instead, for a run that looks suspicious. The full scan only looks: the run is
 * the same, event for event.
 */
class InvariantScanKnobTest {
  @TempDir Path dir;

  private JsonNode run(String mode) throws Exception {
    Path out = dir.resolve(mode);
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run",
            "quickstart",
            "--set",
            "duration=6s",
            "--set",
            "invariant-scan=" + mode,
            "--out",
            out.toString());
    assertThat(r.status()).as(r.err()).isZero();
    return new ObjectMapper().readTree(out.resolve("results.json").toFile());
  }

  @Test
  void aFullScanChangesNothingButTheChecking() throws Exception {
    JsonNode incremental = run("incremental");
    JsonNode full = run("full");
    assertThat(full.get("knobs").get("invariant-scan").asText()).isEqualTo("full");
    assertThat(incremental.get("knobs").get("invariant-scan").asText()).isEqualTo("incremental");
    assertThat(full.get("trace_sha256").asText())
        .isEqualTo(incremental.get("trace_sha256").asText());
  }
}
