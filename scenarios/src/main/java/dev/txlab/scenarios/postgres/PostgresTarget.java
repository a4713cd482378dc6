package dev.txlab.scenarios.postgres;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.fault.Percent;
import dev.txlab.chaos.live.LiveControl;
import dev.txlab.chaos.live.LiveFaultException;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.chaos.schedule.Schedule;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.scenarios.live.LiveCluster;
import dev.txlab.scenarios.live.LiveException;
import dev.txlab.scenarios.live.LiveNemesis;
import dev.txlab.scenarios.live.LiveScenarioRun;
import dev.txlab.scenarios.live.LiveTarget;
import dev.txlab.scenarios.live.LiveWorkload;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.workload.TxnDriver;
import dev.txlab.scenarios.workload.WorkloadDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * A live run against a real PostgreSQL: txlab starts the server ({@link PostgresServer}), its
 * clients carry the run's one workload over JDBC at the scenario's isolation level, the live
 * nemesis applies the faults that are real for one database server (a kill is SIGKILL, and the
 * window's end restarts it through crash recovery; network, link and clock faults are refused, and
 * the history says so), and the history is checked as every run's is.
 *
 * <p>A key is a row of {@code txlab(k bigint primary key, v text)}: an append is one {@code INSERT
 * … ON CONFLICT DO UPDATE} concatenating the element (atomic in the row), a write replaces the
 * value, a read selects it. A serialization failure or a deadlock is {@code :fail} (PostgreSQL
 * rolled the transaction back); a connection lost before {@code COMMIT} was sent is {@code :fail}
 * too (the server rolls back an open transaction whose client is gone); one lost during the commit
 * is {@code :info}: it may have committed.
 */
public final class PostgresTarget implements LiveTarget {
  private static final long NEMESIS_SALT = 0x6e656d65736973L;

  /** The one server's name in fault lines. */
  static final String SERVER = "n1";

  @Override
  public String protocol() {
    return "postgres";
  }

  @Override
  public LiveScenarioRun.Outcome run(Scenario s, long seed, Path dir, Consumer<String> progress)
      throws LiveException {
    if (!s.transactional()) {
      throw new LiveException(
          "postgres serves transactions: use the list-append, rw-register or bank workload");
    }
    List<String> notes = new ArrayList<>();
    if (s.nodes() != 1) {
      notes.add(
          "PostgreSQL is one server, "
              + SERVER
              + " in fault lines: the scenario's "
              + s.nodes()
              + " nodes, shards and replicas describe txlab's cluster, not this one");
    }
    notes.add(
        "the PostgreSQL server ran on this machine, not replicated; clients reached it over"
            + " loopback TCP; fsync on");
    String isolation = s.knobs().getOrDefault("isolation", "serializable");
    Path data;
    PostgresServer pg;
    try {
      Files.createDirectories(dir);
      data = PostgresServer.freshDataDir();
      progress.accept(
          "starting PostgreSQL " + PostgresServer.VERSION + " (data in " + data + ") …");
      pg = PostgresServer.create(data, List.of());
      pg.start();
      try (Connection c = pg.connect();
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE txlab (k bigint PRIMARY KEY, v text NOT NULL)");
      }
    } catch (IOException | SQLException e) {
      throw new LiveException("could not start PostgreSQL: " + e.getMessage(), e);
    }
    Map<String, Long> pids = new TreeMap<>();
    pids.put(SERVER, pg.pid());
    LiveWorkload.Result result;
    boolean upAtEnd;
    try {
      Run run = new Run(s, pg, isolation);
      List<FaultEvent> plan;
      List<String> nodes = new ArrayList<>();
      for (int i = 1; i <= s.nodes(); i++) nodes.add("n" + i);
      ClusterView view = new PrimaryView(nodes, s.shards(), pg);
      try {
        plan =
            Schedule.parse(s.faults())
                .plan(view, s.duration().toNanos(), new SplittableRandom(seed ^ NEMESIS_SALT));
      } catch (FaultSyntaxException | IllegalArgumentException e) {
        throw new LiveException("the scenario's fault schedule does not fit: " + e.getMessage(), e);
      }
      Control control = new Control(pg, nodes, view);
      dev.txlab.chaos.live.LiveNemesis nemesis =
          new dev.txlab.chaos.live.LiveNemesis(control, new SplittableRandom(seed));
      progress.accept(
          "PostgreSQL up (isolation "
              + isolation
              + "); running "
              + s.workload().name()
              + " for "
              + LiveScenarioRun.seconds(s.duration())
              + " with "
              + plan.size()
              + " planned fault events, then "
              + LiveScenarioRun.seconds(s.converge())
              + " to converge");
      run.start();
      LiveScenarioRun.applyPlan(
          plan, run::elapsedNanos, run.startWallNanos, nemesis, dir, progress);
      long end = s.duration().plus(s.converge()).toNanos();
      while (run.elapsedNanos() < end) {
        LiveCluster.sleep(Math.max(1, Math.min(200, (end - run.elapsedNanos()) / 1_000_000)));
      }
      run.stop();
      upAtEnd = pg.running();
      result =
          LiveScenarioRun.notConvergedIfDown(run.check(dir), upAtEnd ? List.of() : List.of(SERVER));
      result.metrics().put("serialization_failures", (double) run.serializationFailures.get());
      result.metrics().put("deadlocks_detected", (double) run.deadlocks.get());
      result.metrics().put("connection_errors", (double) run.connectionErrors.get());
      result.metrics().put("backends_terminated", (double) control.terminated.get());
      LiveScenarioRun.rateShortfall("txns", result, s.workload().rate()).ifPresent(notes::add);
    } finally {
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
    boolean left = pg.running();
    LiveCluster.StopReport stop =
        new LiveCluster.StopReport(
            upAtEnd ? List.of(SERVER) : List.of(),
            List.of(),
            upAtEnd ? List.of() : List.of(SERVER),
            left ? List.of(SERVER) : List.of());
    return new LiveScenarioRun.Outcome(result, notes, stop, dir, pids);
  }

  /** The clients of one run, their driver and what they counted. */
  private static final class Run {
    private final Scenario scenario;
    private final PostgresServer pg;
    private final int level;
    private final LiveWorkload.Spec spec;
    private final WorkloadDriver driver;
    private final Object lock = new Object();
    private final Histogram latencyMicros = new Histogram(60_000_000L, 3);
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong serializationFailures = new AtomicLong();
    private final AtomicLong deadlocks = new AtomicLong();
    private final AtomicLong connectionErrors = new AtomicLong();
    private volatile boolean stopping;
    private long startNanos;
    private long startWallNanos;
    private long stopNanos;

    Run(Scenario s, PostgresServer pg, String isolation) {
      this.scenario = s;
      this.pg = pg;
      this.level =
          switch (isolation) {
            case "read-committed" -> Connection.TRANSACTION_READ_COMMITTED;
            case "repeatable-read" -> Connection.TRANSACTION_REPEATABLE_READ;
            default -> Connection.TRANSACTION_SERIALIZABLE;
          };
      this.spec = LiveScenarioRun.workloadSpec(s);
      List<String> clientIds = new ArrayList<>();
      for (int i = 1; i <= spec.clients(); i++) clientIds.add("c" + i);
      this.driver =
          WorkloadDriver.create(
              spec.driverSpec(),
              new ShardMap(List.of(NodeId.of(SERVER)), 1, 1),
              0,
              this::elapsedNanos,
              clientIds);
    }

    long elapsedNanos() {
      return System.nanoTime() - startNanos;
    }

    void start() {
      startNanos = System.nanoTime();
      startWallNanos = LiveNemesis.wallNanos();
      for (int i = 0; i < spec.clients(); i++) {
        int index = i;
        Thread t = new Thread(() -> clientLoop(index), "txlab-postgres-c" + (i + 1));
        t.setDaemon(true);
        threads.add(t);
      }
      threads.forEach(Thread::start);
    }

    void stop() {
      stopping = true;
      synchronized (lock) {
        driver.stop();
      }
      long deadline = System.nanoTime() + spec.timeout().toNanos() + 2_000_000_000L;
      for (Thread t : threads) {
        try {
          t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      stopNanos = System.nanoTime();
    }

    LiveWorkload.Result check(Path dir) {
      long end = stopNanos == 0 ? System.nanoTime() : stopNanos;
      List<LiveWorkload.FaultRecord> faults =
          LiveWorkload.readFaults(dir, startWallNanos, startWallNanos + (end - startNanos));
      return LiveWorkload.checked(
          driver,
          lock,
          spec,
          faults,
          scenario.duration().toNanos(),
          startWallNanos,
          (end - startNanos) / 1e9,
          latencyMicros);
    }

    private void clientLoop(int index) {
      String client = "c" + (index + 1);
      RandomSource random = new RandomSource(index * 7919L + 1);
      long intervalNanos = spec.rate() == 0 ? 0 : (long) (1e9 * spec.clients() / spec.rate());
      long next = startNanos + (intervalNanos == 0 ? 0 : intervalNanos * index / spec.clients());
      long seq = 0;
      Connection c = null;
      Executor direct = Runnable::run;
      TxnDriver d = (TxnDriver) driver.match(r -> null, t -> t);
      while (!stopping) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LiveCluster.sleep(Math.max(1, wait / 1_000_000));
          continue;
        }
        next = Math.max(next + intervalNanos, System.nanoTime() - intervalNanos);
        List<MicroOp> ops;
        long s = ++seq;
        synchronized (lock) {
          ops = d.operations(index).next(random);
          if (ops == null) return;
          d.observer().invoked(client, s, ops);
        }
        long t0 = System.nanoTime();
        Done done;
        if (c == null) {
          try {
            c = pg.connect();
            c.setNetworkTimeout(direct, (int) spec.timeout().toMillis());
            c.setAutoCommit(false);
            c.setTransactionIsolation(level);
          } catch (SQLException e) {
            connectionErrors.incrementAndGet();
            closeQuietly(c);
            c = null;
          }
        }
        if (c == null) {
          done = new Done(Outcome.FAIL, ops, "connection-refused", true);
        } else {
          done = execute(c, ops);
        }
        if (done.dropConnection()) {
          closeQuietly(c);
          c = null;
        }
        synchronized (lock) {
          d.observer().completed(client, s, done.result(), done.outcome(), done.cause());
          if (done.outcome() == Outcome.OK) {
            latencyMicros.recordValue(
                Math.min(
                    latencyMicros.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
          }
        }
        if (done.cause() != null && done.cause().startsWith("connection")) {
          LiveCluster.sleep(50); // the server is down or restarting: do not spin
        }
      }
      closeQuietly(c);
    }

    /**
     * One transaction: its outcome, the micro-ops with reads filled in, why, and whether to
     * reconnect.
     */
    record Done(Outcome outcome, List<MicroOp> result, String cause, boolean dropConnection) {}

    private Done execute(Connection c, List<MicroOp> ops) {
      List<MicroOp> out = new ArrayList<>(ops.size());
      try {
        for (MicroOp m : ops) {
          out.add(apply(c, m));
        }
      } catch (SQLException e) {
        return failed(c, ops, e, false);
      }
      try {
        c.commit();
        return new Done(Outcome.OK, out, null, false);
      } catch (SQLException e) {
        return failed(c, ops, e, true);
      }
    }

    private Done failed(Connection c, List<MicroOp> ops, SQLException e, boolean committing) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.equals("40001")) {
        serializationFailures.incrementAndGet();
        rollbackQuietly(c);
        return new Done(Outcome.FAIL, ops, "serialization-failure", false);
      }
      if (state.equals("40P01")) {
        deadlocks.incrementAndGet();
        rollbackQuietly(c);
        return new Done(Outcome.FAIL, ops, "deadlock-detected", false);
      }
      boolean connection = state.startsWith("08") || state.startsWith("57P") || state.isEmpty();
      if (connection) {
        connectionErrors.incrementAndGet();
        // Before COMMIT was sent the server rolls an orphaned transaction back; during it, the
        // commit may or may not have happened.
        return new Done(
            committing ? Outcome.INFO : Outcome.FAIL,
            ops,
            committing ? "connection-lost-during-commit" : "connection-lost",
            true);
      }
      rollbackQuietly(c);
      return new Done(Outcome.FAIL, ops, "sql-error-" + state, false);
    }

    private static MicroOp apply(Connection c, MicroOp m) throws SQLException {
      long key = Long.parseLong(m.key());
      switch (m.kind()) {
        case APPEND:
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO txlab (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE"
                      + " SET v = txlab.v || ' ' || EXCLUDED.v")) {
            p.setLong(1, key);
            p.setString(2, m.value());
            p.executeUpdate();
          }
          return m;
        case WRITE:
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO txlab (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE"
                      + " SET v = EXCLUDED.v")) {
            p.setLong(1, key);
            p.setString(2, m.value());
            p.executeUpdate();
          }
          return m;
        default:
          try (PreparedStatement p = c.prepareStatement("SELECT v FROM txlab WHERE k = ?")) {
            p.setLong(1, key);
            try (ResultSet r = p.executeQuery()) {
              String v = r.next() ? r.getString(1) : null;
              if (m.kind() == MicroOp.Kind.READ_LIST) {
                return m.withValue(v == null ? "" : v);
              }
              return m.withValue(v);
            }
          }
      }
    }

    private static void rollbackQuietly(Connection c) {
      try {
        c.rollback();
      } catch (SQLException ignored) {
        // the connection is going away anyway
      }
    }

    private static void closeQuietly(Connection c) {
      if (c == null) return;
      try {
        c.close();
      } catch (SQLException ignored) {
        // already gone
      }
    }
  }

  /**
   * What the live nemesis can do to one database server: kill it (SIGKILL) and start it again
   * (crash recovery). It has no admin API, so network, link, clock and phase faults are refused
   * before they reach here; pausing is refused too (a stopped postmaster leaves its backends
   * serving).
   */
  private static final class Control implements LiveControl {
    private final PostgresServer pg;
    private final List<String> nodes;
    private final ClusterView view;

    Control(PostgresServer pg, List<String> nodes, ClusterView view) {
      this.pg = pg;
      this.nodes = List.copyOf(nodes);
      this.view = view;
    }

    @Override
    public List<String> nodes() {
      return nodes;
    }

    @Override
    public ClusterView view() {
      return view;
    }

    @Override
    public boolean hasAdmin() {
      return false;
    }

    @Override
    public boolean isUp(String node) {
      return !node.equals(SERVER) || pg.running();
    }

    private void server(String node) throws LiveFaultException {
      if (!node.equals(SERVER)) {
        throw new LiveFaultException(
            "PostgreSQL is one server, " + SERVER + "; there is no " + node + " to act on");
      }
    }

    @Override
    public void kill(String node) throws LiveFaultException {
      server(node);
      pg.crash();
    }

    @Override
    public void restart(String node) throws LiveFaultException {
      server(node);
      try {
        pg.start();
      } catch (IOException e) {
        throw new LiveFaultException("PostgreSQL did not come back: " + e.getMessage(), e);
      }
    }

    @Override
    public void pause(String node, boolean paused) throws LiveFaultException {
      throw new LiveFaultException(
          "pausing PostgreSQL's postmaster would leave its backends serving: not applied");
    }

    @Override
    public void cutOff(String node, SortedSet<String> peers) throws LiveFaultException {
      throw new LiveFaultException("one PostgreSQL server has no peers to cut off");
    }

    @Override
    public void linkFaults(String node, Fault.Delay delay, Percent loss, Percent duplicate)
        throws LiveFaultException {
      throw new LiveFaultException("link faults need txlab's transport; PostgreSQL has none");
    }

    @Override
    public void clock(String node, List<Fault> faults) throws LiveFaultException {
      throw new LiveFaultException("PostgreSQL uses the machine's clock: not applied");
    }

    @Override
    public void armKill(String node, Fault.TxnPhase phase) throws LiveFaultException {
      throw new LiveFaultException("PostgreSQL's commit has no phase txlab can arm a kill for");
    }

    /** Client backends terminated by {@code disconnect-clients}, over the run. */
    final java.util.concurrent.atomic.AtomicLong terminated =
        new java.util.concurrent.atomic.AtomicLong();

    /**
     * {@code pg_terminate_backend} on every client backend but this connection's own: each client's
     * transaction in flight is rolled back by the server (or, caught inside COMMIT, may have
     * committed), and its connection is gone.
     */
    @Override
    public void disconnectClients(String node) throws LiveFaultException {
      server(node);
      if (!pg.running()) {
        throw new LiveFaultException("PostgreSQL is down: no client is connected");
      }
      try (Connection c = pg.connect();
          Statement st = c.createStatement();
          java.sql.ResultSet rs =
              st.executeQuery(
                  "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                      + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
        rs.next();
        terminated.addAndGet(rs.getLong(1));
      } catch (SQLException e) {
        throw new LiveFaultException("pg_terminate_backend failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * The roles a fault line can name, for one PostgreSQL server: it is every shard's leader and the
   * coordinator of every transaction (the primary), while it runs; the scenario's other nodes are
   * names without a process.
   */
  private static final class PrimaryView implements ClusterView {
    private final List<String> nodes;
    private final List<String> shards;
    private final PostgresServer pg;

    PrimaryView(List<String> nodes, int shards, PostgresServer pg) {
      this.nodes = List.copyOf(nodes);
      List<String> names = new ArrayList<>();
      for (int i = 0; i < shards; i++) names.add("shard-" + i);
      this.shards = List.copyOf(names);
      this.pg = pg;
    }

    @Override
    public List<String> nodes() {
      return nodes;
    }

    @Override
    public List<String> shards() {
      return shards;
    }

    @Override
    public java.util.Optional<String> leaderOf(String shard) {
      return shards.contains(shard) && pg.running()
          ? java.util.Optional.of(SERVER)
          : java.util.Optional.empty();
    }

    @Override
    public java.util.Optional<String> coordinator() {
      return pg.running() ? java.util.Optional.of(SERVER) : java.util.Optional.empty();
    }
  }
}
