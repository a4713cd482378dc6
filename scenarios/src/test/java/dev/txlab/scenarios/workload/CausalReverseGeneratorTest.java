package dev.txlab.scenarios.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.checker.history.Keyword;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.kv.ShardMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CausalReverseGeneratorTest {
  static final Keyword R = Keyword.of("r");
  static final Keyword APPEND = Keyword.of("append");
  static final ShardMap SHARDS =
      new ShardMap(List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3")), 3, 3);
  static final long BASE = 1_000;

  static int shard(long k) {
    return SHARDS.shardOf(Long.toString(BASE + k)).index();
  }

  static CausalReverseGenerator generator(int readLength, int writesPerKey) {
    return new CausalReverseGenerator(
        CausalReverseGeneratorTest::shard, SHARDS.shards(), readLength, writesPerKey);
  }

  @Test
  void eachClientHasOneRoleAndTheWritersNeverShareAShard() {
    CausalReverseGenerator g = generator(6, 100);
    RandomSource random = new RandomSource(1);
    for (int round = 0; round < 20; round++) {
      List<Object> read = g.next(0, random);
      List<Object> first = g.next(1, random);
      List<Object> second = g.next(2, random);
      assertThat(read).hasSize(6).allSatisfy(m -> assertThat(((List<?>) m).get(0)).isEqualTo(R));
      long x = key(read.get(0));
      long y = key(read.get(5));
      assertThat(first)
          .singleElement()
          .satisfies(m -> assertThat(((List<?>) m).get(0)).isEqualTo(APPEND));
      assertThat(second).singleElement().satisfies(m -> assertThat(key(m)).isEqualTo(y));
      assertThat(key(first.get(0))).isEqualTo(x);
      assertThat(shard(x))
          .as("x and the fillers share a shard, y has another")
          .isNotEqualTo(shard(y));
      for (Object filler : read.subList(1, 5)) {
        assertThat(shard(key(filler))).isEqualTo(shard(x));
        assertThat(key(filler)).isNotIn(x, y);
      }
      // Clients 3, 4, 5 play the same roles as 0, 1, 2.
      assertThat(g.next(3, random)).hasSize(6);
    }
  }

  @Test
  void valuesAreUniquePerKeyAndThePairRotatesAfterTheFirstWritersAppends() {
    CausalReverseGenerator g = generator(2, 3);
    RandomSource random = new RandomSource(1);
    Map<Long, Set<Long>> written = new HashMap<>();
    List<Long> xs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      for (int client = 1; client <= 2; client++) {
        List<?> m = (List<?>) g.next(client, random).get(0);
        assertThat(written.computeIfAbsent(key(m), k -> new HashSet<>()).add((Long) m.get(2)))
            .as("unique value")
            .isTrue();
        if (client == 1 && !xs.contains(key(m))) xs.add(key(m));
      }
    }
    assertThat(xs).as("a fresh x every 3 appends").hasSize(10);
    assertThat(written.values()).allSatisfy(v -> assertThat(v.size()).isLessThanOrEqualTo(3));
  }

  @Test
  void oneShardStillWorksAndStopEndsIt() {
    CausalReverseGenerator g = new CausalReverseGenerator(k -> 0, 1, 2, 4);
    RandomSource random = new RandomSource(1);
    List<Object> read = g.next(0, random);
    assertThat(key(read.get(0))).isNotEqualTo(key(read.get(1)));
    g.stop();
    assertThat(g.next(0, random)).isNull();
    assertThat(g.next(1, random)).isNull();
    assertThatThrownBy(() -> new CausalReverseGenerator(k -> 0, 1, 1, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static long key(Object microOp) {
    return (Long) ((List<?>) microOp).get(1);
  }
}
