package dev.txlab.scenarios.serve;

import dev.txlab.scenarios.run.RunIndex;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code txlab serve}: a local web server over a runs directory — at {@code /} the index of every
 * run ({@link RunsPage}), at {@code /runs.json} the same as JSON, and under {@code /runs/} the run
 * directories' own files (each run's {@code report.html} and what sits beside it). Read-only: GET
 * and HEAD only. A path that leaves the runs directory — {@code ..}, an absolute path, a link out
 * of it — is refused with 403, a file that is not there is 404; nothing is ever written.
 *
 * <p>It binds 127.0.0.1 unless told otherwise: the reports hold whatever a run recorded, and a
 * laboratory's notes are not for the network by default.
 */
public final class RunsServer implements AutoCloseable {
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "json", "application/json; charset=utf-8",
          "jsonl", "application/x-ndjson; charset=utf-8",
          "edn", "text/plain; charset=utf-8",
          "yaml", "text/plain; charset=utf-8",
          "txt", "text/plain; charset=utf-8",
          "log", "text/plain; charset=utf-8",
          "gz", "application/gzip",
          "svg", "image/svg+xml");

  private final Vertx vertx;
  private final Path root;
  private final HttpServer server;

  private RunsServer(Vertx vertx, Path root, HttpServer server) {
    this.vertx = vertx;
    this.root = root;
    this.server = server;
  }

  /**
   * Serves {@code runsRoot} on {@code host:port} (port 0: a free one) and returns once listening.
   *
   * @throws IOException when the runs directory is not one, or the port cannot be bound
   */
  public static RunsServer start(Path runsRoot, String host, int port) throws IOException {
    if (!Files.isDirectory(runsRoot)) {
      throw new IOException(runsRoot + " is not a directory");
    }
    Path root = runsRoot.toRealPath();
    Vertx vertx = Vertx.vertx();
    Handler h = new Handler(root);
    try {
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(h::handle)
              .listen(port, host)
              .toCompletionStage()
              .toCompletableFuture()
              .get();
      return new RunsServer(vertx, root, server);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      throw new IOException("interrupted while binding " + host + ":" + port);
    } catch (java.util.concurrent.ExecutionException e) {
      vertx.close();
      throw new IOException(
          "cannot listen on " + host + ":" + port + ": " + e.getCause().getMessage());
    }
  }

  public int port() {
    return server.actualPort();
  }

  public Path root() {
    return root;
  }

  /** Stops listening and closes every connection (Vert.x closes its servers with it). */
  @Override
  public void close() {
    try {
      // No grace: a browser's idle keep-alive connection would otherwise hold the close open.
      server
          .shutdown(0, java.util.concurrent.TimeUnit.SECONDS)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("closing the server failed", e);
    }
  }

  /** The request handler: one request at a time on the event loop, files read from disk. */
  private static final class Handler {
    private final Path root;

    Handler(Path root) {
      this.root = root;
    }

    void handle(HttpServerRequest req) {
      if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
        text(req, 405, "only GET and HEAD: this server is read-only\n");
        return;
      }
      String path;
      try {
        path = new URI(req.uri()).getPath();
      } catch (URISyntaxException e) {
        text(req, 400, "the request path is not a valid URI: " + e.getMessage() + "\n");
        return;
      }
      if (path == null) {
        text(req, 400, "the request has no path\n");
        return;
      }
      try {
        if (path.equals("/") || path.equals("/index.html")) {
          List<RunIndex.Entry> runs = RunIndex.read(root);
          send(req, 200, TYPES.get("html"), RunsPage.render(root, runs));
        } else if (path.equals("/runs.json")) {
          send(req, 200, TYPES.get("json"), RunsPage.json(RunIndex.read(root)));
        } else if (path.startsWith("/runs/")) {
          file(req, path.substring("/runs/".length()));
        } else {
          text(req, 404, "no such page: " + path + " (the index is at /)\n");
        }
      } catch (IOException e) {
        text(req, 500, "cannot read the runs directory: " + e.getMessage() + "\n");
      }
    }

    private void file(HttpServerRequest req, String rel) throws IOException {
      Path p;
      try {
        if (rel.contains("\0") || rel.startsWith("/") || rel.contains("\\")) {
          text(req, 403, "path refused: " + rel + "\n");
          return;
        }
        p = root.resolve(rel).normalize();
      } catch (InvalidPathException e) {
        text(req, 400, "path refused: " + e.getMessage() + "\n");
        return;
      }
      if (!p.startsWith(root)) {
        text(req, 403, "path refused: it leaves the runs directory\n");
        return;
      }
      if (Files.isDirectory(p)) {
        if (!req.path().endsWith("/")) {
          req.response().setStatusCode(301).putHeader("Location", req.path() + "/").end();
          return;
        }
        p = p.resolve("report.html");
      }
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(p)) {
        text(req, 404, "no such file: " + rel + "\n");
        return;
      }
      // A link inside the runs directory (runs/latest) may be followed only to somewhere inside it.
      Path real = p.toRealPath();
      if (!real.startsWith(root)) {
        text(req, 403, "path refused: it leads out of the runs directory\n");
        return;
      }
      if (!Files.isRegularFile(real)) {
        text(req, 404, "not a file: " + rel + "\n");
        return;
      }
      String name = real.getFileName().toString();
      String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
      req.response()
          .putHeader("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"))
          .putHeader("Cache-Control", "no-store")
          .putHeader("X-Content-Type-Options", "nosniff");
      if (req.method() == HttpMethod.HEAD) {
        req.response().putHeader("Content-Length", String.valueOf(Files.size(real))).end();
        return;
      }
      req.response().sendFile(real.toString());
    }

    private static void text(HttpServerRequest req, int status, String body) {
      send(req, status, TYPES.get("txt"), body);
    }

    private static void send(HttpServerRequest req, int status, String type, String body) {
      req.response()
          .setStatusCode(status)
          .putHeader("Content-Type", type)
          .putHeader("Cache-Control", "no-store");
      if (req.method() == HttpMethod.HEAD) {
        req.response()
            .putHeader(
                "Content-Length",
                String.valueOf(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length))
            .end();
      } else {
        req.response().end(body);
      }
    }
  }
}
