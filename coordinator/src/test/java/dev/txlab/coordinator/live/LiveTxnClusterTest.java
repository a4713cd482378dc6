package dev.txlab.coordinator.live;

import static dev.txlab.coordinator.live.LiveTxnCluster.ops;
import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.node.live.KvHttpApi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A live three-node, one-shard transactional cluster in this JVM (Vert.x, TCP links on loopback,
 * fsync on), driven only through its HTTP APIs: {@code POST /txn} commits list-append and
 * rw-register transactions and reads them back; a retried (client, seq) applies once; each class of
 * bad input is a 4xx that changes nothing; the admin API needs its token, and a partition it
 * applies moves leadership to the majority until heal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveTxnClusterTest {
  private LiveTxnCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new LiveTxnCluster(3, 1, TxnKnobs.spanner());
    assertThat(cluster.awaitLeaders(List.of("shard-0"), List.of(0, 1, 2), 10_000))
        .as("a leader is elected")
        .isTrue();
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  @Test
  @Order(1)
  void appendsCommitAndAreReadBack() throws Exception {
    LiveTxnCluster.Reply first = cluster.txn(0, "c1", 1, ops("append", "k3", 1, "r", "k3", null));
    assertThat(first.status()).as("%s", first).isEqualTo(200);
    assertThat(first.body().getString("status")).isEqualTo("ok");
    assertThat(first.body().getJsonArray("ops").getJsonArray(1).getJsonArray(2).getList())
        .containsExactly(1);

    LiveTxnCluster.Reply second =
        cluster.txn(1, "c2", 1, ops("append", "k3", 5, "append", 7, 2, "r", "k3", null));
    assertThat(second.status()).as("%s", second).isEqualTo(200);
    assertThat(second.body().getJsonArray("ops").getJsonArray(2).getJsonArray(2).getList())
        .containsExactly(1, 5);
    // Integer keys come back as integers.
    assertThat(second.body().getJsonArray("ops").getJsonArray(1).getValue(1)).isEqualTo(7);

    LiveTxnCluster.Reply read =
        cluster.txn(2, "c3", 1, ops("r", "k3", null, "r", 7, null, "r", "never", null));
    assertThat(read.status()).as("%s", read).isEqualTo(200);
    JsonArray r = read.body().getJsonArray("ops");
    assertThat(r.getJsonArray(0).getJsonArray(2).getList()).containsExactly(1, 5);
    assertThat(r.getJsonArray(1).getJsonArray(2).getList()).containsExactly(2);
    assertThat(r.getJsonArray(2).getValue(2)).as("a key never written").isNull();
  }

  @Test
  @Order(2)
  void registersAreWrittenAndRead() throws Exception {
    assertThat(cluster.txn(0, "c4", 1, ops("w", "x", 2, "w", "y", 3)).status()).isEqualTo(200);
    LiveTxnCluster.Reply r =
        cluster.txn(1, "c4", 2, ops("r", "x", null, "w", "y", 4, "r", "y", null));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.body().getJsonArray("ops").getJsonArray(0).getValue(2)).isEqualTo(2);
    assertThat(r.body().getJsonArray("ops").getJsonArray(2).getValue(2))
        .as("own write visible")
        .isEqualTo(4);
    LiveTxnCluster.Reply ro =
        cluster.call(
            cluster.http.get(2),
            "POST",
            "/txn",
            "{\"client\":\"c4\",\"seq\":3,\"workload\":\"rw-register\",\"ops\":[[\"r\",\"y\",null]]}",
            null);
    assertThat(ro.body().getJsonArray("ops").getJsonArray(0).getValue(2)).isEqualTo(4);
  }

  @Test
  @Order(3)
  void aRetriedClientSeqAppliesOnce() throws Exception {
    JsonArray append = ops("append", "once", 9);
    LiveTxnCluster.Reply a = cluster.txn(0, "dup", 1, append);
    LiveTxnCluster.Reply b = cluster.txn(0, "dup", 1, append);
    assertThat(a.status()).isEqualTo(200);
    assertThat(b.body()).isEqualTo(a.body());
    LiveTxnCluster.Reply read = cluster.txn(0, "dup", 2, ops("r", "once", null));
    assertThat(read.body().getJsonArray("ops").getJsonArray(0).getJsonArray(2).getList())
        .containsExactly(9);
    LiveTxnCluster.Reply reused = cluster.txn(0, "dup", 1, ops("append", "once", 10));
    assertThat(reused.status()).isEqualTo(400);
    assertThat(reused.body().getString("error")).contains("already used");
  }

  @Test
  @Order(4)
  void badTransactionsGetA4xxNamingTheProblemAndApplyNothing() throws Exception {
    String longKey = "k".repeat(KvHttpApi.MAX_KEY_BYTES + 1);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i <= 64; i++) tooMany.add(new JsonArray().add("append").add("bad").add(i));
    String huge =
        "{\"client\":\"b\",\"seq\":1,\"ops\":[[\"append\",\"bad\",1]],\"pad\":\""
            + "x".repeat(KvHttpApi.MAX_BODY_BYTES)
            + "\"}";
    List<Object[]> bad =
        List.of(
            new Object[] {"{not json", 400, "JSON"},
            new Object[] {"[1]", 400, "JSON object"},
            new Object[] {
              "{\"seq\":1,\"ops\":[[\"append\",\"bad\",1]]}", 400, "'client' is required"
            },
            new Object[] {
              "{\"client\":3,\"seq\":1,\"ops\":[[\"append\",\"bad\",1]]}",
              400,
              "'client' must be a string"
            },
            new Object[] {
              "{\"client\":\"b\",\"ops\":[[\"append\",\"bad\",1]]}", 400, "'seq' is required"
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":-1,\"ops\":[[\"append\",\"bad\",1]]}", 400, "'seq' must be"
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":\"1\",\"ops\":[[\"append\",\"bad\",1]]}",
              400,
              "'seq' must be"
            },
            new Object[] {"{\"client\":\"b\",\"seq\":1}", 400, "'ops' is required"},
            new Object[] {"{\"client\":\"b\",\"seq\":1,\"ops\":[]}", 400, "'ops' is empty"},
            new Object[] {"{\"client\":\"b\",\"seq\":1,\"ops\":{}}", 400, "'ops' must be an array"},
            new Object[] {
              "{\"client\":\"b\",\"seq\":1,\"ops\":[[\"append\",\"bad\"]]}",
              400,
              "ops[0] must be an array [f, key, value]"
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":1,\"ops\":[[\"incr\",\"bad\",1]]}",
              400,
              "unknown op 'incr'"
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":1,\"ops\":[[\"append\",\"bad\",\"x\"]]}",
              400,
              "must be a 64-bit integer"
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":1,\"ops\":[[\"append\",\"bad\",1.5]]}",
              400,
              "must be a 64-bit integer"
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":1,\"ops\":[[\"append\",\"bad\",123456789012345678901234567890]]}",
              400,
              "64-bit integer"
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":1,\"ops\":[[\"r\",\"bad\",3]]}", 400, "'r' must be null"
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":1,\"ops\":[[\"append\",true,1]]}",
              400,
              "key must be a string or"
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":1,\"ops\":[[\"append\",\"" + longKey + "\",1]]}",
              400,
              "key must be 1.."
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":1,\"ops\":[[\"append\",\"bad\",1],[\"w\",\"bad\",1]]}",
              400,
              "mixes"
            },
            new Object[] {
              "{\"client\":\"b\",\"seq\":1,\"workload\":\"bank\",\"ops\":[[\"r\",\"bad\",null]]}",
              400,
              "'workload'"
            },
            new Object[] {
              new JsonObject().put("client", "b").put("seq", 1).put("ops", tooMany).encode(),
              400,
              "too many ops"
            },
            new Object[] {huge, 413, "larger than"});
    for (Object[] b : bad) {
      String body = (String) b[0];
      LiveTxnCluster.Reply r = cluster.call(cluster.http.get(1), "POST", "/txn", body, null);
      assertThat(r.status()).as(body.substring(0, Math.min(80, body.length()))).isEqualTo(b[1]);
      assertThat(r.body().getString("error"))
          .as(body.substring(0, Math.min(80, body.length())))
          .contains((String) b[2]);
    }
    LiveTxnCluster.Reply read = cluster.txn(1, "b", 2, ops("r", "bad", null));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().getJsonArray("ops").getJsonArray(0).getValue(2))
        .as("nothing applied")
        .isNull();
    assertThat(cluster.call(cluster.http.get(1), "GET", "/kv/x", null, null).status())
        .as("no single-key API here")
        .isEqualTo(501);
  }

  @Test
  @Order(5)
  void theAdminApiNeedsItsTokenAndRefusesBadFaults() throws Exception {
    String base = cluster.admin.get(0);
    assertThat(cluster.call(base, "GET", "/admin/status", null, null).status()).isEqualTo(401);
    assertThat(cluster.call(base, "GET", "/admin/status", null, "nope").status()).isEqualTo(401);
    LiveTxnCluster.Reply unauth =
        cluster.call(base, "POST", "/admin/faults", "{\"fault\":\"loss 100%\"}", "nope");
    assertThat(unauth.status()).isEqualTo(401);
    assertThat(unauth.body().getString("error")).contains("token");
    assertThat(cluster.nodes.get(0).faults().settings().isHealthy())
        .as("nothing applied without the token")
        .isTrue();

    List<Object[]> bad =
        List.of(
            new Object[] {"{\"fault\":\"partition n1,n7|n2\"}", 400, "unknown node 'n7'"},
            new Object[] {"{\"fault\":\"loss much\"}", 400, "percentage"},
            new Object[] {"{\"fault\":\"delay 5ms±9ms\"}", 400, "jitter"},
            new Object[] {"{\"fault\":\"teleport n1\"}", 400, "unknown fault 'teleport'"},
            new Object[] {"{\"fault\":\"clock-skew n1 forty\"}", 400, "duration"},
            new Object[] {"{\"fault\":42}", 400, "'fault' is required"},
            new Object[] {"{}", 400, "'fault' is required"},
            new Object[] {"{oops", 400, "JSON object"},
            new Object[] {
              "{\"fault\":\"loss 1%\",\"pad\":\"" + "x".repeat(20_000) + "\"}", 413, "larger than"
            });
    for (Object[] b : bad) {
      LiveTxnCluster.Reply r =
          cluster.call(base, "POST", "/admin/faults", (String) b[0], LiveTxnCluster.TOKEN);
      String what = ((String) b[0]).substring(0, Math.min(60, ((String) b[0]).length()));
      assertThat(r.status()).as(what).isEqualTo(b[1]);
      assertThat(r.body().getString("error")).as(what).contains((String) b[2]);
    }
    assertThat(cluster.nodes.get(0).faults().settings().isHealthy()).isTrue();
    JsonObject status = cluster.admin(0, "GET", "/admin/status", null).body();
    assertThat(status.getString("node")).isEqualTo("n1");
    assertThat(status.getJsonArray("faults").getList()).isEmpty();
    assertThat(status.getJsonObject("shards").getJsonObject("shard-0").getLong("term"))
        .isPositive();
    assertThat(status.getJsonObject("config").getString("protocol")).isEqualTo("spanner");
    assertThat(status.getDouble("epsilon_ms")).isEqualTo(1.0);
  }

  @Test
  @Order(6)
  void aPartitionFromTheAdminApiCutsTheLeaderOffUntilHeal() throws Exception {
    int leader = cluster.leaderOf("shard-0", List.of(0, 1, 2));
    assertThat(leader).isNotNegative();
    List<Integer> majority = new ArrayList<>(List.of(0, 1, 2));
    majority.remove(Integer.valueOf(leader));
    String l = cluster.ids.get(leader).name();
    String others =
        cluster.ids.get(majority.get(0)).name() + "," + cluster.ids.get(majority.get(1)).name();
    long termBefore =
        cluster
            .admin(leader, "GET", "/admin/status", null)
            .body()
            .getJsonObject("shards")
            .getJsonObject("shard-0")
            .getLong("term");

    cluster.faultEverywhere("partition " + l + "|" + others);
    assertThat(
            cluster
                .admin(leader, "GET", "/admin/status", null)
                .body()
                .getJsonArray("faults")
                .getList())
        .containsExactly("partition " + l + "|" + others);
    // The majority elects a leader of its own, in a later term, and commits without the old one.
    long end = System.currentTimeMillis() + 10_000;
    int newLeader = -1;
    while (System.currentTimeMillis() < end && newLeader < 0) {
      newLeader = cluster.leaderOf("shard-0", majority);
      Thread.sleep(50);
    }
    assertThat(newLeader).as("a leader on the majority side").isIn(majority.toArray());
    assertThat(
            cluster
                .admin(newLeader, "GET", "/admin/status", null)
                .body()
                .getJsonObject("shards")
                .getJsonObject("shard-0")
                .getLong("term"))
        .isGreaterThan(termBefore);
    LiveTxnCluster.Reply during = cluster.txn(majority.get(0), "p1", 1, ops("append", "part", 1));
    assertThat(during.status()).as("%s", during).isEqualTo(200);

    cluster.healEverywhere();
    assertThat(
            cluster
                .admin(leader, "GET", "/admin/status", null)
                .body()
                .getJsonArray("faults")
                .getList())
        .isEmpty();
    // Healed: the old leader's node serves transactions again and sees what the majority committed.
    LiveTxnCluster.Reply after = null;
    end = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < end) {
      after =
          cluster.txn(leader, "p2", System.nanoTime(), ops("append", "part", 2, "r", "part", null));
      if (after.status() == 200) break;
    }
    assertThat(after.status()).as("%s", after).isEqualTo(200);
    assertThat(after.body().getJsonArray("ops").getJsonArray(1).getJsonArray(2).getList())
        .containsExactly(1, 2);
  }
}
