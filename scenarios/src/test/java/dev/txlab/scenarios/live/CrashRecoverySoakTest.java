package dev.txlab.scenarios.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.checker.Validity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes during single-key writes ({@code -Psoak}; about a minute): the leader of a shard is
 * killed with SIGKILL and restarted from its files, again and again, while clients write; the
 * history must stay linearizable. (Transactions through kills, with every acknowledged append read
 * back, are {@link DurabilityProbe}'s: {@code DurabilityTest} and {@code txlab soak durability}.)
 */
@Tag("soak")
class CrashRecoverySoakTest {
  @TempDir Path dir;

  /** Kills a leader (or, with none known, a node), waits, restarts it: {@code rounds} times. */
  private static void killAndRestart(LiveCluster cluster, LiveNemesis nemesis, int rounds)
      throws Exception {
    for (int i = 0; i < rounds; i++) {
      LiveCluster.sleep(2500);
      LiveNemesis.Applied kill = nemesis.apply(Fault.parse("kill leader:shard-0"));
      if (!kill.applied()) {
        kill = nemesis.apply(Fault.parse("kill n" + (1 + i % 3)));
      }
      assertThat(kill.applied()).as(kill.summary()).isTrue();
      LiveCluster.sleep(1500);
      LiveNemesis.Applied restart =
          nemesis.apply(Fault.parse("restart " + String.join(",", kill.nodes())));
      assertThat(restart.applied()).as(restart.summary()).isTrue();
    }
  }

  @Test
  void registerHistoryStaysLinearizableThroughKillsAndRestarts() throws Exception {
    LiveCluster cluster = LiveCluster.start(ClusterProcessesTest.threeNodes(dir, "raft-kv"), null);
    try {
      LiveWorkload w =
          new LiveWorkload(
              cluster,
              LiveWorkload.Spec.defaults("register")
                  .withLoad(100, Duration.ofSeconds(30), 8)
                  .withTimeout(Duration.ofSeconds(6)));
      w.start();
      killAndRestart(cluster, new LiveNemesis(cluster, new SplittableRandom(7)), 6);
      // At least six seconds of writes after the last restart, so convergence is judged fairly.
      w.runFor(Duration.ofNanos(Math.max(30_000_000_000L, w.elapsedNanos() + 6_000_000_000L)));
      w.stop();
      LiveWorkload.Result r = w.check(w.elapsedNanos() - 5_000_000_000L);
      assertThat(r.validity()).as(r.checks().toString()).isEqualTo(Validity.VALID);
      assertThat(r.metrics().get("faults_applied")).isGreaterThanOrEqualTo(12.0);
    } finally {
      assertThat(cluster.stop(Duration.ofSeconds(5)).leftAlive()).isEmpty();
    }
  }
}
