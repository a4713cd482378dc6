package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.scenarios.trace.TraceMode;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A run's outcome says where it came from, and nothing else: {@code results.json} and the report of
 * a simulated run carry its seed, trace digest, simulator counts and Raft monitors; a live run's
 * carry its wall-clock start, node process ids, cluster directory and notes — and no simulated-only
 * field, not even an empty one.
 */
class ProvenanceTest {
  /** Fields only the simulator can fill. */
  private static final List<String> SIMULATED_ONLY =
      List.of("trace_sha256", "raft_violations", "replay");

  private static RunOutcome simulated() throws Exception {
    Scenario s =
        ScenarioReader.read(
            ScenarioLibrary.bundled("lin-kv"), List.of("duration=3s", "converge=1s", "faults=[]"));
    return SimRun.run(s, 5, f -> {}, null);
  }

  /** The same history presented as a live run's. */
  private static RunOutcome live(RunOutcome sim, OptionalLong seed) {
    return new RunOutcome(
        sim.scenario(),
        new RunOutcome.Live(
            seed,
            1_700_000_000_000L,
            Map.of("n1", 101L, "n2", 102L),
            "/tmp/cluster",
            List.of("the scenario's simulated network is not applied")),
        sim.history(),
        sim.primary(),
        sim.checks(),
        Map.of("ops", 10.0, "faults_applied", 0.0),
        List.of(),
        "",
        ClockTimeline.of(List.of()),
        Map.of(),
        new RunOutcome.Timings(4.0, 4.5, 4.0, 0.5));
  }

  @Test
  void aSimulatedRunCarriesItsSeedDigestAndCounts() throws Exception {
    RunOutcome o = simulated();
    Map<String, Object> r = RunResults.toMap(o, "./txlab run lin-kv --seed 5", "out");
    assertThat(r)
        .containsEntry("host", "sim")
        .containsEntry("seed", 5L)
        .containsKeys(SIMULATED_ONLY.toArray(new String[0]));
    assertThat(r.get("trace_sha256")).isEqualTo(o.simulated().traceDigest());
    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) r.get("stats");
    assertThat(stats).containsKeys("events", "messages", "messages_by_type", "sim_seconds");
    assertThat(r).doesNotContainKeys("pids", "cluster_dir", "start", "command");
    String html = RunReport.render(o, r, null, MessageDiagram.unavailable("none"));
    assertThat(html)
        .contains("trace sha256")
        .contains("Replay:")
        .contains("<h2>Messages by type</h2>")
        .doesNotContain("Live host");
  }

  @Test
  void aLiveRunCarriesNoSimulatedField() throws Exception {
    RunOutcome o = live(simulated(), OptionalLong.of(9));
    Map<String, Object> r = RunResults.toMap(o, "./txlab run lin-kv --host live", "out");
    assertThat(r)
        .containsEntry("host", "live")
        .containsEntry("seed", 9L)
        .doesNotContainKeys(SIMULATED_ONLY.toArray(new String[0]));
    assertThat(r)
        .containsEntry("command", "./txlab run lin-kv --host live")
        .containsEntry("cluster_dir", "/tmp/cluster");
    assertThat(r.get("pids")).isEqualTo(new java.util.TreeMap<>(Map.of("n1", 101L, "n2", 102L)));
    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) r.get("stats");
    assertThat(stats)
        .containsKeys("run_seconds", "wall_seconds")
        .doesNotContainKeys(
            "events",
            "messages",
            "messages_by_type",
            "drops",
            "sim_seconds",
            "simulate_wall_seconds");
    String html =
        RunReport.render(
            o, r, null, MessageDiagram.of(o, java.nio.file.Path.of("no-such-run"), TraceMode.FULL));
    assertThat(html)
        .contains("A live run has no message trace")
        .contains("live host")
        .contains("Live host")
        .contains("101")
        .contains("fault schedule seed 9")
        .doesNotContain("trace sha256")
        .doesNotContain("simulated ·")
        .doesNotContain("s simulated in")
        .doesNotContain("of simulated time")
        .doesNotContain("<h2>Messages by type</h2>")
        .doesNotContain("Replay:");
    assertThatThrownBy(o::simulated).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aLiveRunWithoutAPlannedScheduleHasNoSeed() throws Exception {
    RunOutcome o = live(simulated(), OptionalLong.empty());
    Map<String, Object> r = RunResults.toMap(o, "./txlab workload register", "out");
    assertThat(r).doesNotContainKey("seed");
    assertThat(RunReport.render(o, r, null, MessageDiagram.unavailable("none")))
        .doesNotContain(" · seed ")
        .doesNotContain("fault schedule seed");
  }
}
