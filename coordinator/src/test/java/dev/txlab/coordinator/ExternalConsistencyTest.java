package dev.txlab.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txlab.coordinator.cluster.SimTxnCluster;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.time.EpsilonModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Commit wait is what buys external consistency. Servers' clocks run 4 ms ahead and clients' 4 ms
 * behind, inside a constant ε of 5 ms (TrueTime never lies): with commit wait every committed
 * append is seen by snapshot reads that start after it; without it, snapshot reads miss recently
 * acknowledged commits (a real-time anomaly) while the history stays serializable. Staleness by
 * design does the same.
 */
class ExternalConsistencyTest {
  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  private record Run(History history, SimTxnCluster cluster) {}

  private static Run run(long seed, String... knobs) {
    SimTxnCluster.Config config = SimTxnCluster.Config.defaults(seed);
    for (int i = 0; i < knobs.length; i += 2) config = config.withKnob(knobs[i], knobs[i + 1]);
    config = config.withSim(config.sim().withEpsilon(new EpsilonModel.Constant(5 * MS)));
    SimTxnCluster cluster = new SimTxnCluster(config);
    cluster.sim().setLogLines(false);
    History history = new History().timedBy(cluster.sim()::nowNanos);
    boolean[] stop = {false};
    for (int i = 1; i <= 4; i++) {
      var w = Workloads.listAppend(i, 4, 0.5);
      cluster.addClient(() -> random -> stop[0] ? null : w.next(random), history, 2 * MS);
    }
    for (NodeId n : cluster.serverNodes()) cluster.control().setClockOffset(n, 4 * MS);
    for (int i = 1; i <= 4; i++) cluster.control().setClockOffset(NodeId.of("c" + i), -4 * MS);
    cluster.sim().runFor(4 * S);
    stop[0] = true;
    cluster.sim().runFor(3 * S);
    assertEquals(0, cluster.sim().stats().trueTimeLies(), "TrueTime must stay honest in this test");
    assertEquals(
        List.of(), Oracle.checkListAppend(cluster, history), "serializable in every variant");
    assertTrue(history.count(Outcome.OK) > 100);
    return new Run(history, cluster);
  }

  @Test
  void withCommitWaitSnapshotReadsSeeEveryEarlierCommit() {
    Run r = run(31, "commit-wait", "on");
    assertEquals(List.of(), Oracle.checkRealTime(r.history()));
  }

  @Test
  void withoutCommitWaitSnapshotReadsMissAcknowledgedCommits() {
    Run r = run(31, "commit-wait", "off");
    List<String> stale = Oracle.checkRealTime(r.history());
    System.out.println(
        "commit-wait off: "
            + stale.size()
            + " stale reads, e.g. "
            + (stale.isEmpty() ? "" : stale.get(0)));
    assertFalse(stale.isEmpty(), "expected a real-time anomaly without commit wait");
  }

  @Test
  void boundedStalenessReadsAreConsistentButMayBeStale() {
    Run r = run(32, "staleness", "200ms");
    assertFalse(
        Oracle.checkRealTime(r.history()).isEmpty(), "200 ms stale reads miss recent commits");
  }

  @Test
  void lockingReadOnlyTransactionsAreExternallyConsistentEvenWithoutCommitWait() {
    Run r = run(33, "read-only", "locking", "commit-wait", "off");
    assertEquals(List.of(), Oracle.checkRealTime(r.history()));
  }
}
