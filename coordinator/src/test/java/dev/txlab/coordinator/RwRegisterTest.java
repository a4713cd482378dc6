package dev.txlab.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txlab.coordinator.cluster.SimTxnCluster;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * rw-register micro-ops through both protocols: every committed read returns nil or a value some
 * transaction that did not definitely fail wrote (no dirty or aborted reads), and a committed
 * transaction reads its own earlier writes.
 */
class RwRegisterTest {
  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  @ParameterizedTest(name = "coordinator {0}")
  @ValueSource(strings = {"replicated", "single"})
  void readsSeeOnlyValuesOfTransactionsThatDidNotFail(String coordinator) {
    SimTxnCluster cluster =
        new SimTxnCluster(SimTxnCluster.Config.defaults(41).withKnob("coordinator", coordinator));
    cluster.sim().setLogLines(false);
    History history = new History();
    for (int i = 1; i <= 4; i++) {
      int idx = i;
      cluster.addClient(() -> Workloads.rwRegister(idx, 5), history, 5 * MS);
    }
    cluster.sim().runFor(4 * S);
    TreeSet<String> written = new TreeSet<>();
    TreeSet<String> failed = new TreeSet<>();
    for (History.Done d : history.done) {
      for (MicroOp op : d.ops()) {
        if (op.kind() != MicroOp.Kind.WRITE) continue;
        (d.outcome() == Outcome.FAIL ? failed : written).add(op.key() + "=" + op.value());
      }
    }
    List<String> problems = new ArrayList<>();
    for (History.Done d : history.done) {
      if (d.outcome() != Outcome.OK) continue;
      java.util.TreeMap<String, String> own = new java.util.TreeMap<>();
      for (MicroOp op : d.ops()) {
        if (op.kind() == MicroOp.Kind.WRITE) {
          own.put(op.key(), op.value());
        } else if (own.containsKey(op.key())) {
          if (!own.get(op.key()).equals(op.value()))
            problems.add(d.client() + " did not read its own write: " + d.ops());
        } else if (op.value() != null && !written.contains(op.key() + "=" + op.value())) {
          problems.add(
              d.client()
                  + " read "
                  + op
                  + (failed.contains(op.key() + "=" + op.value())
                      ? " of an aborted txn"
                      : " never written"));
        }
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(history.count(Outcome.OK) > 100, "ok: " + history.count(Outcome.OK));
  }
}
