package dev.txlab.checker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryFormat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code local-rw-sim/rw-ser-c10-10k.edn} is strictly serializable by construction (each
 * transaction applied atomically at its completion). Real Elle agrees with default options,
 * writes-follow-reads and sequential keys, but with linearizable keys it reports false {@code
 * cyclic-versions} (corpus README, caveat 5). txlab must say valid under all four.
 */
class LocalRwSimTest {

  @Test
  void strictlySerializableUnderEveryKeyAssumption() throws Exception {
    Path corpus = CorpusLocation.transactional();
    Assumptions.assumeTrue(corpus != null, "shared corpus absent");
    History h = HistoryFormat.read(corpus.resolve("local-rw-sim/rw-ser-c10-10k.edn"), null);
    boolean[][] flags = {
      {false, false, false}, {true, false, false}, {false, true, false}, {false, false, true}
    };
    for (boolean[] f : flags) {
      TxnResult r =
          TxnChecker.check(
              h,
              new TxnSpec("rw-register", List.of("strict-serializable"), f[0], f[1], f[2], null));
      assertThat(r.validity())
          .as("wfr=%s sequential=%s linearizable=%s: %s", f[0], f[1], f[2], r.toText())
          .isEqualTo(Validity.VALID);
    }
  }
}
