package dev.txlab.coordinator.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ShardMap;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Cross-shard transactions on a live three-node, three-shard cluster, under both protocols:
 * concurrent clients append unique values to keys on every shard through every node's {@code POST
 * /txn}. Afterwards one transaction reads every key: each acknowledged append is there exactly
 * once, nothing aborted or never attempted is, and every list a committed transaction read is a
 * prefix of the final list (appends are never reordered or lost once seen).
 */
class LiveCrossShardTest {
  private static final List<String> KEYS = List.of("a", "b", "c", "d", "e", "f", "g", "h");

  @Test
  void spannerStyle() throws Exception {
    run(TxnKnobs.spanner());
  }

  @Test
  void classicTwoPhaseCommit() throws Exception {
    run(TxnKnobs.classic2pc());
  }

  /**
   * A list read's values as longs (JSON numbers come back as the smallest fitting type); null:
   * never written.
   */
  private static List<Object> longs(JsonArray a) {
    List<Object> out = new ArrayList<>();
    if (a != null) for (Object o : a) out.add(((Number) o).longValue());
    return out;
  }

  private void run(TxnKnobs knobs) throws Exception {
    ShardMap map = new ShardMap(List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3")), 3, 3);
    Set<ShardId> covered = new TreeSet<>();
    for (String k : KEYS) covered.add(map.shardOf(k));
    assertThat(covered).as("the keys span every shard").hasSize(3);

    try (LiveTxnCluster cluster = new LiveTxnCluster(3, 3, knobs)) {
      assertThat(
              cluster.awaitLeaders(
                  List.of("shard-0", "shard-1", "shard-2"), List.of(0, 1, 2), 15_000))
          .isTrue();
      Map<Long, String> acked = Collections.synchronizedMap(new HashMap<>());
      Set<Long> aborted = Collections.synchronizedSet(new HashSet<>());
      Set<Long> attempted = Collections.synchronizedSet(new HashSet<>());
      List<Map<String, List<Object>>> reads = Collections.synchronizedList(new ArrayList<>());
      int clients = 4;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        done.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(client);
                  int multiShard = 0;
                  for (int t = 0; t < 8; t++) {
                    JsonArray ops = new JsonArray();
                    Set<ShardId> shards = new TreeSet<>();
                    List<Long> values = new ArrayList<>();
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                      String k = KEYS.get(random.nextInt(KEYS.size()));
                      long v = client * 1000L + t * 10 + i;
                      ops.add(new JsonArray().add("append").add(k).add(v));
                      ops.add(new JsonArray().add("r").add(k).add(null));
                      values.add(v);
                      keys.add(k);
                      shards.add(map.shardOf(k));
                      attempted.add(v);
                    }
                    if (shards.size() > 1) multiShard++;
                    LiveTxnCluster.Reply r = cluster.txn((client + t) % 3, "x" + client, t, ops);
                    if (r.status() == 200) {
                      for (int i = 0; i < values.size(); i++) acked.put(values.get(i), keys.get(i));
                      Map<String, List<Object>> seen = new HashMap<>();
                      for (Object o : r.body().getJsonArray("ops")) {
                        JsonArray op = (JsonArray) o;
                        if (op.getString(0).equals("r"))
                          seen.put(op.getString(1), longs(op.getJsonArray(2)));
                      }
                      reads.add(seen);
                    } else if (r.status() == 409) {
                      aborted.addAll(values);
                    } else {
                      assertThat(r.status()).as("%s", r).isEqualTo(504);
                    }
                  }
                  return multiShard;
                }));
      }
      int multiShard = 0;
      for (Future<Integer> f : done) multiShard += f.get();
      pool.shutdown();
      assertThat(multiShard).as("transactions spanning shards").isGreaterThan(6);
      assertThat(acked).as("most transactions commit").hasSizeGreaterThan(48);

      JsonArray readAll = new JsonArray();
      for (String k : KEYS) readAll.add(new JsonArray().add("r").add(k).add(null));
      LiveTxnCluster.Reply fin = cluster.txn(0, "final", 1, readAll);
      assertThat(fin.status()).as("%s", fin).isEqualTo(200);
      Map<String, List<Object>> finals = new HashMap<>();
      List<Object> everything = new ArrayList<>();
      for (Object o : fin.body().getJsonArray("ops")) {
        JsonArray op = (JsonArray) o;
        List<Object> list = longs(op.getJsonArray(2));
        finals.put(op.getString(1), list);
        everything.addAll(list);
      }
      assertThat(new HashSet<>(everything)).as("no value twice").hasSize(everything.size());
      for (Map.Entry<Long, String> e : acked.entrySet()) {
        assertThat(finals.get(e.getValue()))
            .as("acknowledged %s on %s", e.getKey(), e.getValue())
            .contains(e.getKey());
      }
      for (Object v : everything) {
        long value = ((Number) v).longValue();
        assertThat(attempted).as("%s was attempted", value).contains(value);
        assertThat(aborted).as("%s was aborted", value).doesNotContain(value);
      }
      for (Map<String, List<Object>> seen : reads) {
        for (Map.Entry<String, List<Object>> e : seen.entrySet()) {
          List<Object> f = finals.get(e.getKey());
          assertThat(f.subList(0, Math.min(f.size(), e.getValue().size())))
              .as("a read of %s is a prefix of the final list", e.getKey())
              .isEqualTo(e.getValue());
        }
      }
    }
  }
}
