package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code txlab compare} as a user meets it: one directory with a run per protocol and seed, a
 * table, {@code compare.json} and a page whose links all lead somewhere; knobs of one protocol left
 * out of the others' runs and faults a protocol never met listed; bad input refused with exit 2.
 */
class CompareCommandTest {
  @TempDir Path dir;

  static final String[] SHORT = {"--set", "duration=3s", "--set", "converge=1s"};

  private static String[] args(String... more) {
    List<String> a = new ArrayList<>(List.of(more));
    a.addAll(List.of(SHORT));
    return a.toArray(new String[0]);
  }

  @Test
  void writesOneRunPerProtocolAndSeedATableAndAPageWhoseLinksLeadSomewhere() throws Exception {
    Path out = dir.resolve("cmp");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            args(
                "compare",
                "quickstart",
                "--protocols",
                "spanner,crdb",
                "--seeds",
                "1..2",
                "--out",
                out.toString(),
                "--json"));
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("scenario").asText()).isEqualTo("quickstart");
    assertThat(j.get("protocols")).hasSize(2);
    for (JsonNode p : j.get("protocols")) {
      assertThat(p.get("runs")).hasSize(2);
      for (JsonNode run : p.get("runs")) {
        Path runDir = out.resolve(run.get("dir").asText());
        assertThat(runDir.resolve("report.html")).isRegularFile();
        assertThat(runDir.resolve("results.json")).isRegularFile();
        assertThat(run.get("verdicts").get("serializable").asText()).isEqualTo("valid");
        assertThat(run.get("ok_per_s").asDouble()).isPositive();
        assertThat(run.get("latency_ms_p99").asDouble())
            .isGreaterThanOrEqualTo(run.get("latency_ms_p50").asDouble());
      }
    }
    // The table went to stderr (stdout carries the JSON), one row per protocol.
    assertThat(r.err())
        .containsPattern("\n  spanner +(valid|INVALID)")
        .containsPattern("\n  crdb +(valid|INVALID)")
        .contains("msgs/commit");
    String html = Files.readString(out.resolve("compare.html"));
    Matcher m = Pattern.compile("href=\"([^\"#]+)\"").matcher(html);
    int links = 0;
    while (m.find()) {
      assertThat(out.resolve(m.group(1))).as(m.group(1)).isRegularFile();
      links++;
    }
    assertThat(links).isGreaterThanOrEqualTo(4);
    assertThat(Files.readString(out.resolve("compare.json"))).contains("\"protocols\"");
  }

  @Test
  void anotherProtocolsKnobIsLeftOutAndSaid() {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            args(
                "compare",
                "commit-wait-off",
                "--protocols",
                "spanner,crdb",
                "--out",
                dir.resolve("c").toString()));
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("crdb: left out knob commit-wait=off (a knob of classic and spanner)")
        .containsPattern("spanner +INVALID");
  }

  @Test
  void aPhaseTriggeredKillThatNeverFiresIsListed() {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "compare",
            "2pc-coordinator-crash",
            "--protocols",
            "classic,crdb",
            "--set",
            "duration=6s",
            "--out",
            dir.resolve("k").toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("crdb: fault not applied: kill coordinator after prepare (never fired")
        .doesNotContain("classic: fault not applied");
  }

  @Test
  void badInputIsRefusedNamingIt() {
    CheckCommandTest.Run unknown =
        CheckCommandTest.txlab("compare", "quickstart", "--protocols", "spanner,percolatr");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("percolatr");
    CheckCommandTest.Run one =
        CheckCommandTest.txlab("compare", "quickstart", "--protocols", "spanner");
    assertThat(one.status()).isEqualTo(2);
    assertThat(one.err()).contains("at least two");
    CheckCommandTest.Run serves =
        CheckCommandTest.txlab("compare", "quickstart", "--protocols", "spanner,raft-kv");
    assertThat(serves.status()).isEqualTo(2);
    assertThat(serves.err()).contains("raft-kv").contains("serves");
    CheckCommandTest.Run seeds =
        CheckCommandTest.txlab(
            "compare", "quickstart", "--protocols", "spanner,crdb", "--seeds", "5..2");
    assertThat(seeds.status()).isEqualTo(2);
    assertThat(seeds.err()).contains("--seeds 5..2");
    assertThat(dir).isEmptyDirectory();
  }
}
