package dev.txlab.scenarios.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * HTTP/JSON calls to one live node: its public API ({@code /kv/…}, {@code /txn}, {@code /status})
 * and, with the cluster's token, its admin API on 127.0.0.1. Every call ends in a {@link Reply}
 * that says whether the request is known not to have reached the node ({@link Reply#notSent}: the
 * connection was refused, so nothing can have happened) or its outcome is unknown (a timeout or a
 * connection cut mid-request), which is what a client needs to record {@code :fail} or {@code
 * :info}.
 */
public final class NodeApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One client for all nodes of a process: it pools connections per node. */
  private static final HttpClient SHARED =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .executor(
              Executors.newCachedThreadPool(
                  r -> {
                    Thread t = new Thread(r, "txlab-http");
                    t.setDaemon(true);
                    return t;
                  }))
          .build();

  /**
   * What a call produced.
   *
   * @param status the HTTP status, or 0 when there was no answer
   * @param body the parsed JSON body, or null
   * @param notSent true when the request never reached the node (connection refused)
   * @param problem why there was no answer, or null
   */
  public record Reply(int status, JsonNode body, boolean notSent, String problem) {
    public boolean ok() {
      return status == 200;
    }

    /** A short description for messages: the status and the node's error text, or the problem. */
    public String describe() {
      if (status == 0) {
        return problem;
      }
      String error = body != null && body.has("error") ? body.get("error").asText() : null;
      return "HTTP " + status + (error == null ? "" : ": " + error);
    }
  }

  private final String node;
  private final int httpPort;
  private final int adminPort;
  private final String token;

  public NodeApi(String node, int httpPort, int adminPort, String token) {
    this.node = node;
    this.httpPort = httpPort;
    this.adminPort = adminPort;
    this.token = token;
  }

  public String node() {
    return node;
  }

  public int httpPort() {
    return httpPort;
  }

  public Reply get(String path, Duration timeout) {
    return send(HttpRequest.newBuilder(uri(httpPort, path)).GET().timeout(timeout).build());
  }

  public Reply post(String path, Object body, Duration timeout) {
    return send(
        withJson(HttpRequest.newBuilder(uri(httpPort, path)), "POST", body)
            .timeout(timeout)
            .build());
  }

  public Reply put(String path, Object body, Duration timeout) {
    return send(
        withJson(HttpRequest.newBuilder(uri(httpPort, path)), "PUT", body)
            .timeout(timeout)
            .build());
  }

  /** {@code /kv/KEY} with the key escaped. */
  public static String kvPath(String key) {
    return "/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public boolean hasAdmin() {
    return adminPort > 0 && token != null;
  }

  public Reply adminGet(String path, Duration timeout) {
    return send(
        HttpRequest.newBuilder(uri(adminPort, path))
            .header("Authorization", "Bearer " + token)
            .GET()
            .timeout(timeout)
            .build());
  }

  public Reply adminPost(String path, Object body, Duration timeout) {
    return send(
        withJson(
                HttpRequest.newBuilder(uri(adminPort, path))
                    .header("Authorization", "Bearer " + token),
                "POST",
                body)
            .timeout(timeout)
            .build());
  }

  private static HttpRequest.Builder withJson(HttpRequest.Builder b, String method, Object body) {
    String text;
    try {
      text = body instanceof String ? (String) body : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode a request body: " + e.getMessage(), e);
    }
    return b.header("content-type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(text));
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static Reply send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = SHARED.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      // Not connected: the request was never written.
      return new Reply(0, null, true, "connection timed out");
    } catch (HttpTimeoutException e) {
      return new Reply(
          0,
          null,
          false,
          "no answer within " + request.timeout().map(Duration::toMillis).orElse(0L) + " ms");
    } catch (ConnectException e) {
      return new Reply(0, null, true, "connection refused (is the node down?)");
    } catch (IOException e) {
      return new Reply(0, null, false, "connection failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(0, null, false, "interrupted");
    }
    JsonNode body = null;
    String text = response.body();
    if (text != null && !text.isEmpty()) {
      try {
        body = JSON.readTree(text);
      } catch (IOException e) {
        body = null;
      }
    }
    return new Reply(response.statusCode(), body, false, null);
  }
}
