package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.scenarios.live.ClusterFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the live commands: exit status 2 and a message that names the problem, nothing
 * started.
 */
class LiveCommandsTest {
  @TempDir Path dir;

  /** A cluster file for three stopped nodes, as {@code cluster stop} leaves it. */
  private void stoppedCluster() throws Exception {
    List<ClusterFile.Node> nodes =
        List.of(
            new ClusterFile.Node(
                "n1", 1, 2, 3, dir.resolve("n1/node.log").toString(), List.of("java"), null, null),
            new ClusterFile.Node(
                "n2", 4, 5, 6, dir.resolve("n2/node.log").toString(), List.of("java"), null, null),
            new ClusterFile.Node(
                "n3", 7, 8, 9, dir.resolve("n3/node.log").toString(), List.of("java"), null, null));
    new ClusterFile(
            ClusterFile.VERSION,
            "raft-kv",
            "x",
            false,
            List.of("n1", "n2", "n3"),
            1,
            3,
            "always",
            nodes)
        .write(dir);
  }

  @Test
  void noClusterInTheDirectory() {
    for (String[] args :
        List.of(
            new String[] {"cluster", "status", "--dir", dir.toString()},
            new String[] {"cluster", "stop", "--dir", dir.toString()},
            new String[] {"chaos", "kill", "n1", "--dir", dir.toString()},
            new String[] {"workload", "register", "--duration", "1s", "--dir", dir.toString()})) {
      CheckCommandTest.Run r = CheckCommandTest.txlab(args);
      assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).contains("no cluster in " + dir).contains("txlab cluster start");
    }
  }

  @Test
  void badFaultTextIsNamed() {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("chaos", "frobnicate", "n1", "--dir", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains("bad fault 'frobnicate n1'")
        .contains("unknown fault 'frobnicate'");
    r = CheckCommandTest.txlab("chaos", "loss", "120%", "--dir", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("bad fault 'loss 120%'");
  }

  @Test
  void unknownNodesAndShardsAreNamed() throws Exception {
    stoppedCluster();
    CheckCommandTest.Run r = CheckCommandTest.txlab("chaos", "kill", "n9", "--dir", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("node 'n9' is not in the cluster (n1, n2, n3)");
    r = CheckCommandTest.txlab("chaos", "isolate", "leader:shard-4", "--dir", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("no shard 'shard-4'");
    r = CheckCommandTest.txlab("cluster", "logs", "n7", "--dir", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("node 'n7' is not in the cluster");
  }

  @Test
  void aStoppedClusterIsNotRunning() throws Exception {
    stoppedCluster();
    CheckCommandTest.Run r = CheckCommandTest.txlab("chaos", "kill", "n1", "--dir", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("no node of the cluster in " + dir + " is running");
    r = CheckCommandTest.txlab("workload", "register", "--duration", "1s", "--dir", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("is running");
    r = CheckCommandTest.txlab("cluster", "status", "--dir", dir.toString());
    assertThat(r.status()).isEqualTo(0);
    assertThat(r.out()).contains("n1   -        NO");
  }

  @Test
  void badWorkloadsAndShapesAreRefused() {
    CheckCommandTest.Run r = CheckCommandTest.txlab("workload", "ledger", "--dir", dir.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "unknown workload 'ledger'; choose one of register, list-append, rw-register, bank, causal-reverse");
    r =
        CheckCommandTest.txlab(
            "cluster",
            "start",
            "--nodes",
            "2",
            "--replicas",
            "3",
            "--dir",
            dir.resolve("c").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--replicas");
    r =
        CheckCommandTest.txlab(
            "cluster", "start", "--protocol", "paxos", "--dir", dir.resolve("c").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains("--protocol must be one a live cluster runs (")
        .contains("spanner")
        .contains("raft-kv")
        .contains("not 'paxos'");
    r =
        CheckCommandTest.txlab(
            "cluster", "start", "--warmup-reads", "-5", "--dir", dir.resolve("w").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--warmup-reads must be 0..1000000, not -5");
    assertThat(dir.resolve("w")).doesNotExist();
    r =
        CheckCommandTest.txlab(
            "cluster", "start", "--warmup-writes", "2000000", "--dir", dir.resolve("w").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--warmup-writes must be 0..1000000, not 2000000");
    assertThat(dir.resolve("w")).doesNotExist();
  }
}
