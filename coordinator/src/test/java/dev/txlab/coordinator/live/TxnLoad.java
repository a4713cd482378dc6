package dev.txlab.coordinator.live;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fixed-concurrency load generator for live nodes' {@code POST /txn} — a benchmark, not a test;
 * run it in its own JVM, apart from the nodes:
 *
 * <pre>
 * java -cp coordinator/target/test-classes dev.txlab.coordinator.live.TxnLoad
 *     --urls http://127.0.0.1:P1,http://127.0.0.1:P2,http://127.0.0.1:P3
 *     [--clients 16] [--seconds 20] [--warmup 3] [--keys 1000] [--ops 4]
 * </pre>
 *
 * Each client is a closed loop (one request at a time) against one node (clients spread over the
 * URLs), sending list-append transactions of {@code --ops} micro-ops on random keys — half appends,
 * half reads — under its own client id and increasing seq. Prints transactions per second,
 * micro-ops per second, p50/p99/max latency of every answered request after the warm-up, and the
 * count of each status.
 */
public final class TxnLoad {
  private TxnLoad() {}

  public static void main(String[] args) throws Exception {
    TreeMap<String, String> f = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2)
      f.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    List<String> urls = Arrays.asList(f.getOrDefault("urls", "http://127.0.0.1:8080").split(","));
    int clients = Integer.parseInt(f.getOrDefault("clients", "16"));
    int seconds = Integer.parseInt(f.getOrDefault("seconds", "20"));
    int warmup = Integer.parseInt(f.getOrDefault("warmup", "3"));
    int keys = Integer.parseInt(f.getOrDefault("keys", "1000"));
    int ops = Integer.parseInt(f.getOrDefault("ops", "4"));

    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    long start = System.nanoTime();
    long measureFrom = start + warmup * 1_000_000_000L;
    long end = measureFrom + seconds * 1_000_000_000L;
    AtomicBoolean failed = new AtomicBoolean();
    List<long[]> latencies = new ArrayList<>();
    List<int[]> statuses = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    String run = Long.toHexString(System.currentTimeMillis());
    for (int c = 0; c < clients; c++) {
      long[] lat = new long[50_000]; // far more than one closed-loop client completes in a run
      int[] st = new int[7]; // [count, 200, 409, 503, 504, other, latencies used]
      latencies.add(lat);
      statuses.add(st);
      int client = c;
      Thread t =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(client * 7919L + 1);
                URI uri = URI.create(urls.get(client % urls.size()) + "/txn");
                long seq = 0;
                while (System.nanoTime() < end) {
                  StringBuilder body =
                      new StringBuilder(
                          "{\"client\":\"load-"
                              + run
                              + "-"
                              + client
                              + "\",\"seq\":"
                              + (++seq)
                              + ",\"ops\":[");
                  for (int i = 0; i < ops; i++) {
                    if (i > 0) body.append(',');
                    int k = random.nextInt(keys);
                    if (i % 2 == 0)
                      body.append("[\"append\",\"k")
                          .append(k)
                          .append("\",")
                          .append(seq * 100 + i)
                          .append(']');
                    else body.append("[\"r\",\"k").append(k).append("\",null]");
                  }
                  body.append("]}");
                  HttpRequest req =
                      HttpRequest.newBuilder(uri)
                          .timeout(Duration.ofSeconds(30))
                          .header("content-type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                          .build();
                  long t0 = System.nanoTime();
                  int code;
                  try {
                    code = http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
                  } catch (Exception e) {
                    failed.set(true);
                    System.err.println("client " + client + ": " + e);
                    return;
                  }
                  long t1 = System.nanoTime();
                  if (t0 < measureFrom || t1 > end) continue;
                  st[0]++;
                  st[
                      switch (code) {
                        case 200 -> 1;
                        case 409 -> 2;
                        case 503 -> 3;
                        case 504 -> 4;
                        default -> 5;
                      }]++;
                  if (st[6] < lat.length) lat[st[6]++] = t1 - t0;
                }
              },
              "load-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) t.join();
    int[] total = new int[7];
    int n = 0;
    for (int[] st : statuses) for (int i = 0; i < 7; i++) total[i] += st[i];
    long[] all = new long[total[6]];
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies.get(c), 0, all, n, statuses.get(c)[6]);
      n += statuses.get(c)[6];
    }
    Arrays.sort(all);
    double secs = seconds;
    System.out.printf(
        Locale.ROOT,
        "clients %d, %d nodes, %d ops/txn, %d keys, %ds measured: %d requests = %.0f txn/s (%.0f committed txn/s, %.0f micro-ops/s committed);"
            + " p50 %.1f ms, p99 %.1f ms, max %.1f ms; ok %d, aborted %d, busy %d, unknown %d, other %d%s%n",
        clients,
        urls.size(),
        ops,
        keys,
        seconds,
        total[0],
        total[0] / secs,
        total[1] / secs,
        total[1] * ops / secs,
        pct(all, 0.50),
        pct(all, 0.99),
        all.length == 0 ? 0 : all[all.length - 1] / 1e6,
        total[1],
        total[2],
        total[3],
        total[4],
        total[5],
        failed.get() ? " (some clients failed)" : "");
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
  }
}
