package dev.txlab.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvOp;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SimClusterTest {
  static final long MS = 1_000_000L, S = 1_000_000_000L;

  static final class Counting implements ClientObserver {
    final TreeMap<String, Integer> okByClient = new TreeMap<>();

    @Override
    public void invoked(String clientId, long seq, KvOp op) {}

    @Override
    public void completed(String clientId, long seq, KvOp op, Outcome outcome, String value) {
      if (outcome == Outcome.OK) okByClient.merge(clientId, 1, Integer::sum);
    }
  }

  @Test
  void everyShardElectsALeaderAndClientsGetAnswers() {
    SimCluster cluster = new SimCluster(SimCluster.Config.defaults(1));
    Counting counting = new Counting();
    cluster.addClient(r -> new KvOp.Put("k" + r.nextInt(10), "v"), counting, 10 * MS);
    cluster.sim().runFor(3 * S);
    for (ShardId s : cluster.shardMap().allShards())
      assertThat(cluster.leaderOf(s)).as(s.toString()).isNotNull();
    assertThat(counting.okByClient.values().stream().mapToInt(Integer::intValue).sum())
        .isGreaterThan(100);
    assertThat(cluster.config().knobs())
        .containsEntry("reads", "readindex")
        .containsEntry("fsync", "always");
  }

  @Test
  void aRestartedClientIsANewSessionAndKeepsWorking() {
    SimCluster cluster = new SimCluster(SimCluster.Config.defaults(2));
    Counting counting = new Counting();
    Address client = cluster.addClient(r -> new KvOp.Append("k", "x"), counting, 10 * MS);
    cluster.sim().runFor(2 * S);
    cluster.control().crash(client.node());
    cluster.control().restart(client.node());
    cluster.sim().runFor(2 * S);
    assertThat(counting.okByClient)
        .hasSize(2)
        .allSatisfy((id, n) -> assertThat(n).isGreaterThan(10));
  }

  @Test
  void leadershipMovesOnRequest() {
    SimCluster cluster = new SimCluster(SimCluster.Config.defaults(3));
    cluster.sim().runFor(2 * S);
    ShardId shard = ShardId.of(1);
    Address before = cluster.leaderOf(shard);
    Address target =
        cluster.shardMap().replicasOf(shard).stream()
            .filter(a -> !a.equals(before))
            .findFirst()
            .orElseThrow();
    assertThat(cluster.transferLeadership(shard, target.node())).isTrue();
    cluster.sim().runFor(S);
    assertThat(cluster.leaderOf(shard)).isEqualTo(target);
  }

  @Test
  void unknownKnobsAndValuesAreRefusedByName() {
    SimCluster.Config c = SimCluster.Config.defaults(1);
    assertThatThrownBy(() -> c.withKnob("reads", "fast"))
        .hasMessageContaining("readindex|lease|local|follower");
    assertThatThrownBy(() -> c.withKnob("fsync", "sometimes")).hasMessageContaining("always|never");
    assertThatThrownBy(() -> c.withKnob("commit-wait", "off"))
        .hasMessageContaining("unknown knob 'commit-wait'");
    assertThat(c.withKnob("lease-drift-bound", "0.2").knobs())
        .containsEntry("lease-drift-bound", "0.2");
  }
}
