package dev.txlab.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.sim.SimConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sharded cluster under partitions (halves, isolate, majority ring, bridge, one-way), crashes,
 * restarts, pauses, clock drift and strobes, loss, duplication and reordering: Raft's safety
 * properties hold after every event, the append oracle finds nothing, and after healing every shard
 * converges.
 */
class SeededClusterTest {
  /** Fifty fixed seeds in the default build; the soak profile runs thousands more. */
  static final long[] SEEDS = java.util.stream.LongStream.rangeClosed(1, 50).toArray();

  static SimCluster.Config config(long seed) {
    return SimCluster.Config.defaults(seed)
        .withSim(SimConfig.defaults(seed))
        .withSnapshotThresholdEntries(200);
  }

  @Test
  void everySeedIsSafeAndConverges() {
    List<String> failures = new ArrayList<>();
    for (long seed : SEEDS) {
      ChaosRun.Result r =
          ChaosRun.run(seed, config(seed), ChaosRun.Faults.ALL, 10 * ChaosRun.S, 5, 6);
      if (!r.problems().isEmpty() || !r.raftViolations().isEmpty() || r.ok() < 50)
        failures.add(r.describe());
    }
    assertThat(failures).isEmpty();
  }

  /** {@code mvn -Psoak -pl node test -Dseeds=2000}: the same run over many seeds. */
  @Test
  @Tag("soak")
  void soak() {
    int seeds = Integer.getInteger("seeds", 200);
    List<String> failures = new ArrayList<>();
    for (long seed = 1000; seed < 1000 + seeds; seed++) {
      ChaosRun.Result r =
          ChaosRun.run(seed, config(seed), ChaosRun.Faults.ALL, 10 * ChaosRun.S, 5, 6);
      if (!r.problems().isEmpty() || !r.raftViolations().isEmpty()) failures.add(r.describe());
    }
    assertThat(failures).isEmpty();
  }
}
