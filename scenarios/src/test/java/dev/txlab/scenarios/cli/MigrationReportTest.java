package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a migration run's report and results show: the CDC lag, the retained log and the phases as
 * time plots beside the fault bands, the steps as bands of their own, and what the protocol found
 * (divergent keys with both values) in the report and in results.json.
 */
class MigrationReportTest {
  @TempDir Path dir;

  @Test
  void theRetainedLogAndTheLagArePlottedBesideTheFaults() throws Exception {
    Path run = dir.resolve("down");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("run", "migrate-cdc-consumer-down", "--out", run.toString());
    assertThat(r.status()).as(r.err()).isZero();
    String html = Files.readString(run.resolve("report.html"));
    assertThat(html).contains("<h3>CDC lag over time</h3>");
    assertThat(html).contains("<h3>retained log over time</h3>");
    String retained = html.substring(html.indexOf("<h3>retained log over time</h3>"));
    retained = retained.substring(0, retained.indexOf("</svg>"));
    assertThat(retained).contains("class='plot series'").contains("<path d='M");
    assertThat(retained).contains("F1 kill cdc"); // the consumer's fault band, behind the line
    JsonNode results = new ObjectMapper().readTree(run.resolve("results.json").toFile());
    assertThat(results.get("metrics").get("old_store_write_refusals").asLong()).isPositive();
    assertThat(results.get("checks").get("stores-agree").get("valid").asText()).isEqualTo("true");
    assertThat(results.get("findings").has("divergent keys")).isTrue();
  }

  @Test
  void divergentKeysAreListedWithBothValuesAndStepsAreDrawn() throws Exception {
    Path run = dir.resolve("dual");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run", "migrate-dual-write", "--fault", "at 10s phase 1", "--out", run.toString());
    assertThat(r.status()).as(r.err()).isZero(); // its expectations hold
    JsonNode results = new ObjectMapper().readTree(run.resolve("results.json").toFile());
    JsonNode divergent = results.get("findings").get("divergent keys");
    assertThat(divergent.size()).isPositive();
    assertThat(divergent.get(0).asText()).matches("\\S+: old \\S+ ≠ new \\S+");
    assertThat(results.get("checks").get("stores-agree").get("valid").asText()).isEqualTo("false");
    String html = Files.readString(run.resolve("report.html"));
    assertThat(html).contains("<h2 id=findings>What the protocol found</h2>");
    assertThat(html).contains(divergent.get(0).asText());
    assertThat(html).contains("phase 1").contains("migration step");
    assertThat(html).contains("<h3>phases done over time</h3>");
  }
}
