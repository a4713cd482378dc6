package dev.txlab.coordinator.live;

import static dev.txlab.coordinator.live.LiveTxnCluster.ops;
import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.coordinator.txn.TxnKnobs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A transactional node stopped like a crash and started again from its files: the majority goes on
 * without it; after the restart it serves transactions again and every acknowledged append is still
 * there, once. (A restarted lane numbers its transaction ids from its start time; were it to reuse
 * an old id, participants would refuse it as already decided and the client would retry under its
 * next attempt — slower, but not wrong, so this test does not tell the two apart.)
 */
class LiveTxnRestartTest {
  @Test
  void aRestartedNodeKeepsAcknowledgedAppendsAndServesAgain() throws Exception {
    try (LiveTxnCluster cluster = new LiveTxnCluster(3, 1, TxnKnobs.spanner())) {
      assertThat(cluster.awaitLeaders(List.of("shard-0"), List.of(0, 1, 2), 10_000)).isTrue();
      assertThat(cluster.txn(0, "c1", 1, ops("append", "r", 1)).status()).isEqualTo(200);
      assertThat(cluster.txn(0, "c1", 2, ops("append", "r", 2)).status()).isEqualTo(200);

      cluster.crash(0);
      LiveTxnCluster.Reply during = null;
      long end = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < end) {
        during = cluster.txn(1, "c2", System.nanoTime(), ops("append", "r", 3));
        if (during.status() == 200) break;
      }
      assertThat(during.status()).as("the majority commits without n1: %s", during).isEqualTo(200);

      cluster.restart(0);
      LiveTxnCluster.Reply after = null;
      end = System.currentTimeMillis() + 15_000;
      while (System.currentTimeMillis() < end) {
        after = cluster.txn(0, "c3", System.nanoTime(), ops("append", "r", 4, "r", "r", null));
        if (after.status() == 200) break;
        assertThat(after.status()).as("%s", after).isIn(409, 503, 504);
      }
      assertThat(after.status()).as("%s", after).isEqualTo(200);
      List<Object> list =
          after.body().getJsonArray("ops").getJsonArray(1).getJsonArray(2).getList();
      assertThat(list).containsExactly(1, 2, 3, 4);
    }
  }
}
