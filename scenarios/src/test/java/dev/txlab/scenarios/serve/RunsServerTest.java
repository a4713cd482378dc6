package dev.txlab.scenarios.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.scenarios.run.RunIndex;
import dev.txlab.scenarios.run.RunIndexTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code txlab serve} through a real HTTP client on an ephemeral port: the index lists every run in
 * the runs directory (with its line or found by the scan) and each link opens that run's report;
 * paths that leave the runs directory are refused with 403, writes with 405.
 */
class RunsServerTest {
  @TempDir Path tmp;
  Path runs;
  RunsServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    runs = tmp.resolve("runs");
    Path a = RunIndexTest.fakeRun(runs, "quickstart", "20260101-000000-000", true);
    RunIndexTest.fakeRun(runs, "stale-reads", "20260102-000000-000", false); // no line
    RunIndex.append(runs, a, RunIndexTest.results("quickstart", true));
    Files.writeString(tmp.resolve("secret.txt"), "not for the web");
    Files.createSymbolicLink(runs.resolve("quickstart").resolve("escape"), tmp);
    server = RunsServer.start(runs, "127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theIndexListsEveryRunAndEachLinkOpensItsReport() throws Exception {
    HttpResponse<String> index = get("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    List<String> reports = new ArrayList<>();
    Matcher m = Pattern.compile("href=\"(runs/[^\"]+/report\\.html)\"").matcher(index.body());
    while (m.find()) {
      reports.add(m.group(1));
    }
    assertThat(reports)
        .containsExactlyInAnyOrder(
            "runs/stale-reads/20260102-000000-000/report.html",
            "runs/quickstart/20260101-000000-000/report.html");
    for (String r : reports) {
      HttpResponse<String> page = get("/" + r);
      assertThat(page.statusCode()).as(r).isEqualTo(200);
      assertThat(page.body()).startsWith("<html>report of ");
    }
    assertThat(index.body()).contains("G-single").contains(">invalid<");
    assertThat(get("/runs.json").body()).contains("\"scenario\":\"stale-reads\"");
    assertThat(get("/runs/quickstart/20260101-000000-000/").body())
        .isEqualTo("<html>report of quickstart 20260101-000000-000");
  }

  @Test
  void pathsOutsideTheRunsDirectoryAreRefused() throws Exception {
    for (String path :
        List.of(
            "/runs/../secret.txt",
            "/runs/%2e%2e/secret.txt",
            "/runs/quickstart/..%2f..%2fsecret.txt",
            "/runs/quickstart/escape/secret.txt")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).as(path).doesNotContain("not for the web");
    }
    assertThat(get("/runs/quickstart/nothing.html").statusCode()).isEqualTo(404);
    assertThat(get("/elsewhere").statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }
}
