package dev.txlab.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A run is a pure function of its seed: one seed twice gives one trace digest; two seeds differ. */
class DeterminismTest {
  private static ChaosRun.Result run(long seed) {
    return ChaosRun.run(seed, SeededClusterTest.config(seed), ChaosRun.Faults.ALL, 5 * ChaosRun.S, 4, 4);
  }

  @Test
  void sameSeedSameDigest() {
    ChaosRun.Result a = run(7), b = run(7);
    assertThat(a.digest()).as("seed 7 twice").isEqualTo(b.digest()).hasSize(64);
    assertThat(a.events()).isEqualTo(b.events());
  }

  @Test
  void differentSeedsDiffer() {
    assertThat(run(7).digest()).isNotEqualTo(run(8).digest());
  }
}
