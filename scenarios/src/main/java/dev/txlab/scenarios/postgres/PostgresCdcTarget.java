package dev.txlab.scenarios.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.Percent;
import dev.txlab.chaos.live.LiveControl;
import dev.txlab.chaos.live.LiveFaultException;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.coordinator.protocol.ProtocolCheck;
import dev.txlab.coordinator.protocol.TimeSeries;
import dev.txlab.scenarios.live.ClusterControl;
import dev.txlab.scenarios.live.LiveCluster;
import dev.txlab.scenarios.live.LiveException;
import dev.txlab.scenarios.live.LiveScenarioRun;
import dev.txlab.scenarios.live.LiveTarget;
import dev.txlab.scenarios.live.LiveWorkload;
import dev.txlab.scenarios.live.NodeApi;
import dev.txlab.scenarios.run.RunChecks;
import dev.txlab.scenarios.run.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * A live run of {@link PostgresCdcProtocol}: txlab starts a PostgreSQL with logical decoding on
 * (the old store), a live {@code raft-kv} cluster (the new store) and Debezium's embedded engine
 * between them ({@link PostgresCdc}); the application's clients read and write the old store; the
 * live nemesis kills and restarts the old store's server ({@code old}), the consumer ({@code cdc})
 * and the cluster's nodes. Meanwhile the replication slot's retained WAL is sampled. After the run
 * the consumer is given the convergence time to catch up, and the stores are compared key by key.
 *
 * <p>What the application saw is checked for linearizability per key as every register run is; what
 * the consumer did is measured beside it: changes applied, the backfill's rows, duplicates
 * (at-least-once delivery after a restart), changes that arrived behind a later change of their
 * key, and the lag from a change's commit in PostgreSQL to its apply in the cluster.
 */
public final class PostgresCdcTarget implements LiveTarget {
  static final String TABLE = "txlab_kv";
  private static final long SAMPLE_EVERY_MILLIS = 200;
  private static final int DIVERGENT_LISTED_MAX = 20;
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);

  @Override
  public String protocol() {
    return "postgres-cdc";
  }

  @Override
  public LiveScenarioRun.Outcome run(Scenario s, long seed, Path dir, Consumer<String> progress)
      throws LiveException {
    if (s.transactional()) {
      throw new LiveException(
          "postgres-cdc moves single keys from PostgreSQL to raft-kv: use the register workload");
    }
    int legacyRows = Integer.parseInt(s.knobs().getOrDefault("legacy-rows", "200"));
    List<String> notes = new ArrayList<>();
    notes.add(
        "the old store was a real PostgreSQL "
            + PostgresServer.VERSION
            + " (not replicated, fsync on, wal_level=logical) on this machine; the consumer was"
            + " Debezium's embedded engine with its PostgreSQL connector (pgoutput), in the run's"
            + " process; the new store a live raft-kv cluster");
    Path data;
    PostgresServer pg;
    try {
      Files.createDirectories(dir);
      data = PostgresServer.freshDataDir();
      progress.accept(
          "starting PostgreSQL "
              + PostgresServer.VERSION
              + " (the old store, data in "
              + data
              + ")");
      pg = PostgresServer.create(data, PostgresCdc.serverSettings());
      pg.start();
      createTable(pg, legacyRows);
    } catch (IOException | SQLException e) {
      throw new LiveException("could not start PostgreSQL: " + e.getMessage(), e);
    }
    LiveScenarioRun.Started started = null;
    Applier applier = null;
    PostgresCdc cdc = null;
    Sampler sampler = null;
    try {
      LiveCluster.StartOptions o =
          LiveCluster.StartOptions.defaults(dir.resolve("new-store"))
              .withShape(s.nodes(), s.shards(), s.replicas())
              .withProtocol("raft-kv")
              .withFsync(s.knobs().getOrDefault("fsync", "always"))
              .withNodeFlags(LiveScenarioRun.withParent(List.of()))
              .withTimeout(Duration.ofSeconds(120));
      started = LiveScenarioRun.startCluster(o, progress);
      LiveCluster cluster = started.cluster();
      applier = new Applier(cluster);
      try {
        cdc = new PostgresCdc(pg, TABLE, "k", "v", dir, applier);
      } catch (IOException e) {
        throw new LiveException(
            "could not open the consumer's log in " + dir + ": " + e.getMessage(), e);
      }
      applier.cdc = cdc;
      PostgresClients clients =
          new PostgresClients(s, pg, "serializable", TABLE, cluster.shardMap());
      Control control = new Control(new ClusterControl(cluster), pg, cdc);
      List<FaultEvent> plan =
          LiveScenarioRun.plan(s, ClusterView.ofShape(control.nodes(), cluster.shards()), seed);
      Map<String, Long> pids = new TreeMap<>();
      pids.put(PostgresCdcProtocol.OLD, pg.pid());
      for (LiveCluster.NodeStatus st : cluster.status()) {
        if (st.pid() != null) pids.put(st.node(), st.pid());
      }
      dev.txlab.chaos.live.LiveNemesis nemesis =
          new dev.txlab.chaos.live.LiveNemesis(control, new SplittableRandom(seed));
      cdc.start();
      progress.accept(
          "PostgreSQL, "
              + s.nodes()
              + " raft-kv nodes and the consumer up ("
              + legacyRows
              + " legacy rows to backfill); running "
              + s.workload().name()
              + " for "
              + LiveScenarioRun.seconds(s.duration())
              + " with "
              + plan.size()
              + " planned fault events, then up to "
              + LiveScenarioRun.seconds(s.converge())
              + " for the consumer to catch up");
      clients.start();
      sampler = new Sampler(pg, control, applier, clients::elapsedNanos);
      sampler.start();
      LiveScenarioRun.applyPlan(
          plan, clients::elapsedNanos, clients.startWallNanos, nemesis, dir, progress);
      // The clients go on a little past the faults' end, so the history shows the application
      // served after it (converged); then they stop and the consumer has the rest to catch up.
      long end = s.duration().toNanos() + Math.min(3_000_000_000L, s.converge().toNanos() / 4);
      while (clients.elapsedNanos() < end) {
        LiveCluster.sleep(Math.max(1, Math.min(200, (end - clients.elapsedNanos()) / 1_000_000)));
      }
      clients.stop();
      // Converged when the new store holds every row of the old; the check says so or not.
      long deadline = s.duration().toNanos() + s.converge().toNanos();
      Comparison compared = compare(pg, cluster);
      while (!compared.agree() && clients.elapsedNanos() < deadline) {
        LiveCluster.sleep(250);
        compared = compare(pg, cluster);
      }
      sampler.stop();
      LiveWorkload.Result result = clients.check(dir);
      List<String> down = new ArrayList<>();
      for (String n : control.nodes()) {
        if (!control.isUp(n)) down.add(n);
      }
      result = LiveScenarioRun.notConvergedIfDown(result, down);
      ProtocolCheck storesAgree = compared.check();
      Map<String, dev.txlab.scenarios.run.Check> checks = new LinkedHashMap<>(result.checks());
      checks.put(storesAgree.name(), RunChecks.fromProtocol(storesAgree));
      Map<String, Double> metrics = new TreeMap<>(result.metrics());
      metrics.putAll(applier.metrics());
      metrics.put("retained_wal_bytes_max", (double) sampler.retainedMax);
      metrics.put("cdc_restarts", (double) sampler.restarts);
      metrics.put("divergent_keys", (double) compared.divergent().size());
      result =
          new LiveWorkload.Result(
              result.history(),
              checks,
              result.primary(),
              metrics,
              result.faults(),
              result.startWallNanos(),
              result.runSeconds(),
              result.checkSeconds());
      LiveScenarioRun.rateShortfall("ops", result, s.workload().rate()).ifPresent(notes::add);
      if (cdc.failure() != null) {
        notes.add("Debezium's engine stopped by itself: " + cdc.failure() + " (see cdc.log)");
      }
      if (applier.deletes > 0) {
        notes.add(
            applier.deletes + " deletes in the old store: raft-kv has no delete; not applied");
      }
      Map<String, List<String>> findings = new LinkedHashMap<>();
      if (!compared.divergent().isEmpty()) {
        findings.put("divergent keys", storesAgree.details());
      }
      cdc.close();
      cdc = null;
      LiveCluster.StopReport stop = started.stop();
      started = null;
      boolean oldUp = pg.running();
      List<String> terminated = new ArrayList<>(stop.terminated());
      List<String> alreadyDown = new ArrayList<>(stop.alreadyDown());
      (oldUp ? terminated : alreadyDown).add(PostgresCdcProtocol.OLD);
      LiveCluster.StopReport all =
          new LiveCluster.StopReport(terminated, stop.killed(), alreadyDown, stop.leftAlive());
      return new LiveScenarioRun.Outcome(result, notes, all, dir, pids, findings, sampler.series());
    } finally {
      if (sampler != null) sampler.stop();
      if (cdc != null) cdc.close();
      if (applier != null) applier.close();
      if (started != null) started.stop();
      pg.close();
      try {
        Path log = data.resolveSibling(data.getFileName() + ".log");
        if (Files.exists(log)) {
          Files.copy(log, dir.resolve("postgres.log"), StandardCopyOption.REPLACE_EXISTING);
        }
        PostgresServer.deleteTree(data.getParent());
      } catch (IOException e) {
        progress.accept("note: could not tidy " + data.getParent() + ": " + e.getMessage());
      }
    }
  }

  /** The old table, with {@code legacy} rows the workload never touches (negative keys). */
  private static void createTable(PostgresServer pg, int legacy) throws SQLException {
    try (Connection c = pg.connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + TABLE + " (k bigint PRIMARY KEY, v text NOT NULL)");
      st.execute(
          "INSERT INTO "
              + TABLE
              + " SELECT -g, 'legacy-' || g FROM generate_series(1, "
              + legacy
              + ") AS g");
    }
  }

  /**
   * The consumer's sink: each batch written to the new store in lanes — a key's changes always in
   * the same lane, in log order; lanes in parallel, as the simulated lab's consumer does — and what
   * it measured.
   */
  private static final class Applier implements PostgresCdc.Sink, AutoCloseable {
    private static final int LANES = 8;
    private final LiveCluster cluster;
    private final List<String> nodes;
    private final java.util.concurrent.ExecutorService lanes;
    PostgresCdc cdc;
    private final Map<String, Long> lastLsn = new HashMap<>();
    private final Set<String> appliedAt = new HashSet<>();
    private final Histogram lagMillis = new Histogram(3_600_000L, 3);
    private long applied;
    private long backfill;
    private long duplicates;
    private long reordered;
    long deletes;

    Applier(LiveCluster cluster) {
      this.cluster = cluster;
      this.nodes = cluster.nodes();
      this.lanes =
          java.util.concurrent.Executors.newFixedThreadPool(
              LANES,
              r -> {
                Thread t = new Thread(r, "txlab-cdc-lane");
                t.setDaemon(true);
                return t;
              });
    }

    @Override
    public void apply(List<PostgresCdc.Change> changes) throws InterruptedException {
      List<List<PostgresCdc.Change>> byLane = new ArrayList<>();
      for (int i = 0; i < LANES; i++) byLane.add(new ArrayList<>());
      for (PostgresCdc.Change c : changes) {
        byLane.get(Math.floorMod(c.key().hashCode(), LANES)).add(c);
      }
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (int i = 0; i < LANES; i++) {
        List<PostgresCdc.Change> lane = byLane.get(i);
        if (lane.isEmpty()) continue;
        int first = i;
        running.add(
            lanes.submit(
                () -> {
                  for (PostgresCdc.Change c : lane) applyOne(c, first);
                  return null;
                }));
      }
      try {
        for (java.util.concurrent.Future<?> f : running) f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        for (java.util.concurrent.Future<?> f : running) f.cancel(true);
        if (e.getCause() instanceof InterruptedException) {
          throw (InterruptedException) e.getCause();
        }
        throw new IllegalStateException("applying a change failed", e.getCause());
      } catch (InterruptedException e) {
        for (java.util.concurrent.Future<?> f : running) f.cancel(true);
        throw e;
      }
    }

    /** Writes one change, from node {@code start} on and round the nodes until one takes it. */
    private void applyOne(PostgresCdc.Change c, int start) throws InterruptedException {
      if (c.value() == null) {
        synchronized (this) {
          deletes++;
        }
        return;
      }
      String path = NodeApi.kvPath(c.key());
      int n = start;
      while (true) {
        if (cdc.stopping() || Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("the consumer is stopping");
        }
        NodeApi.Reply r =
            cluster
                .api(nodes.get(n % nodes.size()))
                .put(path, Map.of("value", c.value()), WRITE_TIMEOUT);
        if (r.ok()) break;
        n++;
        Thread.sleep(20);
      }
      synchronized (this) {
        applied++;
        if (c.snapshot()) backfill++;
        if (!appliedAt.add(c.key() + "@" + c.lsn())) {
          duplicates++;
        } else if (c.lsn() < lastLsn.getOrDefault(c.key(), Long.MIN_VALUE)) {
          reordered++;
        }
        lastLsn.merge(c.key(), c.lsn(), Math::max);
        if (!c.snapshot() && c.commitMillis() > 0) {
          lagMillis.recordValue(
              Math.max(0, Math.min(3_600_000L, System.currentTimeMillis() - c.commitMillis())));
        }
      }
    }

    synchronized long applied() {
      return applied;
    }

    synchronized Map<String, Double> metrics() {
      Map<String, Double> m = new TreeMap<>();
      m.put("changes_applied", (double) applied);
      m.put("backfill_rows", (double) backfill);
      m.put("duplicates_applied", (double) duplicates);
      m.put("changes_reordered", (double) reordered);
      if (lagMillis.getTotalCount() > 0) {
        m.put("cdc_lag_ms_p99", (double) lagMillis.getValueAtPercentile(99));
      }
      return m;
    }

    @Override
    public void close() {
      lanes.shutdownNow();
    }
  }

  /**
   * The two stores compared key by key: the keys that differ, or empty if one could not be read.
   */
  private record Comparison(Optional<List<String>> read, String problem) {
    boolean agree() {
      return read.isPresent() && read.get().isEmpty();
    }

    List<String> divergent() {
      return read.orElse(List.of());
    }

    ProtocolCheck check() {
      if (read.isEmpty()) {
        return new ProtocolCheck(
            "stores-agree", "unknown", List.of(), "could not compare: " + problem, List.of());
      }
      List<String> d = read.get();
      return new ProtocolCheck(
          "stores-agree",
          d.isEmpty() ? "valid" : "invalid",
          d.isEmpty() ? List.of() : List.of("divergent-keys"),
          d.isEmpty()
              ? "PostgreSQL and the raft-kv cluster hold the same rows"
              : d.size() + " keys differ between PostgreSQL and the raft-kv cluster",
          d.subList(0, Math.min(d.size(), DIVERGENT_LISTED_MAX)));
    }
  }

  /** Every row of the old store against the new store's linearizable read of its key. */
  private static Comparison compare(PostgresServer pg, LiveCluster cluster) {
    Map<String, String> old = new TreeMap<>();
    try (Connection c = pg.connect();
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT k, v FROM " + TABLE + " ORDER BY k")) {
      while (r.next()) old.put(Long.toString(r.getLong(1)), r.getString(2));
    } catch (SQLException e) {
      return new Comparison(Optional.empty(), "PostgreSQL: " + e.getMessage());
    }
    List<String> nodes = cluster.nodes();
    List<String> divergent = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, String> e : old.entrySet()) {
      String path = NodeApi.kvPath(e.getKey());
      NodeApi.Reply r = cluster.api(nodes.get(n % nodes.size())).get(path, WRITE_TIMEOUT);
      for (int attempt = 1; !r.ok() && attempt < 2 * nodes.size(); attempt++) {
        n++; // the next node: this one is down, cut off or without a leader
        r = cluster.api(nodes.get(n % nodes.size())).get(path, WRITE_TIMEOUT);
      }
      if (!r.ok()) {
        return new Comparison(
            Optional.empty(),
            "the raft-kv cluster did not answer a read of "
                + e.getKey()
                + " ("
                + r.describe()
                + ")");
      }
      JsonNode v = r.body() == null ? null : r.body().get("value");
      String now = v == null || v.isNull() ? null : v.asText();
      if (!e.getValue().equals(now)) {
        divergent.add(
            "key "
                + e.getKey()
                + ": old '"
                + e.getValue()
                + "', new "
                + (now == null ? "absent" : "'" + now + "'"));
      }
    }
    return new Comparison(Optional.of(divergent), "");
  }

  /**
   * Samples the slot's retained WAL (from its restart position: what the server must keep for it)
   * and what the consumer has not confirmed, and restarts a consumer that stopped by itself while
   * the nemesis wants it up.
   */
  private static final class Sampler {
    private final PostgresServer pg;
    private final Control control;
    private final java.util.function.LongSupplier elapsedNanos;
    private final List<TimeSeries.Point> retained = new ArrayList<>();
    private final List<TimeSeries.Point> unconfirmed = new ArrayList<>();
    private final List<TimeSeries.Point> appliedSeries = new ArrayList<>();
    private final Applier applier;
    private volatile boolean stopping;
    private Thread thread;
    long retainedMax;
    int restarts;

    Sampler(
        PostgresServer pg,
        Control control,
        Applier applier,
        java.util.function.LongSupplier elapsedNanos) {
      this.pg = pg;
      this.applier = applier;
      this.control = control;
      this.elapsedNanos = elapsedNanos;
    }

    void start() {
      thread = new Thread(this::loop, "txlab-cdc-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      stopping = true;
      if (thread == null) return;
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void loop() {
      while (!stopping) {
        sample();
        if (control.cdcWanted && !control.cdc.running()) {
          synchronized (control) {
            if (control.cdcWanted && !control.cdc.running()) {
              control.cdc.kill();
              control.cdc.start();
              restarts++;
            }
          }
        }
        LiveCluster.sleep(SAMPLE_EVERY_MILLIS);
      }
    }

    private void sample() {
      long appliedNow = applier.applied();
      synchronized (this) {
        appliedSeries.add(new TimeSeries.Point(elapsedNanos.getAsLong(), appliedNow));
      }
      if (!pg.running()) return;
      try (Connection c = pg.connect();
          PreparedStatement p =
              c.prepareStatement(
                  "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn),"
                      + " pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)"
                      + " FROM pg_replication_slots WHERE slot_name = ?")) {
        p.setString(1, PostgresCdc.SLOT);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) return; // the consumer has not created its slot yet
          long at = elapsedNanos.getAsLong();
          long held = r.getLong(1);
          synchronized (this) {
            retained.add(new TimeSeries.Point(at, held));
            unconfirmed.add(new TimeSeries.Point(at, r.getLong(2)));
            retainedMax = Math.max(retainedMax, held);
          }
        }
      } catch (SQLException e) {
        // the server is going down or restarting: no sample this time
      }
    }

    synchronized List<TimeSeries> series() {
      return List.of(
          new TimeSeries("retained WAL (the slot's restart position)", "bytes", retained),
          new TimeSeries("WAL not yet confirmed by the consumer", "bytes", unconfirmed),
          new TimeSeries("changes applied to the new store", "changes", appliedSeries));
    }
  }

  /**
   * What the live nemesis can do here: the raft-kv nodes as on any live cluster; the old store's
   * server killed (SIGKILL) and restarted through crash recovery; the consumer killed between two
   * changes and started again from its offsets and slot. Network, link, clock and pause faults on
   * the old store or the consumer are refused: they have no txlab transport or admin API.
   */
  private static final class Control implements LiveControl {
    private final ClusterControl cluster;
    private final PostgresServer pg;
    final PostgresCdc cdc;
    volatile boolean cdcWanted = true;
    private final List<String> nodes;

    Control(ClusterControl cluster, PostgresServer pg, PostgresCdc cdc) {
      this.cluster = cluster;
      this.pg = pg;
      this.cdc = cdc;
      List<String> all = new ArrayList<>(cluster.nodes());
      all.add(PostgresCdcProtocol.OLD);
      all.add(PostgresCdcProtocol.CDC);
      this.nodes = List.copyOf(all);
    }

    @Override
    public List<String> nodes() {
      return nodes;
    }

    @Override
    public ClusterView view() {
      ClusterView inner = cluster.view();
      return new ClusterView() {
        @Override
        public List<String> nodes() {
          return nodes;
        }

        @Override
        public List<String> shards() {
          return inner.shards();
        }

        @Override
        public Optional<String> leaderOf(String shard) {
          return inner.leaderOf(shard);
        }

        @Override
        public Optional<String> coordinator() {
          return Optional.empty();
        }
      };
    }

    @Override
    public boolean hasAdmin() {
      return cluster.hasAdmin();
    }

    private static boolean ours(String node) {
      return node.equals(PostgresCdcProtocol.OLD) || node.equals(PostgresCdcProtocol.CDC);
    }

    @Override
    public boolean isUp(String node) {
      if (node.equals(PostgresCdcProtocol.OLD)) return pg.running();
      if (node.equals(PostgresCdcProtocol.CDC)) return cdc.running();
      return cluster.isUp(node);
    }

    @Override
    public void kill(String node) throws LiveFaultException {
      if (node.equals(PostgresCdcProtocol.OLD)) {
        pg.crash();
      } else if (node.equals(PostgresCdcProtocol.CDC)) {
        synchronized (this) {
          cdcWanted = false;
          cdc.kill();
        }
      } else {
        cluster.kill(node);
      }
    }

    @Override
    public void restart(String node) throws LiveFaultException {
      if (node.equals(PostgresCdcProtocol.OLD)) {
        try {
          pg.start();
        } catch (IOException e) {
          throw new LiveFaultException("PostgreSQL did not come back: " + e.getMessage(), e);
        }
      } else if (node.equals(PostgresCdcProtocol.CDC)) {
        synchronized (this) {
          cdcWanted = true;
          cdc.start();
        }
      } else {
        cluster.restart(node);
      }
    }

    private static LiveFaultException refused(String node, String what) {
      return new LiveFaultException(
          what
              + " "
              + node
              + ": "
              + (node.equals(PostgresCdcProtocol.OLD) ? "PostgreSQL" : "the consumer")
              + " has no txlab transport or admin API; only kill and restart apply");
    }

    @Override
    public void pause(String node, boolean paused) throws LiveFaultException {
      if (ours(node)) throw refused(node, "pause");
      cluster.pause(node, paused);
    }

    @Override
    public void cutOff(String node, SortedSet<String> peers) throws LiveFaultException {
      if (ours(node)) throw refused(node, "partition");
      SortedSet<String> inCluster = new TreeSet<>(peers);
      inCluster.removeIf(PostgresCdcTarget.Control::ours);
      cluster.cutOff(node, inCluster);
    }

    @Override
    public void linkFaults(String node, Fault.Delay delay, Percent loss, Percent duplicate)
        throws LiveFaultException {
      if (ours(node)) throw refused(node, "link faults on");
      cluster.linkFaults(node, delay, loss, duplicate);
    }

    @Override
    public void clock(String node, List<Fault> faults) throws LiveFaultException {
      if (ours(node)) throw refused(node, "clock faults on");
      cluster.clock(node, faults);
    }

    @Override
    public void armKill(String node, Fault.TxnPhase phase) throws LiveFaultException {
      throw new LiveFaultException("raft-kv has no transaction phases to arm a kill for");
    }
  }
}
