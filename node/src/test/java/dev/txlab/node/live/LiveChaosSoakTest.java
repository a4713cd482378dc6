package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.api.NodeId;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvClient;
import dev.txlab.node.kv.KvOp;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The long live run (soak profile): three {@link LiveNode}s on loopback under a write workload,
 * with a fault every few seconds — a node partitioned away (both directions), a node killed and
 * restarted from its files, 20% loss everywhere, 20±10 ms delays, a skewed clock — each healed
 * before the next. Then everything heals and the append oracle judges the history.
 *
 * <p>{@code mvn -B -q -pl node test -Psoak -Dtest=LiveChaosSoakTest -Dlive.soak.seconds=60}
 */
@Tag("soak")
class LiveChaosSoakTest {
  private static final List<NodeId> SERVERS =
      List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));

  @Test
  void faultsDuringWritesLoseNoAcknowledgedAppend() throws Exception {
    int seconds = Integer.getInteger("live.soak.seconds", 60);
    long seed = Long.getLong("live.soak.seed", System.nanoTime());
    System.out.println("live soak: seed " + seed + ", " + seconds + " s");
    Random random = new Random(seed);
    Path dir = Files.createTempDirectory("txlab-soak");
    List<Integer> ports = LocalPorts.free(4);
    Map<NodeId, LiveNode> nodes = new TreeMap<>();
    Vertx clientVertx = Vertx.vertx();
    GroupCommitter clientDisk = new GroupCommitter("client-disk");
    NetTransport clientTransport = null;
    VertxHost clients = null;
    try {
      for (NodeId n : SERVERS) nodes.put(n, LiveNode.start(config(n, ports, dir)));
      InetAddress lo = InetAddress.getLoopbackAddress();
      Map<NodeId, Integer> servers = new TreeMap<>();
      for (int i = 0; i < SERVERS.size(); i++) servers.put(SERVERS.get(i), ports.get(i));
      clientTransport =
          new NetTransport(
              clientVertx,
              NetTransport.Config.loopback(
                  NodeId.of("c1"), LiveNode.clusterName(SERVERS), ports.get(3), servers, seed),
              NodeCodecTable.codec());
      clients =
          new VertxHost(
              clientVertx,
              VertxHost.Config.defaults(NodeId.of("c1"), dir.resolve("c1"), seed),
              clientTransport,
              clientDisk);

      LiveClusterTest.Oracle oracle = new LiveClusterTest.Oracle();
      AtomicBoolean stop = new AtomicBoolean();
      KvClient.Config cc =
          new KvClient.Config(
              nodes.get(SERVERS.get(0)).config().shardMap(),
              5_000_000L,
              300_000_000L,
              3_000_000_000L,
              false);
      for (int i = 0; i < 6; i++) {
        String name = "w" + i;
        VertxHostContractTest.await(
            clients.add(
                name, env -> new KvClient(env, cc, LiveClusterTest.appends(name, stop), oracle)));
      }

      List<String> faultLog = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        Thread.sleep(2_000);
        NodeId victim = SERVERS.get(random.nextInt(SERVERS.size()));
        int kind = random.nextInt(5);
        faultLog.add(kind + ":" + victim);
        switch (kind) {
          case 0 -> { // partition the victim from the other servers, both ways
            Set<NodeId> others =
                Set.copyOf(SERVERS.stream().filter(n -> !n.equals(victim)).toList());
            nodes.get(victim).faults().dropTo(others);
            nodes.get(victim).faults().dropFrom(others);
            for (NodeId o : others) {
              nodes.get(o).faults().dropTo(Set.of(victim));
              nodes.get(o).faults().dropFrom(Set.of(victim));
            }
          }
          case 1 -> nodes.remove(victim).close(); // kill
          case 2 -> nodes.values().forEach(n -> n.faults().setLoss(0.2));
          case 3 -> nodes.values().forEach(n -> n.faults().setDelay(20_000_000L, 10_000_000L));
          default -> nodes.get(victim).clock().setOffsetNanos(200_000_000L); // ahead by 200 ms
        }
        Thread.sleep(2_000);
        if (!nodes.containsKey(victim))
          nodes.put(victim, LiveNode.start(config(victim, ports, dir)));
        for (LiveNode n : nodes.values()) {
          n.faults().heal();
          n.clock().setOffsetNanos(0);
        }
      }
      stop.set(true);
      Thread.sleep(4_000); // let operations in flight finish or time out

      LiveClusterTest.Oracle finalReads = new LiveClusterTest.Oracle();
      KvClient.Config rc =
          new KvClient.Config(cc.shardMap(), 0, 300_000_000L, 20_000_000_000L, false);
      List<String> toRead = new ArrayList<>(List.of("a", "b", "c"));
      VertxHostContractTest.await(
          clients.add(
              "reader",
              env ->
                  new KvClient(
                      env,
                      rc,
                      r -> toRead.isEmpty() ? null : new KvOp.Get(toRead.remove(0)),
                      finalReads)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (finalReads.snapshot().size() < 3) {
        assertThat(System.nanoTime()).as("final reads").isLessThan(deadline);
        Thread.sleep(20);
      }
      Map<String, String> finalValues = new HashMap<>();
      for (LiveClusterTest.Oracle.Done d : finalReads.snapshot()) {
        assertThat(d.outcome()).isEqualTo(ClientObserver.Outcome.OK);
        finalValues.put(((KvOp.Get) d.op()).key(), d.value() == null ? "" : d.value());
      }
      List<String> problems =
          LiveClusterTest.check(oracle.invocations(), oracle.snapshot(), finalValues);
      System.out.printf(
          "live soak: seed %d, faults %s, ops %d (ok %d, info %d), problems %d%n",
          seed,
          faultLog,
          oracle.snapshot().size(),
          oracle.count(ClientObserver.Outcome.OK),
          oracle.count(ClientObserver.Outcome.INFO),
          problems.size());
      assertThat(problems).as("seed " + seed).isEmpty();
      for (LiveNode n : nodes.values())
        assertThat(n.host().failures()).as("seed " + seed).isEmpty();
    } finally {
      if (clients != null) clients.close();
      else if (clientTransport != null) clientTransport.close();
      for (LiveNode n : nodes.values()) n.close();
      clientDisk.close();
      VertxHostContractTest.await(clientVertx.close());
      VertxHostContractTest.deleteTree(dir);
    }
  }

  private static LiveNode.Config config(NodeId n, List<Integer> ports, Path dir) {
    return LiveNode.Config.loopback(n, SERVERS, ports.subList(0, 3), 1, 3, dir);
  }
}
