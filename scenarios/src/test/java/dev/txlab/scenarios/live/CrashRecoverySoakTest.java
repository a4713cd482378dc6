package dev.txlab.scenarios.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Keyword;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes during writes ({@code -Psoak}; about a minute each): the leader of a shard is killed
 * with SIGKILL and restarted from its files, again and again, while clients write. The history must
 * check, and after the last restart every acknowledged write must still be there.
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

  @Test
  void noAcknowledgedAppendIsLostThroughKillsAndRestarts() throws Exception {
    LiveCluster cluster = LiveCluster.start(ClusterProcessesTest.threeNodes(dir, "spanner"), null);
    try {
      LiveWorkload w =
          new LiveWorkload(
              cluster,
              LiveWorkload.Spec.defaults("list-append")
                  .withLoad(60, Duration.ofSeconds(30), 6)
                  .withTimeout(Duration.ofSeconds(8)));
      w.start();
      killAndRestart(cluster, new LiveNemesis(cluster, new SplittableRandom(11)), 6);
      // At least six seconds of writes after the last restart, so convergence is judged fairly.
      w.runFor(Duration.ofNanos(Math.max(30_000_000_000L, w.elapsedNanos() + 6_000_000_000L)));
      w.stop();
      LiveWorkload.Result r = w.check(w.elapsedNanos() - 5_000_000_000L);
      assertThat(r.validity()).as(r.checks().toString()).isEqualTo(Validity.VALID);

      // Every append a client saw acknowledged, by key.
      Map<Long, Set<Long>> acknowledged = new TreeMap<>();
      for (Op op : r.history().events()) {
        if (op.isNemesis() || op.type() != OpType.OK) continue;
        for (Object m : (List<?>) op.value()) {
          List<?> micro = (List<?>) m;
          if (micro.get(0).equals(Keyword.of("append"))) {
            acknowledged
                .computeIfAbsent((Long) micro.get(1), k -> new TreeSet<>())
                .add((Long) micro.get(2));
          }
        }
      }
      assertThat(acknowledged).isNotEmpty();
      // Read every key back after the last restart; a read may need a retry while leaders settle.
      for (Map.Entry<Long, Set<Long>> e : acknowledged.entrySet()) {
        JsonNode list = readList(cluster, e.getKey());
        Set<Long> present = new TreeSet<>();
        list.forEach(x -> present.add(x.asLong()));
        assertThat(present).as("key " + e.getKey()).containsAll(e.getValue());
      }
    } finally {
      assertThat(cluster.stop(Duration.ofSeconds(5)).leftAlive()).isEmpty();
    }
  }

  private static JsonNode readList(LiveCluster cluster, long key) {
    String last = "";
    for (int attempt = 0; attempt < 20; attempt++) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("client", "soak-reader");
      body.put("seq", System.nanoTime());
      List<Object> read = new ArrayList<>();
      read.add("r");
      read.add(Long.toString(key));
      read.add(null);
      body.put("ops", List.of(read));
      NodeApi.Reply reply =
          cluster.api(cluster.nodes().get(attempt % 3)).post("/txn", body, Duration.ofSeconds(10));
      if (reply.ok() && "ok".equals(reply.body().path("status").asText())) {
        JsonNode v = reply.body().get("ops").get(0).get(2);
        return v == null || v.isNull()
            ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
            : v;
      }
      last = reply.describe();
      LiveCluster.sleep(500);
    }
    throw new AssertionError("could not read key " + key + ": " + last);
  }
}
