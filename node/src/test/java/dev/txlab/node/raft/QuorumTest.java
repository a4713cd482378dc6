package dev.txlab.node.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuorumTest {
  @Test
  void majorities() {
    assertThat(Quorum.majority(1)).isEqualTo(1);
    assertThat(Quorum.majority(2)).isEqualTo(2);
    assertThat(Quorum.majority(3)).isEqualTo(2);
    assertThat(Quorum.majority(4)).isEqualTo(3);
    assertThat(Quorum.majority(5)).isEqualTo(3);
    assertThat(Quorum.majority(7)).isEqualTo(4);
    assertThatThrownBy(() -> Quorum.majority(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theValueAMajorityHasReached() {
    assertThat(Quorum.majorityValue(new long[] {5})).isEqualTo(5);
    assertThat(Quorum.majorityValue(new long[] {9, 3, 7})).isEqualTo(7);
    assertThat(Quorum.majorityValue(new long[] {1, 10, 10, 2})).isEqualTo(2);
    assertThat(Quorum.majorityValue(new long[] {4, 0, 8, 6, 2})).isEqualTo(4);
  }

  @Test
  void agreesWithANaiveCountOnRandomInputs() {
    var random = new dev.txlab.node.api.RandomSource(3);
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + random.nextInt(7);
      long[] v = new long[n];
      for (int i = 0; i < n; i++) v[i] = random.nextInt(20);
      long naive = -1;
      for (long candidate = 0; candidate < 20; candidate++) {
        int count = 0;
        for (long x : v) if (x >= candidate) count++;
        if (count >= Quorum.majority(n)) naive = candidate;
      }
      assertThat(Quorum.majorityValue(v)).isEqualTo(naive);
    }
  }
}
