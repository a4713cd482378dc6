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

  /**
   * {@code reads: readindex-any} — followers serve reads through the leader's ReadIndex — under
   * every fault: per-key histories stay linearizable on every seed, and followers really do serve
   * reads (the leader confirms their requests).
   */
  @Test
  void followerReadIndexIsLinearizableOnEverySeed() {
    List<String> failures = new ArrayList<>();
    long confirmed = 0;
    for (long seed : SEEDS) {
      long[] replies = {0};
      ChaosRun.Result r =
          ChaosRun.run(
              seed,
              config(seed).withKnob("reads", "readindex-any"),
              ChaosRun.Faults.ALL,
              10 * ChaosRun.S,
              5,
              6,
              line -> {
                if (line.contains("ReadIndexReply[") && line.contains("ok=true")) replies[0]++;
              });
      confirmed += replies[0];
      if (!r.problems().isEmpty()
          || !r.raftViolations().isEmpty()
          || r.ok() < 50
          || replies[0] == 0)
        failures.add(r.describe() + " confirmed follower requests=" + replies[0]);
    }
    System.out.println("reads=readindex-any: " + confirmed + " trace lines of confirmed requests");
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
