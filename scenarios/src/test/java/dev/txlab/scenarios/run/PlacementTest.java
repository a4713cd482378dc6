package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scenario's {@code placement} decides where each shard's replicas live: with every shard on
 * n1–n3, killing n4 and n5 costs nothing; with the default rotation it takes a shard's majority.
 */
class PlacementTest {
  private static final String SCRIPT =
      """
      name: placed
      duration: 8s
      converge: 2s
      nodes: 5
      shards: 3
      replicas: 3
      workload: {name: register, clients: 6, rate: 300, timeout: 500ms}
      faults:
        - at 2s for 5s kill n4
        - at 2s for 5s kill n5
      """;

  private static RunOutcome run(String extra) throws Exception {
    Scenario s =
        ScenarioReader.read(
            new ScenarioLibrary.Source("placed", "test", SCRIPT + extra), List.of());
    return SimRun.run(s, 3, f -> {}, null);
  }

  @Test
  void theClusterHonoursThePlacement() throws Exception {
    RunOutcome placed =
        run("placement: {shard-0: [n1, n2, n3], shard-1: [n2, n3, n1], shard-2: [n3, n1, n2]}\n");
    RunOutcome rotated = run("");
    assertThat(placed.checks().get("linearizable").validity()).isEqualTo(Validity.VALID);
    assertThat(rotated.checks().get("linearizable").validity()).isEqualTo(Validity.VALID);
    // (A failed compare-and-set is a :fail too, so timeouts and throughput tell availability.)
    assertThat(rotated.metrics().get("ops_info"))
        .as("n4 and n5 down take shard-2's majority: its clients time out")
        .isGreaterThan(10);
    assertThat(placed.metrics().get("ops_info")).as("no shard lives on n4 or n5").isZero();
    assertThat(placed.metrics().get("ops_ok")).isGreaterThan(1.5 * rotated.metrics().get("ops_ok"));
    assertThat(ScenarioYaml.asRun(placed.scenario(), 3))
        .contains("placement:")
        .contains("shard-2:");
  }
}
