package dev.txlab.scenarios.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.history.Keyword;
import dev.txlab.node.api.RandomSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TxnGeneratorTest {

  @Test
  void valuesAreUniquePerKeyAndKeysRotate() {
    for (TxnGenerator.Kind kind : TxnGenerator.Kind.values()) {
      TxnGenerator g = new TxnGenerator(kind, 3, 8, 1, 4, 0.3);
      RandomSource r = new RandomSource(7);
      Map<Long, Set<Long>> written = new HashMap<>();
      Set<Long> keys = new HashSet<>();
      int reads = 0;
      for (int t = 0; t < 2000; t++) {
        List<Object> txn = g.next(0, r);
        assertThat(txn).hasSizeBetween(1, 4);
        for (Object m : txn) {
          List<?> op = (List<?>) m;
          long key = (Long) op.get(1);
          keys.add(key);
          if (op.get(0).equals(Keyword.of("r"))) {
            assertThat(op.get(2)).isNull();
            reads++;
          } else {
            assertThat(op.get(0)).isEqualTo(kind.write);
            assertThat(written.computeIfAbsent(key, k -> new HashSet<>()).add((Long) op.get(2)))
                .as("unique value")
                .isTrue();
          }
        }
      }
      assertThat(written.values()).allSatisfy(vs -> assertThat(vs.size()).isLessThanOrEqualTo(8));
      assertThat(keys.size()).as("keys rotated").isGreaterThan(100);
      assertThat(reads).isBetween(1500, 2500);
    }
  }

  @Test
  void sameSeedSameTransactionsAndStopEndsIt() {
    TxnGenerator a = TxnGenerator.standard(TxnGenerator.Kind.LIST_APPEND);
    TxnGenerator b = TxnGenerator.standard(TxnGenerator.Kind.LIST_APPEND);
    RandomSource ra = new RandomSource(3);
    RandomSource rb = new RandomSource(3);
    for (int i = 0; i < 100; i++) {
      assertThat(a.next(0, ra)).isEqualTo(b.next(0, rb));
    }
    a.stop();
    assertThat(a.next(0, ra)).isNull();
  }
}
