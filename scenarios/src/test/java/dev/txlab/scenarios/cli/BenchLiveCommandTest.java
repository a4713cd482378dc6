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
 * and nothing left running afterwards. Figures are not asserted (timings belong in benchmarks);
 * what was measured, and that it completed, is.
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
}
