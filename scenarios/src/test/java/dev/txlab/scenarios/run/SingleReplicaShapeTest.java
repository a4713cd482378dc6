package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unusual shape that once crashed txlab (issue 12): three nodes, three shards of one replica
 * each, under random partitions and kills. A participant's expiry proposed through a group of one
 * while scanning the transactions that proposal changed (ConcurrentModificationException on seeds
 * 1–4); and a group of one counted its own entry as committed before it was durable, which a crash
 * before the sync completed made Raft's leader-completeness monitor report (seeds 5 and 8).
 */
class SingleReplicaShapeTest {
  private static final String SCRIPT =
      """
      name: replicas-one
      nodes: 3
      shards: 3
      replicas: 1
      protocol: spanner
      workload: {name: list-append}
      faults:
        - random partitions every ~3s for ~1s
        - random kill every ~3s for ~1s
      """;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void runsToTheEndAndStaysSerializable(long seed) throws Exception {
    Scenario s =
        ScenarioReader.read(new ScenarioLibrary.Source("replicas-one", "test", SCRIPT), List.of());
    RunOutcome o = SimRun.run(s, seed, f -> {}, null);
    assertThat(o.simulated().raftViolations()).isEmpty();
    assertThat(o.checks().get("strict-serializable").validity())
        .as("seed %d: %s", seed, o.checks().get("strict-serializable").summary())
        .isEqualTo(Validity.VALID);
  }
}
