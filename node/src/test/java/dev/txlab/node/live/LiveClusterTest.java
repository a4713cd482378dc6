package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvClient;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.KvWorkload;
import dev.txlab.node.kv.ReadMode;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.kv.ShardReplica;
import dev.txlab.node.raft.RaftConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real three-node, one-shard Raft KV group in this JVM: Vert.x verticles, TCP links on 127.0.0.1,
 * files with fsync. Clients (on a fourth node) append unique tokens and read while one node is
 * killed and restarted from its files; then the whole cluster is stopped and restarted from its
 * files. Every acknowledged append must be in the final values exactly once, nothing may appear
 * that nobody appended, and every read must be a prefix of the final value.
 */
class LiveClusterTest {
  private static final List<String> KEYS = List.of("a", "b", "c");
  private static final List<NodeId> SERVERS =
      List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));
  private static final NodeId CLIENTS = NodeId.of("c1");

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Vertx vertx;
  private Path dir;
  private List<Integer> ports;
  private final Map<NodeId, VertxHost> hosts = new TreeMap<>();
  private final Map<NodeId, GroupCommitter> disks = new TreeMap<>();
  private ReadMode reads = ReadMode.READINDEX;

  @AfterEach
  void tearDown() throws Exception {
    for (VertxHost h : hosts.values()) h.close();
    for (GroupCommitter d : disks.values()) d.close();
    for (int i = resources.size() - 1; i >= 0; i--) resources.get(i).close();
  }

  /** Records completions; KvClients call it from their own event loops. */
  static final class Oracle implements ClientObserver {
    record Done(String client, long seq, KvOp op, Outcome outcome, String value) {}

    final List<Done> done = new ArrayList<>();
    final List<KvOp> invoked = new ArrayList<>();

    @Override
    public synchronized void invoked(String clientId, long seq, KvOp op) {
      invoked.add(op);
    }

    synchronized List<KvOp> invocations() {
      return List.copyOf(invoked);
    }

    @Override
    public synchronized void completed(
        String clientId, long seq, KvOp op, Outcome outcome, String value) {
      done.add(new Done(clientId, seq, op, outcome, value));
    }

    synchronized List<Done> snapshot() {
      return List.copyOf(done);
    }

    synchronized long count(Outcome o) {
      return done.stream().filter(d -> d.outcome() == o).count();
    }
  }

  /** Appends {@code <client>.<n>;} to random keys, with one read in four; stops when told. */
  static KvWorkload appends(String client, AtomicBoolean stop) {
    int[] n = {0};
    return random -> {
      if (stop.get()) return null;
      String key = KEYS.get(random.nextInt(KEYS.size()));
      if (random.nextInt(4) == 0) return new KvOp.Get(key);
      return new KvOp.Append(key, client + "." + (++n[0]) + ";");
    };
  }

  private ShardMap shardMap() {
    return new ShardMap(SERVERS, 1, 3);
  }

  private void startNode(NodeId node) throws Exception {
    // Servers know each other; the client knows the servers, which answer it over its own
    // connections (it joins from elsewhere, as a client does).
    Map<NodeId, Integer> peers = new java.util.TreeMap<>();
    for (NodeId s : SERVERS) if (!s.equals(node)) peers.put(s, ports.get(index(s)));
    NetTransport t =
        new NetTransport(
            vertx,
            NetTransport.Config.loopback(
                node, "txlab-live-test-" + ports.get(0), ports.get(index(node)), peers, 7),
            NodeCodecTable.codec());
    GroupCommitter disk = disks.computeIfAbsent(node, n -> new GroupCommitter("disk-" + n));
    VertxHost host =
        new VertxHost(
            vertx,
            VertxHost.Config.defaults(node, dir.resolve(node.name()), 1000 + index(node)),
            t,
            disk);
    hosts.put(node, host);
    if (SERVERS.contains(node)) {
      ShardId shard = ShardId.of(0);
      List<Address> members = shardMap().replicasOf(shard);
      ShardReplica.Config config =
          new ShardReplica.Config(shard, RaftConfig.defaults(members), reads, 8);
      VertxHostContractTest.await(
          host.add(shard.component(), env -> new ShardReplica(env, config)));
    }
  }

  private void stopNode(NodeId node) {
    VertxHost h = hosts.remove(node);
    h.close();
  }

  /** Three server nodes and a client node on loopback, closed after the test. */
  private void startCluster() throws Exception {
    vertx = Vertx.vertx();
    resources.add(() -> VertxHostContractTest.await(vertx.close()));
    dir = Files.createTempDirectory("txlab-live");
    resources.add(() -> VertxHostContractTest.deleteTree(dir));
    ports = LocalPorts.free(4);
    for (NodeId n : SERVERS) startNode(n);
    startNode(CLIENTS);
  }

  private static int index(NodeId node) {
    return node.equals(CLIENTS) ? 3 : SERVERS.indexOf(node);
  }

  @Test
  void acknowledgedWritesSurviveAKillAndAWholeClusterRestart() throws Exception {
    startCluster();

    Oracle oracle = new Oracle();
    AtomicBoolean stop = new AtomicBoolean();
    KvClient.Config clientConfig =
        new KvClient.Config(shardMap(), 2_000_000L, 300_000_000L, 3_000_000_000L, false);
    for (int i = 0; i < 4; i++) {
      String name = "w" + i;
      VertxHostContractTest.await(
          hosts
              .get(CLIENTS)
              .add(name, env -> new KvClient(env, clientConfig, appends(name, stop), oracle)));
    }
    waitFor(
        () -> oracle.count(ClientObserver.Outcome.OK) >= 50, 20, "a leader and the first writes");
    Thread.sleep(1_500);

    // Kill one node (a crash: unsynced writes and held replies die with it), write on, restart it.
    long okBeforeKill = oracle.count(ClientObserver.Outcome.OK);
    stopNode(SERVERS.get(0));
    Thread.sleep(1_500);
    startNode(SERVERS.get(0));
    assertThat(hosts.get(SERVERS.get(0)).recovery("shard-0").records()).isGreaterThan(1);
    Thread.sleep(1_500);
    stop.set(true);
    Thread.sleep(500);
    long okAtStop = oracle.count(ClientObserver.Outcome.OK);
    assertThat(okAtStop).as("writes continued with one node down").isGreaterThan(okBeforeKill + 20);

    // Stop the whole cluster, then bring it back from its files alone.
    for (NodeId n : SERVERS) stopNode(n);
    for (NodeId n : SERVERS) startNode(n);

    Oracle finalReads = new Oracle();
    KvClient.Config readerConfig =
        new KvClient.Config(shardMap(), 0, 300_000_000L, 15_000_000_000L, false);
    List<String> toRead = new ArrayList<>(KEYS);
    VertxHostContractTest.await(
        hosts
            .get(CLIENTS)
            .add(
                "reader",
                env ->
                    new KvClient(
                        env,
                        readerConfig,
                        random -> toRead.isEmpty() ? null : new KvOp.Get(toRead.remove(0)),
                        finalReads)));
    waitFor(() -> finalReads.snapshot().size() == KEYS.size(), 30, "the final reads");

    Map<String, String> finalValues = new HashMap<>();
    for (Oracle.Done d : finalReads.snapshot()) {
      assertThat(d.outcome()).as("final read %s", d).isEqualTo(ClientObserver.Outcome.OK);
      finalValues.put(((KvOp.Get) d.op()).key(), d.value() == null ? "" : d.value());
    }
    List<String> problems = check(oracle.invocations(), oracle.snapshot(), finalValues);
    assertThat(problems).isEmpty();
    for (VertxHost h : hosts.values()) assertThat(h.failures()).isEmpty();

    long appendsOk =
        oracle.snapshot().stream()
            .filter(d -> d.op() instanceof KvOp.Append && d.outcome() == ClientObserver.Outcome.OK)
            .count();
    System.out.printf(
        "live cluster: %d ops completed (%d appends ok, %d info), final lengths %s%n",
        oracle.snapshot().size(),
        appendsOk,
        oracle.count(ClientObserver.Outcome.INFO),
        finalValues.values().stream().map(String::length).toList());
    assertThat(appendsOk).isGreaterThan(100);
  }

  /**
   * {@code reads: readindex-any} over TCP links: one client appends a token, then reads the key
   * from random replicas. Every read comes after the append completed, so each must see it;
   * followers serve some of them through ReadIndexRequest / ReadIndexReply, which cross the real
   * transport.
   */
  @Test
  void followersServeReadIndexReadsOverTheRealTransport() throws Exception {
    reads = ReadMode.READINDEX_ANY;
    startCluster();

    Oracle oracle = new Oracle();
    KvClient.Config config =
        new KvClient.Config(shardMap(), 1_000_000L, 300_000_000L, 15_000_000_000L, true);
    int[] n = {0};
    VertxHostContractTest.await(
        hosts
            .get(CLIENTS)
            .add(
                "reader",
                env ->
                    new KvClient(
                        env,
                        config,
                        random ->
                            n[0]++ == 0
                                ? new KvOp.Append("a", "first;")
                                : n[0] <= 61 ? new KvOp.Get("a") : null,
                        oracle)));
    waitFor(() -> oracle.snapshot().size() == 61, 60, "the append and sixty reads");

    List<Oracle.Done> done = oracle.snapshot();
    assertThat(done.get(0).outcome()).as("the append").isEqualTo(ClientObserver.Outcome.OK);
    for (Oracle.Done d : done.subList(1, done.size())) {
      assertThat(d.outcome()).as("read %s", d).isEqualTo(ClientObserver.Outcome.OK);
      assertThat(d.value()).as("read %s", d).contains("first;");
    }
    long servedByFollowers = 0;
    for (NodeId s : SERVERS) {
      Long served =
          VertxHostContractTest.await(
              hosts
                  .get(s)
                  .inspect(
                      "shard-0",
                      p -> p == null ? 0L : ((ShardReplica) p).raft().forwardedReadsServed()));
      servedByFollowers += served;
    }
    System.out.println("live readindex-any: " + servedByFollowers + " of 60 reads on followers");
    assertThat(servedByFollowers).as("reads followers served").isPositive();
    for (VertxHost h : hosts.values()) assertThat(h.failures()).isEmpty();
  }

  static List<String> check(
      List<KvOp> invoked, List<Oracle.Done> ops, Map<String, String> finalValues) {
    List<String> problems = new ArrayList<>();
    Map<String, Map<String, Integer>> tokenCounts = new HashMap<>();
    for (var e : finalValues.entrySet()) {
      Map<String, Integer> counts = new HashMap<>();
      for (String t : e.getValue().split(";")) if (!t.isEmpty()) counts.merge(t, 1, Integer::sum);
      tokenCounts.put(e.getKey(), counts);
      counts.forEach(
          (t, c) -> {
            if (c > 1) problems.add("token " + t + " appears " + c + " times in " + e.getKey());
          });
    }
    Map<String, String> invokedTokens = new HashMap<>();
    for (KvOp op : invoked) {
      if (op instanceof KvOp.Append a)
        invokedTokens.put(a.value().substring(0, a.value().length() - 1), a.key());
    }
    for (Oracle.Done d : ops) {
      if (d.op() instanceof KvOp.Append a) {
        String token = a.value().substring(0, a.value().length() - 1);
        String fin = finalValues.get(a.key());
        boolean present = tokenCounts.get(a.key()).containsKey(token);
        if (d.outcome() == ClientObserver.Outcome.OK) {
          if (!present) problems.add("acknowledged append lost: " + d);
          if (d.value() == null || !fin.startsWith(d.value()) || !d.value().endsWith(a.value())) {
            problems.add(
                "append's result is not a prefix of the final value ending in its token: " + d);
          }
        } else if (d.outcome() == ClientObserver.Outcome.FAIL && present) {
          problems.add("failed append is present: " + d);
        }
      } else if (d.op() instanceof KvOp.Get g && d.outcome() == ClientObserver.Outcome.OK) {
        String v = d.value() == null ? "" : d.value();
        if (!finalValues.get(g.key()).startsWith(v))
          problems.add("read is not a prefix of the final value: " + d);
      }
    }
    tokenCounts.forEach(
        (key, counts) ->
            counts
                .keySet()
                .forEach(
                    t -> {
                      if (!key.equals(invokedTokens.get(t)))
                        problems.add("token " + t + " in " + key + " was never appended there");
                    }));
    return problems;
  }

  private static void waitFor(
      java.util.function.BooleanSupplier condition, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(20);
    }
  }
}
