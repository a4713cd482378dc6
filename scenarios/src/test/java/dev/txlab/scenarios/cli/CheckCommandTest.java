package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code txlab check} as a script sees it: exit statuses, JSON lines, messages, report files. */
class CheckCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  record Run(int status, String out, String err) {
    List<JsonNode> jsonLines() throws Exception {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          nodes.add(JSON.readTree(line));
        }
      }
      return nodes;
    }
  }

  static Run txlab(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Txlab.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  /** The repository's examples folder (tests run with the module directory as working dir). */
  static Path example(String name) {
    Path p = Paths.get("..", "examples", "histories", name);
    assertThat(p).exists();
    return p;
  }

  @Test
  void staleReadIsInvalidWithExitStatusOne() {
    Run r = txlab("check", example("stale-read.edn").toString());
    assertThat(r.status).as(r.err).isEqualTo(1);
    assertThat(r.out).contains("INVALID").contains("cas-register");
  }

  @Test
  void jsonPrintsOneObjectPerFileAndTheWorstStatus() throws Exception {
    Run r =
        txlab(
            "check",
            "--json",
            example("register-ok.jsonl").toString(),
            example("stale-read.edn").toString());
    assertThat(r.status).isEqualTo(1);
    List<JsonNode> lines = r.jsonLines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("valid").asBoolean()).isTrue();
    assertThat(lines.get(0).get("workload").asText()).isEqualTo("cas-register");
    assertThat(lines.get(0).has("check_ms")).isTrue();
    assertThat(lines.get(0).has("parse_ms")).isTrue();
    assertThat(lines.get(1).get("valid").asBoolean()).isFalse();
    assertThat(lines.get(1).get("file").asText()).endsWith("stale-read.edn");
    // Human text goes to stderr with --json.
    assertThat(r.err).contains("INVALID");
  }

  @Test
  void transactionalHistoriesAreJudgedAgainstAModel() throws Exception {
    Run r =
        txlab(
            "check",
            "--json",
            "--consistency",
            "snapshot-isolation",
            example("read-skew.edn").toString());
    assertThat(r.status).as(r.err).isEqualTo(1);
    JsonNode result = r.jsonLines().get(0);
    assertThat(result.get("workload").asText()).isEqualTo("list-append");
    assertThat(result.get("anomaly_types").toString()).contains("G-single");
  }

  @Test
  void outWritesTheReportAndResults() throws Exception {
    Path out = dir.resolve("report");
    Run r = txlab("check", "--out", out.toString(), example("stale-read.edn").toString());
    assertThat(r.status).isEqualTo(1);
    assertThat(out.resolve("results.json")).exists();
    assertThat(out.resolve("linearizability.html")).exists();
    assertThat(Files.readString(out.resolve("linearizability.html")))
        .contains("id=lin-data")
        .contains("Not linearizable");
  }

  @Test
  void malformedHistoryIsBadInputNamingLineAndColumn() throws Exception {
    Path bad = dir.resolve("bad.edn");
    Files.writeString(
        bad, "[{:type :invoke :process 0 :f :read}\n {:type :ok :process 0 :f :read :value [1}]\n");
    Run r = txlab("check", bad.toString());
    assertThat(r.status).isEqualTo(2);
    assertThat(r.err).contains(bad + ":2:").contains("malformed EDN");

    Run j = txlab("check", "--json", bad.toString(), example("register-ok.jsonl").toString());
    assertThat(j.status).isEqualTo(2);
    assertThat(j.jsonLines().get(0).get("error").asText()).contains(":2:");
    assertThat(j.jsonLines().get(1).get("valid").asBoolean()).isTrue();
  }

  @Test
  void badArgumentsExitTwoWithAClearMessage() {
    Run w = txlab("check", "--workload", "bank", example("stale-read.edn").toString());
    assertThat(w.status).isEqualTo(2);
    assertThat(w.err).contains("--workload: unknown workload 'bank'");

    Run t = txlab("check", "--timeout", "10", example("stale-read.edn").toString());
    assertThat(t.status).isEqualTo(2);
    assertThat(t.err).contains("'10' is not a duration");

    Run i = txlab("check", "--initial", "{:x", example("stale-read.edn").toString());
    assertThat(i.status).isEqualTo(2);
    assertThat(i.err).contains("--initial:");

    Run c = txlab("check", "--consistency", "serialisable", example("read-skew.edn").toString());
    assertThat(c.status).isEqualTo(2);
    assertThat(c.err).contains("unknown model 'serialisable'");

    Run f = txlab("check", "--format", "xml", example("read-skew.edn").toString());
    assertThat(f.status).isEqualTo(2);

    Run missing = txlab("check", dir.resolve("nope.edn").toString());
    assertThat(missing.status).isEqualTo(2);
    assertThat(missing.err).contains("no such file");

    assertThat(txlab("check").status).isEqualTo(2);
    assertThat(txlab("frobnicate").status).isEqualTo(2);
  }

  @Test
  void historyThatDoesNotFitTheWorkloadIsBadInput() throws Exception {
    Path h = dir.resolve("h.edn");
    Files.writeString(
        h,
        "{:type :invoke :process 0 :f :cas :value 3}\n{:type :ok :process 0 :f :cas :value 3}\n");
    Run r = txlab("check", "--workload", "cas-register", h.toString());
    assertThat(r.status).isEqualTo(2);
    assertThat(r.err).contains("does not fit the cas-register workload");
  }

  @Test
  void aCheckThatRunsOutOfTimeIsUnknownWithExitStatusThree() throws Exception {
    Path big = dir.resolve("big.edn");
    Files.writeString(
        big,
        dev.txlab.checker.history.HistoryWriter.edn(
            dev.txlab.checker.linear.LinearBenchmark.generate("register", 20_000, 3)));
    Run r = txlab("check", "--timeout", "1ns", "--json", big.toString());
    assertThat(r.status()).as(r.err()).isEqualTo(3);
    assertThat(r.jsonLines().get(0).get("valid").asText()).isEqualTo("unknown");
    assertThat(r.err()).contains("unknown").contains("gave up");
    // With time enough, the same history is valid.
    assertThat(txlab("check", big.toString()).status()).isZero();
  }

  @Test
  void helpAndVersion() {
    Run v = txlab("--version");
    assertThat(v.status).isZero();
    assertThat(v.out).startsWith("txlab ");
    Run h = txlab("check", "--help");
    assertThat(h.status).isZero();
    assertThat(h.out).contains("--workload").contains("--consistency").contains("Exit status");
  }

  @Test
  void durationsAreParsedWithUnits() {
    assertThat(DurationConverter.parse("500ms")).hasMillis(500);
    assertThat(DurationConverter.parse("1.5s")).hasMillis(1500);
    assertThat(DurationConverter.parse("2m")).hasSeconds(120);
    assertThat(DurationConverter.parse("PT3S")).hasSeconds(3);
    assertThat(CheckCommand.worse(0, 3)).isEqualTo(3);
    assertThat(CheckCommand.worse(3, 1)).isEqualTo(1);
    assertThat(CheckCommand.worse(1, 2)).isEqualTo(2);
  }
}
