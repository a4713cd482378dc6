package dev.txlab.node.live;

import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.ShardMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

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
 * POST {route}           a plug-in's JSON route ({@link JsonRoute}; e.g. the transaction layer's /txn)
 * GET  /status                                     → 200 {node, components, members, drops, faults, failures, shards…}
 * </pre>
 *
 * Errors are JSON {@code {"error": …, "definite": true|false}}: 400 for malformed JSON, wrong
 * types, missing fields or an oversize key or value; 413 for an oversize body; 501 for an API this
 * node's shards do not serve (single keys on transactional shards), 404 for a route no one serves;
 * 503 when the gateway is busy (definite: nothing was done); 504 when the outcome is unknown
 * (indefinite: a write may still apply). A bad request changes nothing and the node stays up.
 *
 * <p>At most once: a write that carries {@code "client"} and {@code "seq"} (required on {@code
 * /txn}, optional on single-key writes) is run once per (client, seq); a retry gets the first
 * answer, waiting for it if it is still in flight ({@link RequestDedup}). Reusing a (client, seq)
 * for a different request is a 400.
 */
public final class KvHttpApi {
  private static final System.Logger LOG = System.getLogger("txlab.live");
  public static final String GATEWAY = "http";
  public static final int MAX_KEY_BYTES = 256;
  public static final int MAX_VALUE_BYTES = 64 * 1024;
  public static final int MAX_BODY_BYTES = 2 * MAX_VALUE_BYTES + 1024;

  /** How long an HTTP request waits for its answer before it is told the outcome is unknown. */
  public static final long ANSWER_WAIT_MILLIS = 20_000;

  /**
   * What else this node's API serves.
   *
   * @param singleKey whether {@code /kv} is served (the node's shards are plain KV replicas)
   * @param txn the endpoint behind {@code POST /txn}, or null
   * @param status extra fields for {@code GET /status} (shard roles…), or null
   * @param readsAtLocalReplica reads go first to this node's own replica of their shard (read modes
   *     any replica serves), writes to the leader
   */
  public record Options(
      boolean singleKey,
      List<JsonRoute> routes,
      Supplier<Future<JsonObject>> status,
      boolean readsAtLocalReplica) {
    public Options(boolean singleKey, List<JsonRoute> routes, Supplier<Future<JsonObject>> status) {
      this(singleKey, routes, status, false);
    }

    public static Options kvOnly() {
      return new Options(true, null, null, false);
    }
  }

  private final Vertx vertx;
  private final VertxHost host;
  private final NetTransport transport;
  private final Options options;
  private final RequestDedup dedup = RequestDedup.defaults();
  private final ConcurrentHashMap<Long, CompletableFuture<RequestDedup.Reply>> pending =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, String> pendingKeys = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private HttpServer server;

  private KvHttpApi(Vertx vertx, VertxHost host, NetTransport transport, Options options) {
    this.vertx = vertx;
    this.host = host;
    this.transport = transport;
    this.options = options;
  }

  /**
   * Adds the gateway process to {@code host} and listens on {@code bindHost:port} (port 0 picks a
   * free one; see {@link #port()}). {@code transport} may be null (status then omits it).
   */
  public static Future<KvHttpApi> start(
      Vertx vertx,
      VertxHost host,
      NetTransport transport,
      ShardMap shardMap,
      String bindHost,
      int port) {
    return start(vertx, host, transport, shardMap, bindHost, port, Options.kvOnly());
  }

  /**
   * As {@link #start(Vertx, VertxHost, NetTransport, ShardMap, String, int)}, serving what {@code
   * options} says.
   */
  public static Future<KvHttpApi> start(
      Vertx vertx,
      VertxHost host,
      NetTransport transport,
      ShardMap shardMap,
      String bindHost,
      int port,
      Options options) {
    KvHttpApi api = new KvHttpApi(vertx, host, transport, options);
    Future<Void> gateway =
        options.singleKey()
            ? host.add(
                GATEWAY,
                env ->
                    new KvGateway(
                        env,
                        shardMap,
                        api::respond,
                        256,
                        300_000_000L,
                        5_000_000_000L,
                        options.readsAtLocalReplica()))
            : Future.succeededFuture();
    return gateway
        .compose(
            v -> vertx.createHttpServer().requestHandler(api.router(vertx)).listen(port, bindHost))
        .map(
            s -> {
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
    for (JsonRoute r : options.routes()) {
      router.post(r.path()).handler(ctx -> route(ctx, r));
    }
    router.get("/status").handler(this::status);
    router
        .route()
        .last()
        .handler(
            ctx ->
                error(
                    ctx,
                    404,
                    "no such endpoint: " + ctx.request().method() + " " + ctx.request().path(),
                    true));
    router.errorHandler(
        413, ctx -> error(ctx, 413, "body larger than " + MAX_BODY_BYTES + " bytes", true));
    return router;
  }

  private void keyOp(RoutingContext ctx, String write) {
    if (!options.singleKey()) {
      error(
          ctx,
          501,
          "this node's shards serve no single keys"
              + (options.routes().isEmpty()
                  ? ""
                  : ": use "
                      + String.join(
                          ", ", options.routes().stream().map(r -> "POST " + r.path()).toList())),
          true);
      return;
    }
    String key = ctx.pathParam("key");
    if (key == null
        || key.isEmpty()
        || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      error(ctx, 400, "key must be 1.." + MAX_KEY_BYTES + " bytes", true);
      return;
    }
    KvOp op;
    String client = null;
    long seq = -1;
    if (write == null) {
      op = new KvOp.Get(key);
    } else {
      JsonObject body = jsonBody(ctx);
      if (body == null) return;
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
        String expected =
            body.getValue("expected") == null ? null : stringField(ctx, body, "expected", true);
        if (body.getValue("expected") != null && expected == null) return;
        op = new KvOp.Cas(key, expected, value);
      }
      if (body.containsKey("client") || body.containsKey("seq")) {
        Object c = body.getValue("client");
        Object q = body.getValue("seq");
        if (!(c instanceof String cs) || cs.isEmpty() || cs.length() > JsonRoute.MAX_CLIENT_CHARS) {
          error(
              ctx,
              400,
              "field 'client' must be a string of 1.."
                  + JsonRoute.MAX_CLIENT_CHARS
                  + " characters (with 'seq')",
              true);
          return;
        }
        if (!(q instanceof Integer || q instanceof Long) || ((Number) q).longValue() < 0) {
          error(
              ctx, 400, "field 'seq' must be a non-negative 64-bit integer (with 'client')", true);
          return;
        }
        client = cs;
        seq = ((Number) q).longValue();
      }
    }
    KvOp theOp = op;
    // The fingerprint is only compared for a client's numbered requests; most have none.
    once(ctx, "kv", client, seq, client == null ? "" : op.toString(), () -> runKv(theOp), null);
  }

  /** Runs a single-key op through the gateway; the future completes with the HTTP answer. */
  private CompletableFuture<RequestDedup.Reply> runKv(KvOp op) {
    CompletableFuture<RequestDedup.Reply> f = new CompletableFuture<>();
    long id = nextId.getAndIncrement();
    pending.put(id, f);
    pendingKeys.put(id, op.key());
    if (!host.inject(GATEWAY, new KvGateway.Request(id, op))) {
      pending.remove(id);
      pendingKeys.remove(id);
      f.complete(errorReply(503, "this node's gateway is not running", true));
    }
    return f;
  }

  /** A plug-in's route: the body parsed to plain values, checked by the route, run at most once. */
  private void route(RoutingContext ctx, JsonRoute r) {
    JsonObject body = jsonBody(ctx);
    if (body == null) return;
    JsonRoute.Call call;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> plain = (Map<String, Object>) plain(body);
      call = r.accept(plain);
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage(), true);
      return;
    }
    once(
        ctx,
        r.path(),
        call.client(),
        call.seq(),
        call.fingerprint(),
        () -> {
          CompletableFuture<RequestDedup.Reply> f = new CompletableFuture<>();
          try {
            call.run()
                .get()
                .whenComplete(
                    (reply, failure) -> {
                      if (failure != null) f.completeExceptionally(failure);
                      else f.complete(encode(reply));
                    });
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
          return f;
        },
        r);
  }

  /** 504: the single-key operation may or may not have happened. */
  private static RequestDedup.Reply unknownReply(String cause) {
    return new RequestDedup.Reply(
        504,
        new JsonObject()
            .put("status", "unknown")
            .put("cause", cause)
            .put("error", "the outcome is unknown: the operation may or may not have happened")
            .put("definite", false)
            .encode());
  }

  private static RequestDedup.Reply encode(JsonRoute.Reply reply) {
    return new RequestDedup.Reply(reply.status(), new JsonObject(reply.body()).encode());
  }

  /** A decoded JSON value as plain Java values: maps, lists, strings, numbers, booleans, null. */
  static Object plain(Object v) {
    if (v instanceof JsonObject o) return plain(o.getMap());
    if (v instanceof JsonArray a) return plain(a.getList());
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet())
        out.put(String.valueOf(e.getKey()), plain(e.getValue()));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object x : l) out.add(plain(x));
      return out;
    }
    return v;
  }

  /**
   * Runs {@code run} at most once per (space, client, seq) — always, without a client — and answers
   * the request with its reply once it is there, or 504 after {@link #ANSWER_WAIT_MILLIS}.
   */
  private void once(
      RoutingContext ctx,
      String space,
      String client,
      long seq,
      String fingerprint,
      Supplier<CompletableFuture<RequestDedup.Reply>> run,
      JsonRoute route) {
    CompletableFuture<RequestDedup.Reply> answer;
    if (client == null) {
      answer = run.get();
    } else {
      RequestDedup.Claim claim = dedup.claim(space, client, seq, fingerprint);
      RequestDedup.Entry entry = claim.entry();
      if (!claim.fresh() && !entry.fingerprint().equals(fingerprint)) {
        error(
            ctx,
            400,
            "client '" + client + "' seq " + seq + " was already used for a different request",
            true);
        return;
      }
      if (claim.fresh()) {
        run.get()
            .whenComplete(
                (reply, failure) -> {
                  if (failure != null) entry.reply().completeExceptionally(failure);
                  else entry.reply().complete(reply);
                  // Nothing was done (busy) or we failed before running it: a retry must run, not
                  // replay this.
                  if (failure != null || reply.status() == 503)
                    dedup.forget(space, client, seq, entry);
                });
      }
      answer = entry.reply();
    }
    Context context = Vertx.currentContext();
    long timer =
        vertx.setTimer(
            ANSWER_WAIT_MILLIS,
            id ->
                send(
                    ctx,
                    route == null
                        ? unknownReply("no answer within " + ANSWER_WAIT_MILLIS + " ms")
                        : encode(
                            route.noAnswer("no answer within " + ANSWER_WAIT_MILLIS + " ms"))));
    answer.whenComplete(
        (reply, failure) -> {
          Runnable out =
              () -> {
                vertx.cancelTimer(timer);
                if (failure != null) {
                  LOG.log(System.Logger.Level.ERROR, "request failed inside the node", failure);
                  send(ctx, errorReply(500, "internal error: " + failure, false));
                } else {
                  send(ctx, reply);
                }
              };
          if (context != null) context.runOnContext(v -> out.run());
          else out.run();
        });
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, "body is not a JSON object", true);
      return null;
    }
    if (body == null) error(ctx, 400, "missing JSON body", true);
    return body;
  }

  /** The string field {@code name}, or null after answering 400. */
  private static String stringField(
      RoutingContext ctx, JsonObject body, String name, boolean nullable) {
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

  /** Called by the gateway on its own thread: completes the request's answer. */
  private void respond(long requestId, KvGateway.Outcome outcome, String value) {
    CompletableFuture<RequestDedup.Reply> f = pending.remove(requestId);
    String key = pendingKeys.remove(requestId);
    if (f == null) return;
    f.complete(
        switch (outcome) {
          case OK ->
              new RequestDedup.Reply(
                  200, new JsonObject().put("key", key).put("value", value).encode());
          case FAILED ->
              new RequestDedup.Reply(
                  409,
                  new JsonObject()
                      .put("error", "cas-failed")
                      .put("actual", value)
                      .put("definite", true)
                      .encode());
          case BUSY -> errorReply(503, "too many requests in flight", true);
          default ->
              errorReply(504, "timed out: the operation may or may not have happened", false);
        });
  }

  private void status(RoutingContext ctx) {
    JsonObject s =
        new JsonObject().put("node", host.node().name()).put("components", host.components());
    s.put("failures", host.failures().stream().map(Throwable::getMessage).toList());
    s.put("clockOffsetNanos", host.clock().offsetNanos());
    if (transport != null) {
      s.put("members", transport.view().stream().map(n -> n.name()).toList());
      s.put("drops", new JsonObject(new java.util.TreeMap<String, Object>(transport.dropCounts())));
      LinkFaults.Settings f = transport.faults().settings();
      s.put(
          "link_faults",
          new JsonObject()
              .put("dropTo", f.dropTo().stream().map(n -> n.name()).sorted().toList())
              .put("dropFrom", f.dropFrom().stream().map(n -> n.name()).sorted().toList())
              .put("loss", f.loss())
              .put("delayNanos", f.delayNanos())
              .put("jitterNanos", f.jitterNanos())
              .put("duplication", f.duplication()));
    }
    if (options.status() == null) {
      json(ctx, 200, s);
      return;
    }
    Context context = Vertx.currentContext();
    options
        .status()
        .get()
        .onComplete(
            ar -> {
              Runnable out =
                  () -> {
                    if (ar.succeeded()) json(ctx, 200, ar.result().mergeIn(s));
                    else error(ctx, 500, "status unavailable: " + ar.cause(), true);
                  };
              if (context != null) context.runOnContext(v -> out.run());
              else out.run();
            });
  }

  private static RequestDedup.Reply errorReply(int status, String message, boolean definite) {
    return new RequestDedup.Reply(
        status, new JsonObject().put("error", message).put("definite", definite).encode());
  }

  private static void send(RoutingContext ctx, RequestDedup.Reply reply) {
    if (ctx.response().ended()) return;
    ctx.response()
        .setStatusCode(reply.status())
        .putHeader("content-type", "application/json")
        .end(reply.body());
  }

  private static void error(RoutingContext ctx, int status, String message, boolean definite) {
    logRequestError(ctx, status, message);
    json(ctx, status, new JsonObject().put("error", message).put("definite", definite));
  }

  private static final java.util.concurrent.atomic.AtomicLong lastErrorLogMillis =
      new java.util.concurrent.atomic.AtomicLong();
  private static final java.util.concurrent.atomic.AtomicLong suppressedErrors =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Logs a refused request at INFO, at most one a second (a fuzzing or misconfigured client must
   * not flood the log), counting the ones left out.
   */
  private static void logRequestError(RoutingContext ctx, int status, String message) {
    long now = System.currentTimeMillis();
    long last = lastErrorLogMillis.get();
    if (now - last < 1000 || !lastErrorLogMillis.compareAndSet(last, now)) {
      suppressedErrors.incrementAndGet();
      return;
    }
    long skipped = suppressedErrors.getAndSet(0);
    LOG.log(
        System.Logger.Level.INFO,
        ctx.request().method()
            + " "
            + ctx.request().path()
            + " → "
            + status
            + ": "
            + message
            + (skipped > 0 ? " (and " + skipped + " more refused since the last line)" : ""));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) return;
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }
}
