package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txlab.scenarios.trace.TraceLine;
import dev.txlab.scenarios.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test of the plug-in shape: a toy protocol in the test tree ({@code
 * dev.txlab.coordinator.toy}: a store with no coordination, registered by one services line) runs
 * under {@code txlab run} like any bundled protocol — its knob read and checked from the scenario,
 * shown by {@code txlab protocols}, named in results and report — and the checker finds what it
 * gives up: its histories are not serializable.
 */
@org.junit.jupiter.api.Tag("real-time")
class ToyProtocolTest {
  @TempDir Path dir;

  private Path script(String extra) throws Exception {
    Path f = dir.resolve("toy.yaml");
    Files.writeString(
        f,
        """
        name: toy
        duration: 6s
        converge: 2s
        nodes: 3
        shards: 3
        replicas: 1
        protocol: no-coordination
        workload: {name: list-append, clients: 12, rate: 400, timeout: 1s, active-keys: 4, txn-length: 4}
        consistency: [serializable]
        """
            + extra);
    return f;
  }

  @Test
  void aToyProtocolRunsThroughThePipelineAndTheCheckerCatchesIt() throws Exception {
    Path out = dir.resolve("out");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run",
            script("apply-delay: 3ms\n").toString(),
            "--seed",
            "4",
            "--out",
            out.toString(),
            "--json");
    assertThat(r.status()).as(r.err()).isEqualTo(1);
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(results.get("protocol").asText()).isEqualTo("no-coordination");
    assertThat(results.get("knobs").get("apply-delay").asText()).isEqualTo("3ms");
    assertThat(results.get("promises").size()).isZero();
    JsonNode serializable = results.get("checks").get("serializable");
    assertThat(serializable.get("valid").asBoolean()).as(serializable.toString()).isFalse();
    assertThat(serializable.get("anomaly_types").size()).isPositive();
    assertThat(results.get("metrics").get("toy_parts_applied").asLong()).isPositive();
    assertThat(Files.readString(out.resolve("report.html")))
        .contains("no-coordination")
        .contains("nothing coordinates the parts");
  }

  /**
   * The same toy on the live host: three node processes built from the plug-in ({@code
   * onLiveHost}), real sockets, the same workload driver and checker — and the same verdict.
   */
  @Test
  void theToyRunsOnTheLiveHostToo() throws Exception {
    Path out = dir.resolve("live");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run",
            script("apply-delay: 3ms\n").toString(),
            "--host",
            "live",
            "--out",
            out.toString(),
            "--json");
    assertThat(r.status()).as(r.out() + r.err()).isEqualTo(1);
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(results.get("protocol").asText()).isEqualTo("no-coordination");
    assertThat(results.get("host").asText()).isEqualTo("live");
    assertThat(results.has("trace_sha256")).as("no simulated-only field").isFalse();
    assertThat(results.get("pids").size()).isEqualTo(3);
    JsonNode serializable = results.get("checks").get("serializable");
    assertThat(serializable.get("valid").asBoolean()).as(serializable.toString()).isFalse();
    assertThat(results.get("metrics").get("toy_parts_applied").asLong()).isPositive();
    assertThat(Files.readString(out.resolve("report.html"))).contains("no-coordination");
  }

  @Test
  void theToysKnobIsCheckedLikeAnyOther() throws Exception {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("run", script("apply-delay: soon\n").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("toy.yaml:10:").contains("apply-delay");
    CheckCommandTest.Run wrong =
        CheckCommandTest.txlab("run", script("commit-wait: off\n").toString());
    assertThat(wrong.status()).isEqualTo(2);
    assertThat(wrong.err())
        .contains("'commit-wait' is a knob of")
        .contains("not of protocol no-coordination (its knobs: bug-at, apply-delay)");
  }

  @Test
  void protocolsListsAndShowsIt() throws Exception {
    CheckCommandTest.Run list = CheckCommandTest.txlab("protocols", "list");
    assertThat(list.status()).isZero();
    assertThat(list.out())
        .contains("spanner")
        .contains("classic (2pc)")
        .contains("raft-kv")
        .contains("no-coordination");
    CheckCommandTest.Run show = CheckCommandTest.txlab("protocols", "show", "no-coordination");
    assertThat(show.status()).isZero();
    assertThat(show.out())
        .contains("apply-delay")
        .contains("default 0ms")
        .contains("a wider window for interleavings");
    CheckCommandTest.Run spanner = CheckCommandTest.txlab("protocols", "show", "spanner");
    assertThat(spanner.out())
        .contains("promises: strict-serializable")
        .contains("commit-wait")
        .contains("on|off")
        .contains("atomicity");
    CheckCommandTest.Run bad = CheckCommandTest.txlab("protocols", "show", "spaner");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("did you mean 'spanner'?");
  }

  /**
   * A run that stops on an internal error leaves an honest directory: the history until then, the
   * script, and a results.json naming the error, the seed and the replay command; exit 70.
   */
  @Test
  void aCrashedRunLeavesAnHonestDirectory() throws Exception {
    Path out = dir.resolve("crashed");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run", script("bug-at: 3s\n").toString(), "--seed", "2", "--out", out.toString());
    assertThat(r.status()).as(r.err()).isEqualTo(70);
    assertThat(r.err())
        .contains("internal error")
        .contains("replay: ./txlab run")
        .contains("--seed 2");
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(results.get("error").asText()).contains("a bug, on purpose");
    assertThat(results.get("seed").asLong()).isEqualTo(2);
    assertThat(results.get("replay").asText()).contains("--seed 2");
    assertThat(results.get("history_events").asInt()).isPositive();
    assertThat(Files.readString(out.resolve("history.edn"))).contains(":invoke");
    // The trace until the crash, finished: it reads to its end.
    List<TraceLine> trace = new ArrayList<>();
    TraceReader.read(out.resolve("trace.jsonl.gz"), trace::add);
    assertThat(trace).isNotEmpty();
    assertThat(out.resolve("report.html")).doesNotExist();
  }
}
