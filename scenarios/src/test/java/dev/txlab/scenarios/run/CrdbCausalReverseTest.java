package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import dev.txlab.scenarios.cli.Txlab;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The causal reverse, both ways: under crdb the bundled scenario's realtime cycle is explained by
 * the timestamps the protocol gave its transactions (its expectations themselves are checked by
 * {@link BundledScenariosTest}); under Spanner, with honest clocks, the same workload keeps
 * real-time order — so the anomaly is the protocol's, not the workload's.
 */
class CrdbCausalReverseTest {
  @TempDir Path dir;

  @Test
  void theCardNamesEachTransactionsTimestampAndGateway() throws Exception {
    Path run = dir.resolve("run");
    StringWriter err = new StringWriter();
    int status =
        Txlab.execute(
            new String[] {"run", "crdb-causal-reverse", "--trace", "off", "--out", run.toString()},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertThat(status).as(err.toString()).isZero();
    String report = Files.readString(run.resolve("report.html"));
    assertThat(report).contains("It does not promise <b>strict-serializable</b>");
    int card = report.indexOf("id=anomalies");
    assertThat(card).isPositive();
    String anomalies = report.substring(card);
    assertThat(anomalies)
        .contains("What the protocol recorded of them")
        .containsPattern("read at \\d+\\.\\d{3}ms\\+\\d+ through n1")
        .containsPattern("committed at \\d+\\.\\d{3}ms\\+\\d+ through n3")
        .contains("received the lower one")
        .contains("n1 +180.0 ms")
        .contains("n3 -180.0 ms");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void spannerWithHonestClocksKeepsRealTimeOrderOnTheSameWorkload(long seed) throws Exception {
    Scenario s =
        ScenarioReader.read(
            ScenarioLibrary.bundled("crdb-causal-reverse"), List.of("protocol=spanner"));
    RunOutcome o = SimRun.run(s, seed, f -> {}, null);
    assertThat(o.checks().get("strict-serializable").validity())
        .as("seed %d: %s", seed, o.checks())
        .isEqualTo(Validity.VALID);
    assertThat(o.metrics().get("txns_ok")).isGreaterThan(100);
  }
}
