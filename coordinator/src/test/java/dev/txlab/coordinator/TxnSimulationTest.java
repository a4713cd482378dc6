package dev.txlab.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txlab.coordinator.cluster.SimTxnCluster;
import dev.txlab.node.kv.ClientObserver.Outcome;
import org.junit.jupiter.api.Test;

class TxnSimulationTest {
  static final long SECOND = 1_000_000_000L;

  static SimTxnCluster cluster(
      long seed, SimTxnCluster.Config config, History history, int clients) {
    SimTxnCluster c = new SimTxnCluster(config);
    for (int i = 1; i <= clients; i++) {
      int idx = i;
      c.addClient(() -> Workloads.listAppend(idx, 8, 0.2), history, 5_000_000L);
    }
    return c;
  }

  @Test
  void spannerStyleCommitsWithoutFaults() {
    History h = new History();
    SimTxnCluster c = cluster(1, SimTxnCluster.Config.defaults(1), h, 4);
    c.sim().runFor(5 * SECOND);
    c.sim().runFor(2 * SECOND);
    System.out.println(
        "ok="
            + h.count(Outcome.OK)
            + " fail="
            + h.count(Outcome.FAIL)
            + " info="
            + h.count(Outcome.INFO)
            + " "
            + c.metrics().summary());
    assertTrue(h.count(Outcome.OK) > 50, "commits: " + h.count(Outcome.OK));
    assertEquals(java.util.List.of(), Oracle.checkListAppend(c, h));
  }
}
