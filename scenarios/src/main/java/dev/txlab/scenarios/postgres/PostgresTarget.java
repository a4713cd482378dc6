package dev.txlab.scenarios.postgres;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.Percent;
import dev.txlab.chaos.live.LiveControl;
import dev.txlab.chaos.live.LiveFaultException;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.scenarios.live.LiveCluster;
import dev.txlab.scenarios.live.LiveException;
import dev.txlab.scenarios.live.LiveScenarioRun;
import dev.txlab.scenarios.live.LiveTarget;
import dev.txlab.scenarios.live.LiveWorkload;
import dev.txlab.scenarios.run.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

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
      PostgresClients run =
          new PostgresClients(s, pg, isolation, "txlab", PostgresClients.oneServer(SERVER));
      List<String> nodes = new ArrayList<>();
      for (int i = 1; i <= s.nodes(); i++) nodes.add("n" + i);
      ClusterView view = new PrimaryView(nodes, s.shards(), pg);
      List<FaultEvent> plan = LiveScenarioRun.plan(s, view, seed);
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
