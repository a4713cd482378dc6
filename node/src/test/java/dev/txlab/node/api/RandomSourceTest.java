package dev.txlab.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RandomSourceTest {
  @Test
  void sameSeedSameSequence() {
    RandomSource a = new RandomSource(7), b = new RandomSource(7);
    for (int i = 0; i < 100; i++) assertThat(a.nextLong()).isEqualTo(b.nextLong());
    assertThat(new RandomSource(7).nextLong()).isNotEqualTo(new RandomSource(8).nextLong());
  }

  @Test
  void aForkDependsOnTheSeedAndTheNameOnly() {
    RandomSource a = new RandomSource(7);
    RandomSource b = new RandomSource(7);
    for (int i = 0; i < 50; i++) b.nextLong(); // drawing from the parent does not shift forks
    b.fork("someone-else").nextLong(); // neither does adding another consumer
    assertThat(a.fork("network").nextLong()).isEqualTo(b.fork("network").nextLong());
    assertThat(a.fork("network").nextLong()).isNotEqualTo(a.fork("clock/n1").nextLong());
  }

  @Test
  void boundedDrawsStayInRange() {
    RandomSource r = new RandomSource(1);
    for (int i = 0; i < 10_000; i++) {
      assertThat(r.nextInt(7)).isBetween(0, 6);
      assertThat(r.between(-3, 3)).isBetween(-3L, 3L);
      assertThat(r.nextDouble()).isGreaterThanOrEqualTo(0).isLessThan(1);
    }
    assertThat(r.chance(0)).isFalse();
    assertThat(r.chance(1)).isTrue();
  }

  @Test
  void addressesAndIds() {
    assertThat(Address.parse("n1/shard-2"))
        .isEqualTo(Address.of(NodeId.of("n1"), ShardId.of(2).component()));
    assertThat(Address.parse("n1/coord").toString()).isEqualTo("n1/coord");
    assertThat(NodeId.of("n2").compareTo(NodeId.of("n10"))).isNegative();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Address.parse("n1"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
