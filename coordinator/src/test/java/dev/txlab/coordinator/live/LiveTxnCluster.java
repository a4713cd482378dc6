package dev.txlab.coordinator.live;

import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.live.LiveNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A transactional live cluster in this JVM for tests: nodes n1…nN on loopback, each with HTTP and
 * admin APIs.
 */
final class LiveTxnCluster implements AutoCloseable {
  static final String TOKEN = "test-token-0123456789";

  record Reply(int status, JsonObject body) {}

  final List<NodeId> ids = new ArrayList<>();
  final List<LiveNode> nodes = new ArrayList<>();
  final List<String> http = new ArrayList<>();
  final List<String> admin = new ArrayList<>();
  final Path dir;
  private final List<LiveNode.Config> configs = new ArrayList<>();
  private final TxnKnobs knobs;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  LiveTxnCluster(int n, int shards, TxnKnobs knobs) throws Exception {
    dir = Files.createTempDirectory("txlab-live-txn");
    this.knobs = knobs;
    for (int i = 1; i <= n; i++) ids.add(NodeId.of("n" + i));
    List<Integer> ports = freePorts(n);
    try {
      for (NodeId id : ids) {
        LiveNode.Config config =
            LiveNode.Config.loopback(id, ids, ports, shards, Math.min(3, n), dir);
        configs.add(config);
        LiveNode node = LiveTxnNode.start(config, knobs, 8);
        nodes.add(node);
        http.add("http://127.0.0.1:" + node.startHttp("127.0.0.1", 0).port());
        admin.add("http://127.0.0.1:" + node.startAdmin("127.0.0.1", 0, TOKEN).port());
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  static List<Integer> freePorts(int n) throws IOException {
    return dev.txlab.node.live.LocalPorts.free(n);
  }

  Reply call(String base, String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), new JsonObject(r.body()));
  }

  /** POST /txn on node {@code i} (0-based). */
  Reply txn(int i, String client, long seq, JsonArray ops) throws Exception {
    return call(
        http.get(i),
        "POST",
        "/txn",
        new JsonObject().put("client", client).put("seq", seq).put("ops", ops).encode(),
        null);
  }

  Reply admin(int i, String method, String path, String body) throws Exception {
    return call(admin.get(i), method, path, body, TOKEN);
  }

  /** Applies a fault on every node (each applies its own part), as the CLI does. */
  void faultEverywhere(String fault) throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      Reply r = admin(i, "POST", "/admin/faults", new JsonObject().put("fault", fault).encode());
      if (r.status() != 200) throw new AssertionError("fault on n" + (i + 1) + ": " + r);
    }
  }

  void healEverywhere() throws Exception {
    for (int i = 0; i < nodes.size(); i++) admin(i, "POST", "/admin/heal", null);
  }

  /**
   * The node (0-based) that node {@code asker} sees leading {@code shard} as leader itself, or -1.
   */
  int leaderOf(String shard, List<Integer> among) throws Exception {
    int best = -1;
    long term = -1;
    for (int i : among) {
      JsonObject s =
          admin(i, "GET", "/admin/status", null)
              .body()
              .getJsonObject("shards")
              .getJsonObject(shard);
      if (s != null && "leader".equals(s.getString("role")) && s.getLong("term") > term) {
        best = i;
        term = s.getLong("term");
      }
    }
    return best;
  }

  /** Waits until every shard has a leader among {@code among}; returns false on timeout. */
  boolean awaitLeaders(List<String> shards, List<Integer> among, long timeoutMillis)
      throws Exception {
    long end = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < end) {
      boolean all = true;
      for (String s : shards) if (leaderOf(s, among) < 0) all = false;
      if (all) return true;
      Thread.sleep(50);
    }
    return false;
  }

  static JsonArray ops(Object... triples) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < triples.length; i += 3)
      a.add(new JsonArray().add(triples[i]).add(triples[i + 1]).add(triples[i + 2]));
    return a;
  }

  /** Stops node {@code i} as a crash does (its files stay as they are). */
  void crash(int i) {
    nodes.get(i).close();
  }

  /** Starts node {@code i} again from its files, with new HTTP and admin ports. */
  void restart(int i) throws Exception {
    LiveNode node = null;
    // While the node was down, its peer port (from the ephemeral range) may have been taken
    // as the local port of some outgoing connection; it is released again soon.
    for (int attempt = 0; node == null; attempt++) {
      try {
        node = LiveTxnNode.start(configs.get(i), knobs, 8);
      } catch (Exception e) {
        if (attempt >= 20) throw e;
        Thread.sleep(500);
      }
    }
    nodes.set(i, node);
    http.set(i, "http://127.0.0.1:" + node.startHttp("127.0.0.1", 0).port());
    admin.set(i, "http://127.0.0.1:" + node.startAdmin("127.0.0.1", 0, TOKEN).port());
  }

  @Override
  public void close() throws IOException {
    for (LiveNode n : nodes) n.close();
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }
}
