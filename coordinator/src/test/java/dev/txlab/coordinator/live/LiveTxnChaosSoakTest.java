package dev.txlab.coordinator.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.coordinator.txn.TxnKnobs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Soak (-Psoak): a live three-node, three-shard transactional cluster under faults — partitions and
 * packet loss through the admin API, nodes crashed and restarted from their files — while clients
 * append unique values through every node's {@code POST /txn}. After a final heal one transaction
 * reads every key: each acknowledged append is there exactly once, no append the API called aborted
 * (409: known not committed) is there, nothing never attempted is, and every list a committed
 * transaction read is a prefix of the final list. Run under both protocols; the seed ({@code
 * -Dseed}, default 1) picks faults and keys.
 */
@Tag("soak")
class LiveTxnChaosSoakTest {
  private static final List<String> KEYS = List.of("a", "b", "c", "d", "e", "f", "g", "h");

  @Test
  void spannerStyleUnderFaults() throws Exception {
    run(TxnKnobs.spanner());
  }

  @Test
  void classicTwoPhaseCommitUnderFaults() throws Exception {
    run(TxnKnobs.classic2pc());
  }

  private static List<Long> longs(JsonArray a) {
    List<Long> out = new ArrayList<>();
    if (a != null) for (Object o : a) out.add(((Number) o).longValue());
    return out;
  }

  private void run(TxnKnobs knobs) throws Exception {
    long seed = Long.getLong("seed", 1);
    long faultMillis = Long.getLong("soak.millis", 30_000);
    SplittableRandom nemesisRandom = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
    Map<Long, String> acked = Collections.synchronizedMap(new HashMap<>());
    Set<Long> aborted = Collections.synchronizedSet(new HashSet<>());
    Set<Long> attempted = Collections.synchronizedSet(new HashSet<>());
    List<Map<String, List<Long>>> reads = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger unknown = new AtomicInteger();
    List<String> faultsApplied = Collections.synchronizedList(new ArrayList<>());
    try (LiveTxnCluster cluster = new LiveTxnCluster(3, 3, knobs)) {
      List<Integer> all = List.of(0, 1, 2);
      assertThat(cluster.awaitLeaders(List.of("shard-0", "shard-1", "shard-2"), all, 15_000))
          .isTrue();
      boolean[] down = new boolean[3];
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 6; c++) {
        int client = c;
        Thread t =
            new Thread(
                () -> {
                  SplittableRandom random = new SplittableRandom(seed * 100 + client);
                  for (int seq = 1; !stop.get(); seq++) {
                    JsonArray ops = new JsonArray();
                    List<Long> values = new ArrayList<>();
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                      String k = KEYS.get(random.nextInt(KEYS.size()));
                      long v = client * 1_000_000L + seq * 10L + i;
                      ops.add(new JsonArray().add("append").add(k).add(v))
                          .add(new JsonArray().add("r").add(k).add(null));
                      values.add(v);
                      keys.add(k);
                      attempted.add(v);
                    }
                    int node = random.nextInt(3);
                    LiveTxnCluster.Reply r;
                    try {
                      r = cluster.txn(node, "s" + client, seq, ops);
                    } catch (Exception e) {
                      unknown
                          .incrementAndGet(); // the node went away mid-request: may or may not have
                      // committed
                      continue;
                    }
                    if (r.status() == 200) {
                      for (int i = 0; i < values.size(); i++) acked.put(values.get(i), keys.get(i));
                      Map<String, List<Long>> seen = new HashMap<>();
                      for (Object o : r.body().getJsonArray("ops")) {
                        JsonArray op = (JsonArray) o;
                        if (op.getString(0).equals("r"))
                          seen.put(op.getString(1), longs(op.getJsonArray(2)));
                      }
                      reads.add(seen);
                    } else if (r.status() == 409 || r.status() == 503) {
                      aborted.addAll(values);
                    } else {
                      unknown.incrementAndGet();
                    }
                  }
                },
                "soak-client-" + c);
        clients.add(t);
        t.start();
      }

      long end = System.currentTimeMillis() + faultMillis;
      while (System.currentTimeMillis() < end) {
        int victim = nemesisRandom.nextInt(3);
        String fault;
        switch (nemesisRandom.nextInt(3)) {
          case 0 -> {
            List<String> others = new ArrayList<>();
            for (int i = 0; i < 3; i++) if (i != victim) others.add(cluster.ids.get(i).name());
            fault = "partition " + cluster.ids.get(victim).name() + "|" + String.join(",", others);
            for (int i = 0; i < 3; i++)
              if (!down[i])
                cluster.admin(
                    i, "POST", "/admin/faults", new JsonObject().put("fault", fault).encode());
          }
          case 1 -> {
            fault = "loss 10% on " + cluster.ids.get(victim).name();
            cluster.admin(
                victim,
                "POST",
                "/admin/faults",
                new JsonObject().put("fault", "loss 10%").encode());
          }
          default -> {
            fault = "crash " + cluster.ids.get(victim).name();
            cluster.crash(victim);
            down[victim] = true;
          }
        }
        faultsApplied.add(fault);
        Thread.sleep(1_500 + nemesisRandom.nextInt(1_500));
        for (int i = 0; i < 3; i++) {
          if (down[i]) {
            cluster.restart(i);
            down[i] = false;
          } else {
            cluster.admin(i, "POST", "/admin/heal", null);
          }
        }
        Thread.sleep(1_000 + nemesisRandom.nextInt(1_000));
      }
      stop.set(true);
      for (Thread t : clients) t.join(60_000);
      assertThat(cluster.awaitLeaders(List.of("shard-0", "shard-1", "shard-2"), all, 15_000))
          .isTrue();

      JsonArray readAll = new JsonArray();
      for (String k : KEYS) readAll.add(new JsonArray().add("r").add(k).add(null));
      LiveTxnCluster.Reply fin = null;
      for (int attempt = 0; attempt < 20; attempt++) {
        fin = cluster.txn(attempt % 3, "final", attempt, readAll);
        if (fin.status() == 200) break;
        Thread.sleep(500);
      }
      String context = "seed " + seed + ", " + knobs.knobs() + ", faults " + faultsApplied;
      assertThat(fin.status()).as("final read: %s (%s)", fin, context).isEqualTo(200);
      Map<String, List<Long>> finals = new HashMap<>();
      List<Long> everything = new ArrayList<>();
      for (Object o : fin.body().getJsonArray("ops")) {
        JsonArray op = (JsonArray) o;
        List<Long> list = longs(op.getJsonArray(2));
        finals.put(op.getString(1), list);
        everything.addAll(list);
      }
      System.out.printf(
          "live txn soak %s: %d acknowledged appends, %d aborted, %d unknown requests, %d reads; faults %s%n",
          knobs.knobs(), acked.size(), aborted.size(), unknown.get(), reads.size(), faultsApplied);
      // Classic 2PC blocks while its coordinator's node is cut off or down, so only ask for
      // progress.
      assertThat(acked).as("some transactions commit (%s)", context).isNotEmpty();
      assertThat(new HashSet<>(everything))
          .as("no value twice (%s)", context)
          .hasSize(everything.size());
      for (Map.Entry<Long, String> e : acked.entrySet()) {
        assertThat(finals.get(e.getValue()))
            .as("acknowledged %s on %s (%s)", e.getKey(), e.getValue(), context)
            .contains(e.getKey());
      }
      for (long v : everything) {
        assertThat(attempted).as("%s was attempted (%s)", v, context).contains(v);
        assertThat(aborted)
            .as("%s was answered aborted but is there (%s)", v, context)
            .doesNotContain(v);
      }
      for (Map<String, List<Long>> seen : reads) {
        for (Map.Entry<String, List<Long>> e : seen.entrySet()) {
          List<Long> f = finals.get(e.getKey());
          assertThat(f.subList(0, Math.min(f.size(), e.getValue().size())))
              .as("a read of %s is a prefix of the final list (%s)", e.getKey(), context)
              .isEqualTo(e.getValue());
        }
      }
    }
  }
}
