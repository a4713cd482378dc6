package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.scenarios.live.LiveCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code txlab run --host live} never leaves a node process behind (issue 12): interrupted
 * (SIGTERM, as Ctrl-C's shutdown does) it stops its cluster from a shutdown hook and says so;
 * killed outright (SIGKILL), its nodes notice their parent is gone and exit by themselves. Each
 * case runs the real command in a child JVM and kills it mid-run.
 */
@org.junit.jupiter.api.Tag("real-time")
class LiveRunExitTest {
  @TempDir Path dir;

  private Process startRun(Path out) throws Exception {
    Path script = dir.resolve("long.yaml");
    Files.writeString(
        script,
        """
        name: long
        duration: 120s
        converge: 1s
        nodes: 3
        shards: 1
        replicas: 3
        workload: {name: register, clients: 2, rate: 20}
        """);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.txlab.scenarios.cli.Txlab",
                "run",
                script.toString(),
                "--host",
                "live",
                "--out",
                out.toString()));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile())
        .start();
  }

  /** The node pids once all three run (the cluster directory records them). */
  private static List<Long> awaitNodes(Path clusterDir, Process run) throws Exception {
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (System.nanoTime() < deadline) {
      assertThat(run.isAlive()).as("the run is still going").isTrue();
      if (Files.exists(clusterDir.resolve("cluster.json"))) {
        try {
          LiveCluster c = LiveCluster.load(clusterDir);
          if (c.running().size() == 3) {
            List<Long> pids = new ArrayList<>();
            for (String n : c.nodes()) {
              pids.add(c.process(n).orElseThrow().pid());
            }
            return pids;
          }
        } catch (Exception e) {
          // being written: look again
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the cluster never came up");
  }

  private static void assertAllGone(List<Long> pids, long withinMillis) throws Exception {
    long deadline = System.currentTimeMillis() + withinMillis;
    while (System.currentTimeMillis() < deadline) {
      if (pids.stream()
          .noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))) {
        return;
      }
      Thread.sleep(100);
    }
    List<Long> alive = new ArrayList<>();
    for (long p : pids) {
      if (ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)) {
        alive.add(p);
        ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    throw new AssertionError("node processes left behind: " + alive);
  }

  @Test
  void anInterruptedRunStopsItsNodes() throws Exception {
    Path out = dir.resolve("term");
    Process run = startRun(out);
    List<Long> pids = awaitNodes(out.resolve("cluster"), run);
    run.destroy(); // SIGTERM
    assertThat(run.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertAllGone(pids, 20_000);
    assertThat(Files.readString(dir.resolve("term.log")))
        .contains("interrupted: stopping the cluster");
  }

  @Test
  void aKilledRunsNodesExitByThemselves() throws Exception {
    Path out = dir.resolve("kill");
    Process run = startRun(out);
    List<Long> pids = awaitNodes(out.resolve("cluster"), run);
    run.destroyForcibly(); // SIGKILL: no hook runs
    assertThat(run.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertAllGone(pids, 20_000);
  }
}
