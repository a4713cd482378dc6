package dev.txlab.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.txlab.coordinator.client.TxnClient;
import dev.txlab.coordinator.participant.TxnCommand;
import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.txn.TxnMessage;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every permitted message type has a handler: at the replicas or at the client. */
class HandlerCoverageTest {
  @Test
  void everyTxnMessageIsHandledSomewhere() {
    TreeSet<String> permitted = new TreeSet<>();
    for (Class<?> c : TxnMessage.class.getPermittedSubclasses()) permitted.add(c.getSimpleName());
    TreeSet<String> handled = new TreeSet<>();
    for (Class<?> c : TxnShardReplica.HANDLED) handled.add(c.getSimpleName());
    for (Class<?> c : TxnClient.HANDLED) handled.add(c.getSimpleName());
    assertEquals(permitted, handled);
  }

  @Test
  void everyCommandIsAppliedByTheStateMachine() {
    // The state machine's dispatch throws on an unknown command; apply one of each.
    var m =
        new dev.txlab.coordinator.participant.TxnStateMachine(
            dev.txlab.node.api.ShardId.of(0), true, 4);
    var t = new dev.txlab.coordinator.txn.TxnId("c1/client", 1, 0);
    Set<String> applied = new TreeSet<>();
    for (TxnCommand c :
        java.util.List.of(
            new TxnCommand.Lock(
                t,
                1,
                dev.txlab.node.api.Address.parse("c1/client"),
                java.util.List.of(dev.txlab.coordinator.txn.MicroOp.write("x", 1))),
            new TxnCommand.Prepare(t, 5, null, java.util.List.of(dev.txlab.node.api.ShardId.of(0))),
            new TxnCommand.CoordinatorDecide(
                t,
                dev.txlab.coordinator.txn.TxnDecision.COMMIT,
                10,
                java.util.List.of(
                    dev.txlab.node.api.ShardId.of(0), dev.txlab.node.api.ShardId.of(1))),
            new TxnCommand.CoordinatorDecide(
                t,
                dev.txlab.coordinator.txn.TxnDecision.ABORT,
                0,
                java.util.List.of(dev.txlab.node.api.ShardId.of(0))),
            new TxnCommand.End(java.util.List.of(t)),
            new TxnCommand.Decide(t, dev.txlab.coordinator.txn.TxnDecision.COMMIT, 10),
            new TxnCommand.Release(t, "x"),
            new TxnCommand.SafeTime(20))) {
      m.apply(c);
      applied.add(c.getClass().getSimpleName());
    }
    TreeSet<String> permitted = new TreeSet<>();
    for (Class<?> c : TxnCommand.class.getPermittedSubclasses()) permitted.add(c.getSimpleName());
    assertEquals(permitted, applied);
  }
}
