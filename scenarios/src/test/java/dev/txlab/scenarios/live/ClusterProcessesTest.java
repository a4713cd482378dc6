package dev.txlab.scenarios.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real live cluster, three node processes started as children of the test JVM (with its class
 * path) on loopback: a short register workload with a partition and its heal applied through the
 * chaos code, checked for linearizability; then {@code stop} must leave no process behind.
 */
@org.junit.jupiter.api.Tag("real-time")
class ClusterProcessesTest {
  @TempDir Path dir;

  static LiveCluster.StartOptions threeNodes(Path dir, String protocol) {
    return LiveCluster.StartOptions.defaults(dir)
        .withShape(3, 1, 3)
        .withProtocol(protocol)
        .withTimeout(Duration.ofSeconds(60));
  }

  @Test
  void registerWorkloadUnderAPartitionIsLinearizableAndStopLeavesNoProcess() throws Exception {
    LiveCluster cluster = LiveCluster.start(threeNodes(dir, "raft-kv"), null);
    List<Long> pids = new ArrayList<>();
    try {
      for (String n : cluster.nodes()) {
        pids.add(cluster.process(n).orElseThrow().pid());
      }
      assertThat(Files.getPosixFilePermissions(dir.resolve(ClusterFile.TOKEN)))
          .containsExactlyInAnyOrder(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
      // start returned once every shard had a leader; on a busy machine a replica may call an
      // election right after, so this waits (briefly) rather than assuming the leader is still
      // there, and shows the nodes' role changes if one never comes.
      try {
        cluster.awaitLeaders(Duration.ofSeconds(20));
      } catch (LiveException e) {
        throw new AssertionError(e.getMessage() + "\n" + cluster.roleChanges(20), e);
      }
      assertThat(cluster.roleChanges(20))
          .as("the nodes' role changes")
          .contains("→ leader in term");

      // The warm-up reads go through every node and change nothing: no log entry, no key.
      List<Long> commitBefore = commitIndexes(cluster);
      LiveCluster.WarmUp warm = cluster.warmUp(150, 0, Duration.ofSeconds(30));
      assertThat(warm.reads()).as("%s", warm).isEqualTo(3 * 150);
      assertThat(warm.failed()).as("%s", warm).isZero();
      assertThat(commitIndexes(cluster))
          .as("commit indexes after the warm-up")
          .isEqualTo(commitBefore);
      // The warm-up's compare-and-sets all fail and write no key, but each is a log entry.
      long maxBefore = java.util.Collections.max(commitBefore);
      LiveCluster.WarmUp writes = cluster.warmUp(0, 30, Duration.ofSeconds(30));
      assertThat(writes.writes()).as("%s", writes).isEqualTo(3 * 30);
      assertThat(writes.reads()).as("%s", writes).isZero();
      assertThat(writes.failed()).as("%s", writes).isZero();
      assertThat(java.util.Collections.max(commitIndexes(cluster)))
          .as("the leader's commit index after the compare-and-sets")
          .isGreaterThanOrEqualTo(maxBefore + 3 * 30);
      for (int k = 0; k < 64; k++) {
        NodeApi.Reply absent =
            cluster.api("n2").get(NodeApi.kvPath("txlab-warmup-" + k), Duration.ofSeconds(5));
        assertThat(absent.ok()).as(absent.describe()).isTrue();
        assertThat(absent.body().get("value").isNull()).as("%s", absent.body()).isTrue();
      }

      LiveWorkload w =
          new LiveWorkload(
              cluster,
              LiveWorkload.Spec.defaults("register")
                  .withLoad(100, Duration.ofSeconds(4), 5)
                  .withTimeout(Duration.ofSeconds(6)));
      LiveNemesis nemesis = new LiveNemesis(cluster, new SplittableRandom(1));
      w.start();
      LiveCluster.sleep(800);
      LiveNemesis.Applied cut = nemesis.apply(Fault.parse("partition n1|n2,n3"));
      assertThat(cut.applied()).as(cut.changes().toString()).isTrue();
      assertThat(cut.nodes()).containsExactly("n1", "n2", "n3");
      LiveCluster.sleep(1000);
      LiveNemesis.Applied heal = nemesis.apply(Fault.parse("heal"));
      assertThat(heal.applied()).isTrue();
      // Progress after the heal (however long re-election takes on this machine), so the check
      // that the cluster made progress again is fair.
      assertThat(w.awaitOk(10, Duration.ofSeconds(30))).as("progress after the heal").isTrue();
      w.stop();
      LiveWorkload.Result r = w.check(-1);

      assertThat(r.checks().get("linearizable").validity())
          .as(r.checks().toString())
          .isEqualTo(Validity.VALID);
      assertThat(r.validity()).as(r.checks().toString()).isEqualTo(Validity.VALID);
      assertThat(r.metrics().get("ops_ok")).isGreaterThan(20.0);
      List<String> nemesisOps = new ArrayList<>();
      for (Op op : r.history().events()) {
        if (op.isNemesis()) nemesisOps.add(op.f() + ": " + op.value());
      }
      // Each fault a Jepsen pair: an :info without a value, then one with what it did.
      assertThat(nemesisOps).hasSize(4);
      assertThat(nemesisOps.get(0)).isEqualTo("partition: null");
      assertThat(nemesisOps.get(1)).startsWith("partition: partition n1|n2,n3");
      assertThat(nemesisOps.get(2)).isEqualTo("heal: null");
      assertThat(nemesisOps.get(3)).startsWith("heal: heal");
    } finally {
      LiveCluster.StopReport stop = cluster.stop(Duration.ofSeconds(5));
      assertThat(stop.leftAlive()).isEmpty();
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("pid " + pid)
          .isFalse();
    }
    assertThat(LiveCluster.load(dir).running()).isEmpty();
  }

  /**
   * {@code kill coordinator after prepare}, live: the classic 2PC coordinator's node is armed and
   * halts itself when it has every vote of a transaction; participants then stay in doubt, with
   * their locks, until it is restarted — and the nodes' own metrics show the blocking.
   */
  @Test
  void aPhaseTriggeredKillHaltsTheCoordinatorsNodeAndParticipantsBlockUntilItReturns()
      throws Exception {
    LiveCluster cluster = LiveCluster.start(threeNodes(dir, "2pc").withShape(3, 3, 3), null);
    try {
      LiveNemesis nemesis = new LiveNemesis(cluster, new SplittableRandom(1));
      LiveNemesis.Applied armed = nemesis.apply(Fault.parse("kill coordinator after prepare"));
      assertThat(armed.applied()).as(armed.changes().toString()).isTrue();
      assertThat(armed.nodes()).containsExactly("n1");
      assertThat(cluster.alive("n1")).as("armed, not killed").isTrue();

      LiveWorkload w =
          new LiveWorkload(
              cluster,
              LiveWorkload.Spec.defaults("list-append")
                  .withLoad(50, Duration.ofSeconds(10), 4)
                  .withTimeout(Duration.ofSeconds(3)));
      w.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      while (cluster.alive("n1") && System.nanoTime() < deadline) {
        LiveCluster.sleep(50);
      }
      assertThat(cluster.alive("n1"))
          .as("n1 halted itself at the first prepared transaction")
          .isFalse();
      LiveCluster.sleep(2500);
      LiveNemesis.Applied back = nemesis.apply(Fault.parse("restart n1"));
      assertThat(back.nodes()).containsExactly("n1");
      // Until the restarted node has recovered and transactions commit again: a JVM start, an
      // election and the coordinator's recovery take seconds on a busy machine.
      assertThat(w.awaitOk(10, Duration.ofSeconds(40))).as("progress after the restart").isTrue();
      w.stop();
      java.util.Map<String, Double> measured = LiveScenarioRun.nodeMetrics(cluster);
      LiveWorkload.Result r = w.check(-1);
      assertThat(r.checks().get("strict-serializable").validity())
          .as(r.checks().toString())
          .isEqualTo(Validity.VALID);
      assertThat(measured.get("blocked_txns")).as(measured.toString()).isGreaterThanOrEqualTo(1.0);
      assertThat(measured.get("blocked_ms_max"))
          .as("in doubt for the outage")
          .isGreaterThanOrEqualTo(2000.0);
    } finally {
      assertThat(cluster.stop(Duration.ofSeconds(5)).leftAlive()).isEmpty();
    }
  }

  private static List<Long> commitIndexes(LiveCluster cluster) {
    List<Long> out = new ArrayList<>();
    for (String n : cluster.nodes()) {
      NodeApi.Reply r = cluster.api(n).get("/status", Duration.ofSeconds(5));
      assertThat(r.ok()).as(r.describe()).isTrue();
      out.add(r.body().path("shards").path("shard-0").path("commit_index").asLong(-1));
    }
    return out;
  }
}
