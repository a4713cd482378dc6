package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.api.NodeId;
import dev.txlab.node.kv.ReadMode;
import dev.txlab.node.kv.ShardReplica;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code reads: readindex-any} over HTTP on three real nodes: a GET sent to a follower's API is
 * served by that follower's own replica (through the leader's ReadIndex), and it still sees every
 * write acknowledged before it was sent, whichever node took the write. Under {@code readindex} the
 * same GETs go to the leader and no follower serves one.
 */
class LocalReadsHttpTest {
  private static final List<NodeId> NODES =
      List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));
  private final List<LiveNode> nodes = new ArrayList<>();
  private final List<String> bases = new ArrayList<>();
  private Path dir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private void start(ReadMode reads) throws Exception {
    dir = Files.createTempDirectory("txlab-local-reads");
    List<Integer> ports = LocalPorts.free(3);
    for (NodeId n : NODES) {
      LiveNode.Config loop = LiveNode.Config.loopback(n, NODES, ports, 1, 3, dir);
      nodes.add(
          LiveNode.start(
              new LiveNode.Config(
                  n,
                  NODES,
                  InetAddress.getLoopbackAddress(),
                  ports,
                  1,
                  3,
                  dir,
                  loop.seed(),
                  FileStorage.Fsync.ALWAYS,
                  reads,
                  1_000_000L)));
    }
    for (LiveNode n : nodes) bases.add("http://127.0.0.1:" + n.startHttp("127.0.0.1", 0).port());
  }

  @AfterEach
  void stop() throws Exception {
    for (LiveNode n : nodes) n.close();
    if (dir != null) VertxHostContractTest.deleteTree(dir);
  }

  private JsonObject call(String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private long forwardedReadsServed(int node) throws Exception {
    return VertxHostContractTest.await(
        nodes
            .get(node)
            .host()
            .inspect(
                "shard-0", p -> p == null ? 0L : ((ShardReplica) p).raft().forwardedReadsServed()));
  }

  private int leader() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < nodes.size(); i++) {
        int n = i;
        Boolean leads =
            VertxHostContractTest.await(
                nodes
                    .get(i)
                    .host()
                    .inspect("shard-0", p -> p != null && ((ShardReplica) p).raft().isLeader()));
        if (leads) return n;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader in 30 s");
  }

  /** Writes through every node in turn, each followed by reads through both followers. */
  private long[] writeThenReadThroughFollowers(int rounds) throws Exception {
    call(bases.get(0), "PUT", "/kv/x", "{\"value\":\"v0\"}"); // also waits for a leader
    int leader = leader();
    List<Integer> followers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) if (i != leader) followers.add(i);
    long[] before = new long[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) before[i] = forwardedReadsServed(i);
    for (int round = 1; round <= rounds; round++) {
      String value = "v" + round;
      call(bases.get(round % nodes.size()), "PUT", "/kv/x", "{\"value\":\"" + value + "\"}");
      for (int f : followers) {
        assertThat(call(bases.get(f), "GET", "/kv/x", null).getString("value"))
            .as("a read through follower n%d after write %d acknowledged", f + 1, round)
            .isEqualTo(value);
      }
    }
    long[] served = new long[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) served[i] = forwardedReadsServed(i) - before[i];
    served[leader] = -1; // not a follower
    return served;
  }

  @Test
  void aFollowersOwnReplicaServesItsReadsAndTheyAreNeverStale() throws Exception {
    start(ReadMode.READINDEX_ANY);
    long[] served = writeThenReadThroughFollowers(20);
    for (int i = 0; i < served.length; i++) {
      if (served[i] < 0) continue;
      // A follower that lost its leader for a moment may pass a read on; nearly all stay local.
      assertThat(served[i]).as("reads n%d served itself", i + 1).isGreaterThanOrEqualTo(15);
    }
  }

  @Test
  void underReadIndexTheLeaderServesEveryRead() throws Exception {
    start(ReadMode.READINDEX);
    long[] served = writeThenReadThroughFollowers(10);
    for (long s : served) assertThat(s).as("reads a follower served").isLessThanOrEqualTo(0);
  }
}
