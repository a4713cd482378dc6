package dev.txlab.scenarios.live;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

  /** The transactional points' shape: at most this many micro-ops per transaction (1 to 4). */
  public static final int TXN_LENGTH_MAX = 4;

  /** A key of the shared pool is retired for a fresh one after this many appends (Elle's 32). */
  public static final int TXN_WRITES_PER_KEY = 32;

  /**
   * One measured transactional point: its outcomes in the measured window, the latencies of its
   * committed transactions (invocation to {@code ok}, one HdrHistogram), and the verdict on the
   * window's whole history.
   *
   * @param keys the shared pool's size (keys in use at a time)
   * @param committed transactions acknowledged as committed within the window
   * @param aborted definite failures within the window (an abort, a refusal)
   * @param indefinite outcomes unknown within the window ({@code :info}: a timeout, a cut
   *     connection)
   * @param multiShard the share of committed transactions whose keys span more than one shard
   * @param historyTxns the transactions in the checked history (the window's, and those in flight
   *     when it closed, completed before the check)
   * @param validity the worst of the history's checks
   * @param verdict the checks in words: {@code valid (strict-serializable)} or the anomalies
   * @param checkSeconds how long checking the history took
   */
  public record TxnFigures(
      int clients,
      int keys,
      double seconds,
      long committed,
      long aborted,
      long indefinite,
      double multiShard,
      double p50Millis,
      double p90Millis,
      double p99Millis,
      double p999Millis,
      double maxMillis,
      long historyTxns,
      dev.txlab.checker.Validity validity,
      String verdict,
      double checkSeconds) {
    public double committedPerSecond() {
      return committed / seconds;
    }

    public double abortedPerSecond() {
      return aborted / seconds;
    }
  }

  /**
   * The list-append workload of {@code txlab workload list-append} (its {@link LiveWorkload}, the
   * same driver, recorder and checks) at full speed: {@code clients} closed-loop clients, client
   * {@code i} talking to node {@code i mod N}, each transaction 1 to {@value #TXN_LENGTH_MAX}
   * micro-ops — appends and list reads, half each — over a shared pool of {@code keys} keys hashed
   * over the shards (a key retired for a fresh one after {@value #TXN_WRITES_PER_KEY} appends, so
   * every appended value is unique to its key). A warm-up workload runs first on keys of its own
   * and is neither counted nor checked; then the measured workload runs for {@code measure} with a
   * fresh history, which — the window's invocations and completions, unknown outcomes as {@code
   * :info}, those in flight at the window's end completed first — is checked with txlab's
   * transactional checker for strict serializability.
   */
  public static TxnFigures measureTxns(
      LiveCluster cluster, int clients, int keys, Duration warmup, Duration measure) {
    LiveWorkload.Spec spec =
        LiveWorkload.Spec.defaults("list-append")
            .withLoad(0, measure, clients)
            .withTxnShape(keys, TXN_WRITES_PER_KEY, TXN_LENGTH_MAX)
            .withConsistency(List.of("strict-serializable"));
    if (warmup.toMillis() > 0) {
      LiveWorkload w = new LiveWorkload(cluster, spec);
      w.start();
      w.runFor(warmup);
      w.stop();
    }
    // A workload's keys and client ids come from the wall clock's millisecond: the measured one's
    // never repeat the warm-up's.
    LiveCluster.sleep(2);
    LiveWorkload m = new LiveWorkload(cluster, spec);
    m.start();
    m.runFor(measure);
    long window = m.elapsedNanos();
    m.stop();
    LiveWorkload.Result r = m.check(-1);

    Histogram latency = new Histogram(3);
    long committed = 0;
    long aborted = 0;
    long indefinite = 0;
    long multiShard = 0;
    for (dev.txlab.checker.history.Operation op : r.history().operations()) {
      dev.txlab.checker.history.Op c = op.completion();
      if (c == null) {
        indefinite++; // never completed: unknown, whenever it ended
        continue;
      }
      if (c.timeNanos() > window) continue; // completed after the window closed
      if (op.isOk()) {
        committed++;
        latency.recordValue(Math.max(1, (c.timeNanos() - op.invokeTimeNanos()) / 1000));
        if (shardsOf(cluster, c.value()) > 1) multiShard++;
      } else if (op.isFail()) {
        aborted++;
      } else {
        indefinite++;
      }
    }
    List<String> words = new ArrayList<>();
    for (Map.Entry<String, dev.txlab.scenarios.run.Check> e : r.checks().entrySet()) {
      dev.txlab.scenarios.run.Check ch = e.getValue();
      if (ch.validity() == dev.txlab.checker.Validity.VALID) {
        if (!e.getKey().equals("converged")) words.add("valid (" + e.getKey() + ")");
      } else {
        words.add(
            (ch.validity() == dev.txlab.checker.Validity.INVALID ? "INVALID (" : "unknown (")
                + e.getKey()
                + (ch.anomalyTypes().isEmpty() ? "" : ": " + String.join(", ", ch.anomalyTypes()))
                + ") — "
                + ch.summary());
      }
    }
    return new TxnFigures(
        clients,
        keys,
        window / 1e9,
        committed,
        aborted,
        indefinite,
        committed == 0 ? 0 : (double) multiShard / committed,
        latency.getValueAtPercentile(50) / 1000.0,
        latency.getValueAtPercentile(90) / 1000.0,
        latency.getValueAtPercentile(99) / 1000.0,
        latency.getValueAtPercentile(99.9) / 1000.0,
        latency.getMaxValue() / 1000.0,
        r.history().operations().size(),
        r.validity(),
        String.join("; ", words),
        r.checkSeconds());
  }

  /** How many shards a transaction's micro-ops ({@code [f key value]} each) touch. */
  private static int shardsOf(LiveCluster cluster, Object txn) {
    if (!(txn instanceof List<?>)) return 0;
    java.util.Set<Integer> shards = new java.util.HashSet<>();
    for (Object mop : (List<?>) txn) {
      if (mop instanceof List<?> && ((List<?>) mop).size() > 1) {
        shards.add(cluster.shardMap().shardOf(String.valueOf(((List<?>) mop).get(1))).index());
      }
    }
    return shards.size();
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
