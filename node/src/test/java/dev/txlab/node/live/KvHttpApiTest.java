package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.api.NodeId;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The single-key HTTP API of a live three-node cluster on loopback: the operations, and each class
 * of bad input answered with a 4xx JSON error that changes nothing and leaves the node up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KvHttpApiTest {
  private static final List<NodeId> NODES =
      List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));
  private final List<LiveNode> nodes = new ArrayList<>();
  private Path dir;
  private String base;
  private String admin;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("txlab-http");
    List<Integer> ports = LocalPorts.free(3);
    for (NodeId n : NODES)
      nodes.add(LiveNode.start(LiveNode.Config.loopback(n, NODES, ports, 1, 3, dir)));
    KvHttpApi api = nodes.get(1).startHttp("127.0.0.1", 0);
    base = "http://127.0.0.1:" + api.port();
    admin = "http://127.0.0.1:" + nodes.get(1).startAdmin("127.0.0.1", 0, "s3cret").port();
  }

  @AfterAll
  void stop() throws Exception {
    for (LiveNode n : nodes) n.close();
    VertxHostContractTest.deleteTree(dir);
  }

  record Reply(int status, JsonObject body) {}

  private Reply call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), new JsonObject(r.body()));
  }

  @Test
  void singleKeyOperations() throws Exception {
    Reply put = call("PUT", "/kv/x", "{\"value\":\"1\"}");
    assertThat(put.status()).as("%s", put).isEqualTo(200);
    assertThat(call("GET", "/kv/x", null).body().getString("value")).isEqualTo("1");
    assertThat(call("GET", "/kv/absent", null).body().getValue("value")).isNull();

    Reply cas = call("POST", "/kv/x/cas", "{\"expected\":\"1\",\"value\":\"2\"}");
    assertThat(cas.status()).isEqualTo(200);
    Reply casFailed = call("POST", "/kv/x/cas", "{\"expected\":\"1\",\"value\":\"3\"}");
    assertThat(casFailed.status()).isEqualTo(409);
    assertThat(casFailed.body().getString("actual")).isEqualTo("2");
    assertThat(casFailed.body().getBoolean("definite")).isTrue();
    assertThat(call("POST", "/kv/fresh/cas", "{\"expected\":null,\"value\":\"a\"}").status())
        .isEqualTo(200);

    assertThat(call("POST", "/kv/list/append", "{\"value\":\"a;\"}").body().getString("value"))
        .isEqualTo("a;");
    assertThat(call("POST", "/kv/list/append", "{\"value\":\"b;\"}").body().getString("value"))
        .isEqualTo("a;b;");

    Reply status = call("GET", "/status", null);
    assertThat(status.status()).isEqualTo(200);
    assertThat(status.body().getString("node")).isEqualTo("n2");
    assertThat(status.body().getJsonArray("members").getList()).contains("n1", "n2", "n3");
    assertThat(status.body().getJsonArray("faults").getList())
        .as("faults in text form, as on the admin API")
        .isEmpty();
    assertThat(status.body().getJsonObject("shards").getJsonObject("shard-0").getString("role"))
        .isIn("leader", "follower", "candidate");
  }

  @Test
  void badRequestsGetA4xxNamingTheProblemAndChangeNothing() throws Exception {
    assertThat(call("PUT", "/kv/k", "{\"value\":\"kept\"}").status()).isEqualTo(200);
    String longKey = "k".repeat(KvHttpApi.MAX_KEY_BYTES + 1);
    String longValue = "v".repeat(KvHttpApi.MAX_VALUE_BYTES + 1);
    List<Object[]> bad =
        List.of(
            new Object[] {"PUT", "/kv/k", "{not json", 400, "JSON"},
            new Object[] {"PUT", "/kv/k", "[1,2]", 400, "JSON object"},
            new Object[] {"PUT", "/kv/k", "{}", 400, "'value' is required"},
            new Object[] {"PUT", "/kv/k", "{\"value\":7}", 400, "must be a string"},
            new Object[] {"POST", "/kv/k/cas", "{\"value\":\"x\"}", 400, "'expected'"},
            new Object[] {
              "POST", "/kv/k/cas", "{\"expected\":false,\"value\":\"x\"}", 400, "must be a string"
            },
            new Object[] {"PUT", "/kv/" + longKey, "{\"value\":\"x\"}", 400, "key"},
            new Object[] {"PUT", "/kv/k", "{\"value\":\"" + longValue + "\"}", 400, "longer than"},
            new Object[] {
              "PUT",
              "/kv/k",
              "{\"value\":\"" + longValue + longValue + longValue + "\"}",
              413,
              "larger than"
            },
            new Object[] {"POST", "/kv/k/increment", "{}", 404, "no such endpoint"},
            new Object[] {"DELETE", "/kv/k", null, 404, "no such endpoint"});
    for (Object[] b : bad) {
      Reply r = call((String) b[0], (String) b[1], (String) b[2]);
      assertThat(r.status())
          .as(
              "%s %s",
              b[0],
              b[2] == null
                  ? ""
                  : ((String) b[2]).substring(0, Math.min(40, ((String) b[2]).length())))
          .isEqualTo(b[3]);
      assertThat(r.body().getString("error")).contains((String) b[4]);
    }
    assertThat(call("GET", "/kv/k", null).body().getString("value")).isEqualTo("kept");
  }

  private Reply adminCall(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(admin + path)).timeout(Duration.ofSeconds(20));
    if (token != null) b.header("Authorization", "Bearer " + token);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), new JsonObject(r.body()));
  }

  @Test
  void retriedWritesWithOneClientAndSeqApplyOnce() throws Exception {
    String body = "{\"value\":\"x;\",\"client\":\"c1\",\"seq\":1}";
    Reply first = call("POST", "/kv/once/append", body);
    Reply again = call("POST", "/kv/once/append", body);
    assertThat(first.status()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(call("GET", "/kv/once", null).body().getString("value")).isEqualTo("x;");
    Reply reused =
        call("POST", "/kv/once/append", "{\"value\":\"y;\",\"client\":\"c1\",\"seq\":1}");
    assertThat(reused.status()).isEqualTo(400);
    assertThat(reused.body().getString("error")).contains("already used");
    assertThat(call("POST", "/kv/once/append", "{\"value\":\"y;\",\"client\":\"c1\"}").status())
        .isEqualTo(400);
    // A plain KV node has no plug-in route: POST /txn is no endpoint of it.
    Reply txn = call("POST", "/txn", "{\"client\":\"c1\",\"seq\":1,\"ops\":[[\"r\",\"k\",null]]}");
    assertThat(txn.status()).isEqualTo(404);
    assertThat(txn.body().getString("error")).contains("no such endpoint: POST /txn");
  }

  @Test
  void theAdminApiNeedsTheTokenAndAppliesFaults() throws Exception {
    assertThat(adminCall("GET", "/admin/status", null, null).status()).isEqualTo(401);
    assertThat(adminCall("GET", "/admin/status", null, "wrong").status()).isEqualTo(401);
    assertThat(adminCall("POST", "/admin/faults", "{\"fault\":\"loss 1%\"}", "s3cret!").status())
        .isEqualTo(401);
    Reply status = adminCall("GET", "/admin/status", null, "s3cret");
    assertThat(status.status()).isEqualTo(200);
    assertThat(status.body().getString("node")).isEqualTo("n2");
    assertThat(status.body().getLong("pid")).isEqualTo(ProcessHandle.current().pid());
    assertThat(status.body().getJsonObject("shards").getJsonObject("shard-0").getString("role"))
        .isIn("leader", "follower", "candidate");

    Reply loss = adminCall("POST", "/admin/faults", "{\"fault\":\"duplicate 1%\"}", "s3cret");
    assertThat(loss.body().getBoolean("changed")).isTrue();
    assertThat(loss.body().getJsonArray("active").getList()).containsExactly("duplicate 1%");
    assertThat(
            adminCall("POST", "/admin/faults", "{\"fault\":\"clock-skew n1 +5ms\"}", "s3cret")
                .body()
                .getBoolean("changed"))
        .isFalse();
    for (String bad : List.of("{\"fault\":\"loss lots\"}", "{\"fault\":7}", "{}", "not json")) {
      Reply r = adminCall("POST", "/admin/faults", bad, "s3cret");
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.body().getString("error")).isNotEmpty();
    }
    Reply healed = adminCall("POST", "/admin/heal", null, "s3cret");
    assertThat(healed.status()).isEqualTo(200);
    assertThat(healed.body().getJsonArray("active").getList()).isEmpty();
    assertThat(nodes.get(1).faults().settings().isHealthy()).isTrue();
  }

  /**
   * A seeded fuzz of the public and admin APIs: random methods, routes, headers and bodies —
   * malformed JSON, wrong types, empty and oversize bodies, huge keys, bytes that are not UTF-8.
   * Every answer is a 2xx or 4xx with a JSON body, never a 5xx or a dropped connection, and the
   * node still serves afterwards.
   */
  @Test
  void randomRequestsNeverBreakTheNode() throws Exception {
    java.util.SplittableRandom r = new java.util.SplittableRandom(20261204);
    String[] methods = {"GET", "PUT", "POST", "DELETE", "PATCH"};
    String[] paths = {
      "/kv/k",
      "/kv/",
      "/kv/k/cas",
      "/kv/%ff%fe",
      "/kv/" + "x".repeat(5_000),
      "/txn",
      "/status",
      "/nope",
      "/admin/faults",
      "/admin/heal",
      "/admin/status",
      "/kv/k?x=1",
      "/"
    };
    String[] bodies = {
      "",
      "{",
      "}",
      "null",
      "[]",
      "{\"value\":null}",
      "{\"value\":[1]}",
      "{\"value\":{}}",
      "{\"expected\":\"a\",\"value\":1}",
      "{\"fault\":42}",
      "{\"fault\":\"partition\"}",
      "{\"fault\":\"loss 200%\"}",
      "{\"client\":\"c\",\"seq\":-1,\"ops\":[]}",
      "\"str\"",
      "1e999"
    };
    for (int i = 0; i < 300; i++) {
      boolean toAdmin = r.nextInt(3) == 0;
      String path = paths[r.nextInt(paths.length)];
      String method = methods[r.nextInt(methods.length)];
      byte[] body;
      switch (r.nextInt(4)) {
        case 0 -> body = null;
        case 1 ->
            body =
                bodies[r.nextInt(bodies.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        case 2 -> {
          body = new byte[r.nextInt(64)];
          for (int j = 0; j < body.length; j++) body[j] = (byte) r.nextInt(256);
        }
        default -> body = ("{\"value\":\"" + "v".repeat(r.nextInt(3_000_000)) + "\"}").getBytes();
      }
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create((toAdmin ? admin : base) + path))
              .timeout(Duration.ofSeconds(20));
      if (toAdmin && r.nextBoolean())
        b.header("Authorization", "Bearer " + (r.nextBoolean() ? "s3cret" : "wrong"));
      if (r.nextBoolean())
        b.header(
            "Content-Type", r.nextBoolean() ? "application/json" : "text/plain; charset=latin1");
      b.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      String what =
          method
              + " "
              + (toAdmin ? "admin" : "")
              + path.substring(0, Math.min(30, path.length()))
              + " body "
              + (body == null ? "none" : body.length + " bytes");
      // 501 is this node's deliberate answer for the other kind of API (single keys on
      // transactional shards); anything else must be 2xx or 4xx.
      assertThat(resp.statusCode() == 501 || (resp.statusCode() >= 200 && resp.statusCode() < 500))
          .as(what + " → " + resp.statusCode() + " " + resp.body())
          .isTrue();
      if (resp.statusCode() >= 400) {
        assertThat(new JsonObject(resp.body()).getString("error")).as(what).isNotBlank();
      }
    }
    assertThat(call("PUT", "/kv/after-fuzz", "{\"value\":\"ok\"}").status()).isEqualTo(200);
    assertThat(call("GET", "/kv/after-fuzz", null).body().getString("value")).isEqualTo("ok");
    assertThat(adminCall("POST", "/admin/heal", "{}", "s3cret").status()).isEqualTo(200);
  }
}
