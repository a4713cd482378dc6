package dev.txlab.coordinator.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code LiveTxnNode}'s command line as the CLI uses it: bad flags are refused naming the flag
 * (exit status 2 from a real process), and a one-node cluster started as a child process prints its
 * ready line, serves {@code POST /txn} and its admin API, and is gone after it is killed.
 */
class LiveTxnNodeMainTest {
  private static final String[] BASE = {
    "--node", "n1", "--nodes", "n1,n2,n3", "--ports", "7800,7801,7802"
  };

  private static String[] with(String... more) {
    List<String> all = new ArrayList<>(List.of(BASE));
    all.addAll(List.of(more));
    return all.toArray(new String[0]);
  }

  @Test
  void badFlagsAreRefusedNamingTheFlag() {
    String[][] bad = {
      {"--protocol", "3pc"},
      {"--commit-wait", "maybe"},
      {"--coordinator", "many"},
      {"--staleness", "soon"},
      {"--lanes", "0"},
      {"--lanes", "x"},
      {"--tick-ms", "0"},
      {"--http-port", "70000"},
      {"--admin-port", "0"},
      {"--fsync", "sometimes"},
      {"--frobnicate", "1"},
      {"--shards", "-1"},
      {"--replicas", "4"},
      {"--epsilon-ms", "x"}
    };
    String[] named = {
      "--protocol",
      "--commit-wait",
      "--coordinator",
      "--staleness",
      "--lanes",
      "--lanes",
      "--tick-ms",
      "--http-port",
      "--admin-token-file",
      "--fsync",
      "--frobnicate",
      "--shards",
      "--replicas",
      "--epsilon-ms"
    };
    for (int i = 0; i < bad.length; i++) {
      String[] args = with(bad[i]);
      assertThatThrownBy(() -> LiveTxnNode.parse(args))
          .as(String.join(" ", bad[i]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(named[i]);
    }
    assertThatThrownBy(() -> LiveTxnNode.parse(new String[] {"--node", "n1"}))
        .hasMessageContaining("--nodes");
    assertThatThrownBy(() -> LiveTxnNode.parse(with("--lanes")))
        .hasMessageContaining("--lanes needs a value");
    LiveTxnNode.Launch ok =
        LiveTxnNode.parse(with("--protocol", "2pc", "--commit-wait", "off", "--staleness", "50ms"));
    assertThat(ok.knobs().replicatedCoordinator()).isFalse();
    assertThat(ok.knobs().commitWait()).isFalse();
    assertThat(ok.knobs().stalenessNanos()).isEqualTo(50_000_000L);
  }

  private static ProcessBuilder java(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                LiveTxnNode.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  @Test
  void aBadFlagExitsWithStatusTwo() throws Exception {
    Process p =
        java(with("--protocol", "3pc")).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(err)
        .contains("--protocol must be one the live node hosts (")
        .contains("spanner")
        .contains("classic")
        .contains("not '3pc'");
  }

  /**
   * A node whose log was damaged in the middle (a byte flipped in data a later record says was
   * fsynced) refuses to start, naming the file and the offsets, with exit status 74 — where it once
   * truncated the log there and rejoined as a voter that had forgotten what it acknowledged.
   */
  @Test
  void aNodeWithDamagedDurableDataRefusesToStart() throws Exception {
    Path dir = Files.createTempDirectory("txlab-corrupt");
    int port = LiveTxnCluster.freePorts(1).get(0);
    String[] args = {
      "--node", "n1", "--nodes", "n1", "--ports", Integer.toString(port), "--dir", dir.toString()
    };
    Process p = java(args).redirectError(dir.resolve("err1.txt").toFile()).start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).as(Files.readString(dir.resolve("err1.txt"))).startsWith("ready");
      // A leader of one replicates a closed timestamp every tick: records accumulate, each fsynced.
      Path wal = null;
      for (int i = 0; i < 100; i++) {
        Thread.sleep(100);
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
          wal =
              s.filter(f -> f.toString().contains("shard-0") && f.toString().endsWith(".log"))
                  .findFirst()
                  .orElse(null);
        }
        if (wal != null && Files.size(wal) > 4_000) break;
      }
      assertThat(wal).isNotNull();
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    Path wal;
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      wal =
          s.filter(f -> f.toString().contains("shard-0") && f.toString().endsWith(".log"))
              .findFirst()
              .orElseThrow();
    }
    byte[] data = Files.readAllBytes(wal);
    int middle = data.length / 2;
    data[middle] ^= 0x5A;
    Files.write(wal, data);
    Process again = java(args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(again.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(again.exitValue()).as(err).isEqualTo(74);
    assertThat(err)
        .contains("txlab live node n1: cannot start:")
        .contains(wal.getFileName().toString())
        .contains("fsynced through offset")
        .contains("refusing to start");
    assertThat(Files.readAllBytes(wal)).as("the damaged file is left as it was").isEqualTo(data);
  }

  @Test
  void aNodeProcessPrintsItsReadyLineAndServes() throws Exception {
    Path dir = Files.createTempDirectory("txlab-main");
    Path token = dir.resolve("admin.token");
    Files.writeString(token, "tok-123\n");
    int port = LiveTxnCluster.freePorts(1).get(0);
    Process p =
        java(
                "--node",
                "n1",
                "--nodes",
                "n1",
                "--ports",
                Integer.toString(port),
                "--dir",
                dir.toString(),
                "--http-port",
                "0",
                "--admin-port",
                "0",
                "--admin-token-file",
                token.toString(),
                "--protocol",
                "2pc")
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String ready = out.readLine();
      Matcher m =
          Pattern.compile("^ready n1 http (\\d+) admin (\\d+)$").matcher(String.valueOf(ready));
      assertThat(m.matches())
          .as("ready line '%s'; stderr: %s", ready, Files.readString(dir.resolve("err.txt")))
          .isTrue();
      HttpClient http = HttpClient.newHttpClient();
      String body =
          "{\"client\":\"m\",\"seq\":1,\"ops\":[[\"append\",\"k\",1],[\"r\",\"k\",null]]}";
      HttpResponse<String> r = null;
      for (int i = 0; i < 100; i++) {
        r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/txn"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) break;
        Thread.sleep(100);
      }
      assertThat(r.body())
          .isEqualTo("{\"status\":\"ok\",\"ops\":[[\"append\",\"k\",1],[\"r\",\"k\",[1]]]}");
      HttpResponse<String> status =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(2) + "/admin/status"))
                  .header("Authorization", "Bearer tok-123")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(status.body()).contains("\"pid\":" + p.pid()).contains("\"protocol\":\"classic\"");
      // The node's log tells its story, one line per record: the election it won, for one.
      String log = "";
      for (int i = 0; i < 50 && !log.contains("n1/shard-0: "); i++) {
        Thread.sleep(100);
        log = Files.readString(dir.resolve("err.txt"));
      }
      assertThat(log)
          .containsPattern(
              "(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO n1/shard-0: .*leader in term \\d+");
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      try (var walk = Files.walk(dir)) {
        for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList())
          Files.deleteIfExists(f);
      }
    }
  }
}
