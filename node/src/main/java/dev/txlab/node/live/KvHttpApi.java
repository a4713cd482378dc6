package dev.txlab.node.live;

import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.ShardMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's single-key HTTP/JSON API, served by Vert.x and answered by a {@link KvGateway} process
 * on the same host:
 *
 * <pre>
 * GET  /kv/{key}                                   → 200 {"key","value"}        (value null if absent)
 * PUT  /kv/{key}         {"value": "v"}            → 200 {"key","value"}
 * POST /kv/{key}/cas     {"expected": "e"|null, "value": "v"}
 *                                                  → 200 {"key","value"} | 409 {"error":"cas-failed","actual",…}
 * POST /kv/{key}/append  {"value": "v"}            → 200 {"key","value"}        (the value after the append)
 * GET  /status                                     → 200 {node, components, members, drops, faults, failures}
 * </pre>
 *
 * Errors are JSON {@code {"error": …, "definite": true|false}}: 400 for malformed JSON, wrong types,
 * missing fields or an oversize key or value; 413 for an oversize body; 503 when the gateway is
 * busy (definite: nothing was done); 504 when the outcome is unknown (indefinite: a write may
 * still apply). A bad request changes nothing and the node stays up.
 */
public final class KvHttpApi {
  public static final String GATEWAY = "http";
  public static final int MAX_KEY_BYTES = 256;
  public static final int MAX_VALUE_BYTES = 64 * 1024;
  public static final int MAX_BODY_BYTES = 2 * MAX_VALUE_BYTES + 1024;

  private record Pending(Context context, RoutingContext routing, String key) {}

  private final VertxHost host;
  private final JGroupsTransport transport;
  private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private HttpServer server;

  private KvHttpApi(VertxHost host, JGroupsTransport transport) {
    this.host = host;
    this.transport = transport;
  }

  /**
   * Adds the gateway process to {@code host} and listens on {@code bindHost:port} (port 0 picks a
   * free one; see {@link #port()}). {@code transport} may be null (status then omits it).
   */
  public static Future<KvHttpApi> start(Vertx vertx, VertxHost host, JGroupsTransport transport, ShardMap shardMap, String bindHost, int port) {
    KvHttpApi api = new KvHttpApi(host, transport);
    return host.add(GATEWAY, env -> new KvGateway(env, shardMap, api::respond, 256, 300_000_000L, 5_000_000_000L))
        .compose(v -> vertx.createHttpServer().requestHandler(api.router(vertx)).listen(port, bindHost))
        .map(s -> {
          api.server = s;
          return api;
        });
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.get("/kv/:key").handler(ctx -> keyOp(ctx, null));
    router.put("/kv/:key").handler(ctx -> keyOp(ctx, "put"));
    router.post("/kv/:key/cas").handler(ctx -> keyOp(ctx, "cas"));
    router.post("/kv/:key/append").handler(ctx -> keyOp(ctx, "append"));
    router.get("/status").handler(this::status);
    router.route().last().handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path(), true));
    router.errorHandler(413, ctx -> error(ctx, 413, "body larger than " + MAX_BODY_BYTES + " bytes", true));
    return router;
  }

  private void keyOp(RoutingContext ctx, String write) {
    String key = ctx.pathParam("key");
    if (key == null || key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      error(ctx, 400, "key must be 1.." + MAX_KEY_BYTES + " bytes", true);
      return;
    }
    KvOp op;
    if (write == null) {
      op = new KvOp.Get(key);
    } else {
      JsonObject body;
      try {
        body = ctx.body().asJsonObject();
      } catch (DecodeException | ClassCastException e) {
        error(ctx, 400, "body is not a JSON object", true);
        return;
      }
      if (body == null) {
        error(ctx, 400, "missing JSON body", true);
        return;
      }
      String value = stringField(ctx, body, "value", false);
      if (value == null) return;
      if (write.equals("put")) {
        op = new KvOp.Put(key, value);
      } else if (write.equals("append")) {
        op = new KvOp.Append(key, value);
      } else {
        if (!body.containsKey("expected")) {
          error(ctx, 400, "field 'expected' is required (null for absent)", true);
          return;
        }
        String expected = body.getValue("expected") == null ? null : stringField(ctx, body, "expected", true);
        if (body.getValue("expected") != null && expected == null) return;
        op = new KvOp.Cas(key, expected, value);
      }
    }
    long id = nextId.getAndIncrement();
    pending.put(id, new Pending(Vertx.currentContext(), ctx, key));
    if (!host.inject(GATEWAY, new KvGateway.Request(id, op))) {
      pending.remove(id);
      error(ctx, 503, "this node's gateway is not running", true);
    }
  }

  /** The string field {@code name}, or null after answering 400. */
  private static String stringField(RoutingContext ctx, JsonObject body, String name, boolean nullable) {
    Object v = body.getValue(name);
    if (v == null) {
      if (!nullable) error(ctx, 400, "field '" + name + "' is required", true);
      return null;
    }
    if (!(v instanceof String s)) {
      error(ctx, 400, "field '" + name + "' must be a string", true);
      return null;
    }
    if (s.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      error(ctx, 400, "field '" + name + "' is longer than " + MAX_VALUE_BYTES + " bytes", true);
      return null;
    }
    return s;
  }

  /** Called by the gateway on its own thread: hands the answer to the request's HTTP context. */
  private void respond(long requestId, KvGateway.Outcome outcome, String value) {
    Pending p = pending.remove(requestId);
    if (p == null) return;
    Runnable answer = () -> {
      switch (outcome) {
        case OK -> json(p.routing(), 200, new JsonObject().put("key", p.key()).put("value", value));
        case FAILED -> json(p.routing(), 409, new JsonObject().put("error", "cas-failed").put("actual", value).put("definite", true));
        case BUSY -> error(p.routing(), 503, "too many requests in flight", true);
        default -> error(p.routing(), 504, "timed out: the operation may or may not have happened", false);
      }
    };
    if (p.context() != null) p.context().runOnContext(v -> answer.run());
    else answer.run();
  }

  private void status(RoutingContext ctx) {
    JsonObject s = new JsonObject().put("node", host.node().name()).put("components", host.components());
    s.put("failures", host.failures().stream().map(Throwable::getMessage).toList());
    s.put("clockOffsetNanos", host.clock().offsetNanos());
    if (transport != null) {
      s.put("members", transport.view().stream().map(n -> n.name()).toList());
      s.put("drops", new JsonObject(new java.util.TreeMap<String, Object>(transport.dropCounts())));
      LinkFaults.Settings f = transport.faults().settings();
      s.put("faults", new JsonObject()
          .put("dropTo", f.dropTo().stream().map(n -> n.name()).sorted().toList())
          .put("dropFrom", f.dropFrom().stream().map(n -> n.name()).sorted().toList())
          .put("loss", f.loss()).put("delayNanos", f.delayNanos()).put("jitterNanos", f.jitterNanos())
          .put("duplication", f.duplication()));
    }
    json(ctx, 200, s);
  }

  private static void error(RoutingContext ctx, int status, String message, boolean definite) {
    json(ctx, status, new JsonObject().put("error", message).put("definite", definite));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) return;
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}
