package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txlab.scenarios.live.EtcdCluster;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code txlab bench live --json}: every single-key point measured on a live raft-kv cluster — and,
 * where etcd is on the PATH, on a 3-member etcd beside it with the same client, with the ratio —
 * and nothing left running afterwards; the transactional points (16 and 64 list-append clients on a
 * live Spanner-style cluster) with every figure present and each point's history checked valid; bad
 * options named, exit status 2. Figures are not asserted (timings belong in benchmarks); what was
 * measured, and that it completed, is.
 */
@Tag("real-time")
class BenchLiveCommandTest {
  @Test
  void measuresEveryPointBesideEtcdWhenItIsThereAndLeavesNothingRunning() throws Exception {
    boolean etcd = EtcdCluster.onPath().isPresent();
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "bench",
            "live",
            "--warmup",
            "1s",
            "--measure",
            "1s",
            "--skip-txn",
            "--json",
            "--etcd",
            etcd ? "on" : "off");
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.get("keys").asInt()).isEqualTo(1000);
    List<String> loads = new java.util.ArrayList<>();
    for (JsonNode p : doc.get("points")) {
      loads.add(p.get("load").asText() + "@" + p.get("clients").asInt());
      assertThat(p.get("txlab").get("ok").asLong()).as(p.toString()).isPositive();
      assertThat(p.get("txlab").get("p99_ms").asDouble())
          .isGreaterThanOrEqualTo(p.get("txlab").get("p50_ms").asDouble());
      if (etcd) {
        assertThat(p.get("etcd").get("ok").asLong()).as(p.toString()).isPositive();
        assertThat(p.get("ratio").asDouble()).isPositive();
      } else {
        assertThat(p.has("etcd")).isFalse();
      }
    }
    assertThat(loads).containsExactly("puts@1", "puts@16", "puts@64", "linearizable gets@16");
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(h -> h.info().command().orElse(""))
                .filter(c -> c.endsWith("/etcd") || c.endsWith("/java"))
                .toList())
        .as("no etcd member or node left running")
        .isEmpty();
  }

  @Test
  void measuresBothTransactionalPointsOnOneClusterAndChecksTheirHistories() throws Exception {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "bench",
            "live",
            "--warmup",
            "1s",
            "--measure",
            "2s",
            "--skip-single-key",
            "--json",
            "--etcd",
            "off");
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.get("points")).as("no single-key point").isEmpty();
    JsonNode txn = doc.get("transactions");
    assertThat(txn.get("protocol").asText()).isEqualTo("spanner");
    assertThat(txn.get("workload").asText()).isEqualTo("list-append");
    assertThat(txn.get("keys").asInt()).isEqualTo(BenchLiveCommand.DEFAULT_TXN_KEYS);
    List<Integer> clients = new java.util.ArrayList<>();
    for (JsonNode p : txn.get("points")) {
      clients.add(p.get("clients").asInt());
      assertThat(p.get("committed").asLong()).as(p.toString()).isPositive();
      assertThat(p.get("committed_per_s").asDouble()).as(p.toString()).isPositive();
      assertThat(p.get("aborted_per_s").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(p.get("indefinite").asLong()).isGreaterThanOrEqualTo(0);
      assertThat(p.get("multi_shard_share").asDouble()).as(p.toString()).isPositive();
      double last = 0;
      for (String q : List.of("p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms")) {
        assertThat(p.get(q).asDouble())
            .as(q + " in " + p)
            .isPositive()
            .isGreaterThanOrEqualTo(last);
        last = p.get(q).asDouble();
      }
      // The window's history, every transaction in it, checked: valid.
      assertThat(p.get("history_txns").asLong())
          .isGreaterThanOrEqualTo(
              p.get("committed").asLong()
                  + p.get("aborted").asLong()
                  + p.get("indefinite").asLong());
      assertThat(p.get("valid").asBoolean()).as(p.toString()).isTrue();
      assertThat(p.get("verdict").asText()).isEqualTo("valid (strict-serializable)");
      assertThat(p.get("check_seconds").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(p.get("each_round")).hasSize(1);
    }
    assertThat(clients).as("16 clients first, then 64").containsExactly(16, 64);
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(h -> h.info().command().orElse(""))
                .filter(c -> c.endsWith("/java"))
                .toList())
        .as("no node left running")
        .isEmpty();
  }

  @Test
  void badTransactionalOptionsAreNamedWithExitStatusTwo() {
    for (String bad : List.of("0", "16,x", "", "16,,64", "2000", "-16")) {
      CheckCommandTest.Run r =
          CheckCommandTest.txlab("bench", "live", "--etcd", "off", "--txn-clients", bad);
      assertThat(r.status()).as("--txn-clients '" + bad + "': " + r.err()).isEqualTo(2);
      assertThat(r.err()).contains("--txn-clients");
    }
    CheckCommandTest.Run keys = CheckCommandTest.txlab("bench", "live", "--txn-keys", "0");
    assertThat(keys.status()).as(keys.err()).isEqualTo(2);
    assertThat(keys.err()).contains("--txn-keys");
    CheckCommandTest.Run nothing =
        CheckCommandTest.txlab("bench", "live", "--skip-txn", "--skip-single-key");
    assertThat(nothing.status()).as(nothing.err()).isEqualTo(2);
    assertThat(nothing.err()).contains("--skip-txn").contains("--skip-single-key");
  }
}
