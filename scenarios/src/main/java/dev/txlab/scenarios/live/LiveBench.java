package dev.txlab.scenarios.live;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Throughput and latency of a live cluster, measured the way the etcd figures were: HTTP/
 * JSON clients at fixed concurrency (each one request in flight, the next sent when the answer
 * arrives), from this process — separate from the node processes. Each load runs a warm-up, then a
 * measured interval; latency is per request, recorded in an HdrHistogram.
 */
public final class LiveBench {
  /** One measured load: its counts and its latency percentiles (from one HdrHistogram). */
  public record Figures(
      String load,
      int clients,
      long ok,
      long errors,
      double seconds,
      double p50Millis,
      double p90Millis,
      double p99Millis,
      double p999Millis,
      double maxMillis) {
    public double opsPerSecond() {
      return ok / seconds;
    }
  }

  /** One request; returns whether it succeeded. */
  public interface Request {
    boolean send(NodeApi api, int client, long seq);
  }

  private LiveBench() {}

  /**
   * Runs {@code clients} closed-loop clients for {@code warmup + measure}, client {@code i} talking
   * to node {@code i mod N}, and returns the figures of the measured part.
   */
  public static Figures measure(
      LiveCluster cluster,
      String load,
      int clients,
      Duration warmup,
      Duration measure,
      Request request) {
    List<NodeApi> apis = new ArrayList<>();
    for (String n : cluster.nodes()) apis.add(cluster.api(n));
    return measure(apis, load, clients, warmup, measure, request);
  }

  /**
   * Runs {@code clients} closed-loop clients for {@code warmup + measure}, client {@code i} talking
   * to {@code targets[i mod N]} (any HTTP/JSON server: a txlab node, an etcd member), and returns
   * the figures of the measured part.
   */
  public static Figures measure(
      List<NodeApi> targets,
      String load,
      int clients,
      Duration warmup,
      Duration measure,
      Request request) {
    Recorder latency = new Recorder(3);
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int client = i;
      NodeApi api = targets.get(i % targets.size());
      Thread t =
          new Thread(
              () -> {
                long seq = 0;
                while (!stop.get()) {
                  long t0 = System.nanoTime();
                  boolean success = request.send(api, client, ++seq);
                  long micros = (System.nanoTime() - t0) / 1000;
                  if (measuring.get()) {
                    if (success) {
                      ok.incrementAndGet();
                      latency.recordValue(Math.max(1, micros));
                    } else {
                      errors.incrementAndGet();
                    }
                  }
                }
              },
              "txlab-bench-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    LiveCluster.sleep(warmup.toMillis());
    latency.reset();
    measuring.set(true);
    long start = System.nanoTime();
    LiveCluster.sleep(measure.toMillis());
    measuring.set(false);
    double seconds = (System.nanoTime() - start) / 1e9;
    stop.set(true);
    for (Thread t : threads) {
      try {
        t.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    Histogram h = latency.getIntervalHistogram();
    return new Figures(
        load,
        clients,
        ok.get(),
        errors.get(),
        seconds,
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(90) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0);
  }

  /** A PUT of a client-owned key (a fresh value each time). */
  public static Request put(String prefix) {
    return (api, client, seq) ->
        api.put(
                NodeApi.kvPath(prefix + "-" + client),
                Map.of("value", Long.toString(seq)),
                Duration.ofSeconds(10))
            .ok();
  }

  /** The side-by-side loads' key space and value size (as {@code wrk_vs_etcd.sh} uses). */
  public static final int KEYS = 1000;

  public static final int VALUE_BYTES = 100;

  private static final String VALUE = "v".repeat(VALUE_BYTES);

  /** A txlab PUT of a random one of {@link #KEYS} keys, {@link #VALUE_BYTES} bytes. */
  public static Request txlabPut(String prefix) {
    return (api, client, seq) ->
        api.put(NodeApi.kvPath(randomKey(prefix)), Map.of("value", VALUE), Duration.ofSeconds(10))
            .ok();
  }

  /** A txlab linearizable GET (ReadIndex) of a random one of {@link #KEYS} keys. */
  public static Request txlabGet(String prefix) {
    return (api, client, seq) ->
        api.get(NodeApi.kvPath(randomKey(prefix)), Duration.ofSeconds(10)).ok();
  }

  /** An etcd put (its v3 JSON gateway) of a random one of {@link #KEYS} keys. */
  public static Request etcdPut(String prefix) {
    return (api, client, seq) ->
        api.post(
                "/v3/kv/put",
                Map.of("key", base64(randomKey(prefix)), "value", base64(VALUE)),
                Duration.ofSeconds(10))
            .ok();
  }

  /** An etcd linearizable range read (its default) of a random one of {@link #KEYS} keys. */
  public static Request etcdGet(String prefix) {
    return (api, client, seq) ->
        api.post("/v3/kv/range", Map.of("key", base64(randomKey(prefix))), Duration.ofSeconds(10))
            .ok();
  }

  /** One of the {@link #KEYS} keys, uniformly, as wrk's scripts pick them. */
  private static String randomKey(String prefix) {
    return prefix + java.util.concurrent.ThreadLocalRandom.current().nextInt(KEYS);
  }

  private static String base64(String s) {
    return java.util.Base64.getEncoder()
        .encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A linearizable GET (ReadIndex) of one of a few keys. */
  public static Request get(String prefix) {
    return (api, client, seq) ->
        api.get(NodeApi.kvPath(prefix + "-" + (client % 8)), Duration.ofSeconds(10)).ok();
  }

  /**
   * A transaction appending to one key on each shard; {@code keys.get(client)} lists that client's
   * keys, one per shard.
   */
  public static Request crossShardTxn(List<List<String>> keys, String clientPrefix) {
    return (api, client, seq) -> {
      List<List<Object>> ops = new ArrayList<>();
      for (String k : keys.get(client)) {
        ops.add(List.of("append", k, seq));
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("client", clientPrefix + client);
      body.put("seq", seq);
      body.put("ops", ops);
      NodeApi.Reply r = api.post("/txn", body, Duration.ofSeconds(10));
      return r.ok() && r.body() != null && "ok".equals(r.body().path("status").asText());
    };
  }

  /** For each client, one fresh key on each shard of the cluster, in shard order. */
  public static List<List<String>> keysPerClient(LiveCluster c, int clients, String stem) {
    List<List<String>> out = new ArrayList<>();
    for (int client = 0; client < clients; client++) {
      List<String> keys = new ArrayList<>();
      for (int s = 0; s < c.shards().size(); s++) {
        for (int i = 0; ; i++) {
          String k = stem + "-c" + client + "-" + i;
          if (c.shardMap().shardOf(k).index() == s) {
            keys.add(k);
            break;
          }
        }
      }
      out.add(keys);
    }
    return out;
  }

  /** Starts a cluster for a benchmark in {@code dir}. */
  public static LiveCluster cluster(
      Path dir, int shards, String protocol, Consumer<String> progress) throws LiveException {
    progress.accept(
        "starting 3 nodes, "
            + shards
            + " shard(s), "
            + protocol
            + ", fsync always, in "
            + dir
            + " …");
    // The nodes' JVM flags are every live cluster's (LiveCluster.StartOptions.defaults), chosen by
    // measurement on windows like these: a benchmark measures what users run.
    return LiveCluster.start(
        LiveCluster.StartOptions.defaults(dir)
            .withShape(3, shards, 3)
            .withProtocol(protocol)
            .withFsync("always")
            .withTimeout(Duration.ofSeconds(120)),
        null);
  }
}
