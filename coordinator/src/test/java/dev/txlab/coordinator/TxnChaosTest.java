package dev.txlab.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txlab.coordinator.cluster.SimTxnCluster;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded transactional runs with faults; atomicity is checked after every event inside each run.
 */
class TxnChaosTest {
  /**
   * Seed 1140 (soak) once made a new coordinator leader log a second COMMIT with another timestamp.
   */
  @ParameterizedTest(name = "spanner seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 1140})
  void spannerStyleUnderFaults(long seed) {
    ChaosTxnRun.Result r =
        ChaosTxnRun.run(
            seed,
            SimTxnCluster.Config.defaults(seed),
            seed == 1140 ? 20 * ChaosTxnRun.S : 8 * ChaosTxnRun.S,
            seed == 1140 ? 6 : 4);
    System.out.println(r.describe());
    assertEquals(List.of(), r.problems(), r.describe());
    assertTrue(r.ok() > 20, r.describe());
  }

  @ParameterizedTest(name = "classic 2pc seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void classic2pcUnderFaults(long seed) {
    SimTxnCluster.Config c = SimTxnCluster.Config.defaults(seed).withKnob("coordinator", "single");
    ChaosTxnRun.Result r = ChaosTxnRun.run(seed, c, 8 * ChaosTxnRun.S, 4);
    System.out.println(r.describe());
    assertEquals(List.of(), r.problems(), r.describe());
    assertTrue(r.ok() > 20, r.describe());
  }

  /**
   * The other knobs under faults: still atomic, still serializable (the oracle), nothing left
   * locked.
   */
  @ParameterizedTest(name = "knobs {0}")
  @ValueSource(
      strings = {
        "coordinator=single,cooperative-termination=on",
        "lock-wait=no-wait",
        "read-only=locking,commit-wait=off",
        "staleness=50ms,commit-wait=off"
      })
  void otherKnobsUnderFaults(String knobs) {
    SimTxnCluster.Config c = SimTxnCluster.Config.defaults(31);
    for (String kv : knobs.split(",")) c = c.withKnob(kv.split("=")[0], kv.split("=")[1]);
    ChaosTxnRun.Result r = ChaosTxnRun.run(31, c, 6 * ChaosTxnRun.S, 4);
    System.out.println(knobs + ": " + r.describe());
    assertEquals(List.of(), r.problems(), r.describe());
    assertTrue(r.ok() > 20, r.describe());
  }

  @Test
  void sameSeedSameTraceDigest() {
    String a = ChaosTxnRun.run(7, SimTxnCluster.Config.defaults(7), 3 * ChaosTxnRun.S, 3).digest();
    String b = ChaosTxnRun.run(7, SimTxnCluster.Config.defaults(7), 3 * ChaosTxnRun.S, 3).digest();
    assertEquals(a, b);
  }

  /**
   * {@code mvn -B -q -pl coordinator test -Psoak -Denforcer.skip -Dtest='TxnChaosTest#soak'
   * -Dseeds=200}: seeds 1000… under both coordinators, 20 s of faults each; prints every failing
   * seed.
   */
  @Tag("soak")
  @Test
  void soak() {
    int seeds = Integer.getInteger("seeds", 20);
    List<String> failures = new java.util.ArrayList<>();
    for (long seed = 1000; seed < 1000 + seeds; seed++) {
      for (String coord : List.of("replicated", "single")) {
        try {
          ChaosTxnRun.Result r =
              ChaosTxnRun.run(
                  seed,
                  SimTxnCluster.Config.defaults(seed).withKnob("coordinator", coord),
                  20 * ChaosTxnRun.S,
                  6);
          if (!r.problems().isEmpty()) failures.add(coord + " " + r.describe());
        } catch (RuntimeException e) {
          failures.add(coord + " seed " + seed + ": " + e.getMessage());
        }
      }
    }
    System.out.println("soak: " + seeds + " seeds x 2 coordinators, failures: " + failures.size());
    assertEquals(List.of(), failures);
  }
}
