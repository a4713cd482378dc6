package dev.txlab.checker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three renderings of a result (JSON fields, text, report files) carry the same facts. */
class TxnResultRenderingTest {

  @Test
  void jsonTextAndReportAgree(@TempDir Path dir) throws Exception {
    TxnResult r =
        TxnChecker.check(
            TxnNotation.appends("(ax1ay1 rx1ry)"), TxnSpec.of("list-append", "serializable"));
    StringWriter sw = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
      g.writeStartObject();
      r.writeJsonFields(g);
      g.writeEndObject();
    }
    JsonNode json = new ObjectMapper().readTree(sw.toString());
    assertThat(json.get("anomaly_types").toString()).isEqualTo("[\"G-single-item\"]");
    assertThat(json.get("not").toString()).isEqualTo("[\"consistent-view\",\"repeatable-read\"]");
    JsonNode c = json.get("anomalies").get("G-single-item").get(0);
    assertThat(c.get("cycle").size()).isEqualTo(3); // closed: first transaction repeated
    assertThat(c.get("steps").get(0).get("type").asText()).isEqualTo("rw");
    assertThat(c.get("steps").get(0).get("value").asText()).isEqualTo("init");
    assertThat(c.get("text").asText()).contains("G-single-item #0", "a contradiction!");
    assertThat(json.has("infer_ms")).isTrue();
    assertThat(json.has("search_ms")).isTrue();

    assertThat(r.toText()).contains("INVALID", "G-single-item", "Not consistent-view");

    Path main = r.writeReport(dir);
    String html = Files.readString(main);
    assertThat(main.getFileName().toString()).isEqualTo("txn-report.html");
    assertThat(html)
        .contains("<svg", "G-single-item", "ruled out")
        .doesNotContain("http://www.w3.org/1999/xhtml\" src");
    assertThat(html).doesNotContain("<script").doesNotContain("https://");
    JsonNode dump = new ObjectMapper().readTree(dir.resolve("anomalies.json").toFile());
    assertThat(dump.get("anomalies").get("G-single-item").size()).isEqualTo(1);
  }

  @Test
  void validResultIsQuiet() throws Exception {
    TxnResult r =
        TxnChecker.check(TxnNotation.appends("ax1 rx1 ax2 rx12"), TxnSpec.of("list-append"));
    assertThat(r.validity()).isEqualTo(dev.txlab.checker.Validity.VALID);
    assertThat(r.anomalyTypes()).isEmpty();
    assertThat(r.not()).isEmpty();
    assertThat(r.toText()).contains("valid");
  }

  @Test
  void guessesWorkloads() {
    assertThat(TxnSpec.guessWorkload(TxnNotation.appends("ax1 rx1"))).isEqualTo("list-append");
    assertThat(TxnSpec.guessWorkload(TxnNotation.registers("wx1 rx1"))).isEqualTo("rw-register");
    assertThat(TxnSpec.knownModels()).contains("strict-serializable", "PL-2", "read-atomic");
  }
}
