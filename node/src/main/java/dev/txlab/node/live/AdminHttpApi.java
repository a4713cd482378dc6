package dev.txlab.node.live;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * A node's admin API: its own HTTP listener, bound to 127.0.0.1 unless configured, every request
 * guarded by {@code Authorization: Bearer <token>} (the token is read once, at start, from a file
 * the CLI writes with owner-only permissions). What {@code txlab chaos} and {@code txlab cluster
 * status} speak to:
 *
 * <pre>
 * GET  /admin/status                       → 200 {"node","pid","shards":{"shard-0":{"role","term","leader",
 *                                                  "commit_index","applied"}},"faults":[text…],
 *                                                  "clock_offset_ms","epsilon_ms", …}
 * POST /admin/faults {"fault":"loss 20%"}  → 200 {"changed":true|false,"active":[text…]}   (forms: {@link AdminFaults})
 * POST /admin/heal   [{"clocks":true}]     → 200 {"changed","active"}  (partitions and link faults; clocks only if asked)
 * GET  /admin/probe                        → 200 {"node","probes":{component: base64 of the codec's frame}}
 *                                            (what the plug-in's processes tell of their state: {@link LiveNode#probe})
 * </pre>
 *
 * A missing or wrong token is a 401, an unparseable fault or body a 400, both JSON {@code
 * {"error":…}}; nothing is applied. Kill, pause and restart are not here: the CLI signals the
 * process itself.
 */
public final class AdminHttpApi {
  public static final int MAX_BODY_BYTES = 16 * 1024;

  private final byte[] token;
  private final AdminFaults faults;
  private final Supplier<Future<JsonObject>> status;
  private final Supplier<Future<JsonObject>> probe;
  private HttpServer server;

  private AdminHttpApi(
      byte[] token,
      AdminFaults faults,
      Supplier<Future<JsonObject>> status,
      Supplier<Future<JsonObject>> probe) {
    this.token = token;
    this.faults = faults;
    this.status = status;
    this.probe = probe;
  }

  /** Reads the token file: its first line, trimmed, which must not be empty. */
  public static String readToken(Path file) throws IOException {
    String t = Files.readString(file, StandardCharsets.UTF_8).strip();
    int nl = t.indexOf('\n');
    if (nl >= 0) t = t.substring(0, nl).strip();
    if (t.isEmpty()) throw new IOException("admin token file " + file + " is empty");
    return t;
  }

  /**
   * Listens on {@code bindHost:port} (0: a free port), answering {@code /admin/status} from {@code
   * status} and {@code /admin/probe} from {@code probe}.
   */
  public static Future<AdminHttpApi> start(
      Vertx vertx,
      String bindHost,
      int port,
      String token,
      AdminFaults faults,
      Supplier<Future<JsonObject>> status,
      Supplier<Future<JsonObject>> probe) {
    if (token == null || token.isBlank())
      throw new IllegalArgumentException("the admin API needs a token");
    AdminHttpApi api =
        new AdminHttpApi(token.getBytes(StandardCharsets.UTF_8), faults, status, probe);
    return vertx
        .createHttpServer()
        .requestHandler(api.router(vertx))
        .listen(port, bindHost)
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
    router.route().handler(this::authorize);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.get("/admin/status").handler(ctx -> answer(ctx, status, "status"));
    router.get("/admin/probe").handler(ctx -> answer(ctx, probe, "probe"));
    router.post("/admin/faults").handler(this::fault);
    router.post("/admin/heal").handler(this::heal);
    router
        .route()
        .last()
        .handler(
            ctx ->
                error(
                    ctx,
                    404,
                    "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(
        413, ctx -> error(ctx, 413, "body larger than " + MAX_BODY_BYTES + " bytes"));
    return router;
  }

  private void authorize(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h == null || !h.startsWith("Bearer ")) {
      error(
          ctx,
          401,
          "missing 'Authorization: Bearer <token>' (the token is in the cluster directory's admin.token)");
      return;
    }
    byte[] given = h.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
    // Constant time, so the comparison does not leak how much of a guess was right.
    if (!MessageDigest.isEqual(given, token)) {
      error(ctx, 401, "wrong admin token");
      return;
    }
    ctx.next();
  }

  private static void answer(RoutingContext ctx, Supplier<Future<JsonObject>> source, String what) {
    Context context = Vertx.currentContext();
    source
        .get()
        .onComplete(
            ar ->
                context.runOnContext(
                    v -> {
                      if (ar.succeeded()) json(ctx, 200, ar.result());
                      else error(ctx, 500, what + " unavailable: " + ar.cause());
                    }));
  }

  private void fault(RoutingContext ctx) {
    JsonObject body = body(ctx, true);
    if (body == null) return;
    Object f = body.getValue("fault");
    if (!(f instanceof String text) || text.isBlank()) {
      error(
          ctx,
          400,
          "field 'fault' is required: a fault's text form, e.g. {\"fault\":\"loss 20%\"}");
      return;
    }
    AdminFaults.Applied a;
    try {
      a = faults.apply(text);
    } catch (IllegalArgumentException e) {
      error(ctx, 400, "fault '" + text + "': " + e.getMessage());
      return;
    }
    json(ctx, 200, new JsonObject().put("changed", a.changed()).put("active", a.active()));
  }

  private void heal(RoutingContext ctx) {
    JsonObject body = body(ctx, false);
    if (body == null) return;
    Object clocks = body.getValue("clocks");
    if (clocks != null && !(clocks instanceof Boolean)) {
      error(ctx, 400, "field 'clocks' must be true or false");
      return;
    }
    java.util.List<String> before = faults.active();
    java.util.List<String> after = faults.heal(Boolean.TRUE.equals(clocks));
    json(ctx, 200, new JsonObject().put("changed", !before.equals(after)).put("active", after));
  }

  /** The body as a JSON object ({} if empty and optional), or null after answering 400. */
  private static JsonObject body(RoutingContext ctx, boolean required) {
    if (!required
        && (ctx.body() == null || ctx.body().buffer() == null || ctx.body().buffer().length() == 0))
      return new JsonObject();
    try {
      JsonObject o = ctx.body().asJsonObject();
      if (o == null) error(ctx, 400, "missing JSON body");
      return o;
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, "body is not a JSON object");
      return null;
    }
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) return;
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }
}
