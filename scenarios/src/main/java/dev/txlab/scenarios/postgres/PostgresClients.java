package dev.txlab.scenarios.postgres;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.scenarios.live.LiveCluster;
import dev.txlab.scenarios.live.LiveNemesis;
import dev.txlab.scenarios.live.LiveScenarioRun;
import dev.txlab.scenarios.live.LiveWorkload;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.workload.RegisterDriver;
import dev.txlab.scenarios.workload.TxnDriver;
import dev.txlab.scenarios.workload.WorkloadDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The clients of one run against a real PostgreSQL, carrying the run's one workload over JDBC at an
 * isolation level, each operation one database transaction on {@code table(k bigint primary key, v
 * text)}.
 *
 * <ul>
 *   <li>A transaction's append is one {@code INSERT … ON CONFLICT DO UPDATE} concatenating the
 *       element (atomic in the row), a write replaces the value, a read selects it.
 *   <li>A register's read selects the row, its write upserts it, its compare-and-set is {@code
 *       UPDATE … WHERE v = expected}: no row updated is a failed cas, definitely not applied.
 * </ul>
 *
 * <p>A serialization failure or a deadlock is {@code :fail} (PostgreSQL rolled the transaction
 * back); a connection lost before {@code COMMIT} was sent is {@code :fail} too (the server rolls
 * back an open transaction whose client is gone); one lost during the commit is {@code :info}: it
 * may have committed.
 */
final class PostgresClients {
  private final Scenario scenario;
  private final PostgresServer pg;
  private final String table;
  private final int level;
  private final LiveWorkload.Spec spec;
  private final WorkloadDriver driver;
  private final Object lock = new Object();
  private final Histogram latencyMicros = new Histogram(60_000_000L, 3);
  private final List<Thread> threads = new ArrayList<>();
  final AtomicLong serializationFailures = new AtomicLong();
  final AtomicLong deadlocks = new AtomicLong();
  final AtomicLong connectionErrors = new AtomicLong();
  private volatile boolean stopping;
  private long startNanos;
  long startWallNanos;
  private long stopNanos;

  /**
   * @param shards the shard map the workload's keys are chosen for (its register keys spread over
   *     these shards; one shard for a transactional workload)
   */
  PostgresClients(Scenario s, PostgresServer pg, String isolation, String table, ShardMap shards) {
    this.scenario = s;
    this.pg = pg;
    this.table = table;
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
        WorkloadDriver.create(spec.driverSpec(), shards, 0, this::elapsedNanos, clientIds);
  }

  /** One shard on one server: where a transactional workload's keys are chosen. */
  static ShardMap oneServer(String server) {
    return new ShardMap(List.of(NodeId.of(server)), 1, 1);
  }

  long elapsedNanos() {
    return System.nanoTime() - startNanos;
  }

  /** The completions so far, by outcome. */
  WorkloadDriver.Tally tally() {
    synchronized (lock) {
      return driver.tally();
    }
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

  /** What one operation came to: its outcome, its result, why, and whether to reconnect. */
  private record Done<R>(Outcome outcome, R result, String cause, boolean dropConnection) {}

  /** One kind of operation: how it is drawn, recorded, and run as one database transaction. */
  private interface Kind<O, R> {
    O next(int index, RandomSource random);

    void invoked(String client, long seq, O op);

    void completed(String client, long seq, O op, Done<R> done);

    R run(Connection c, O op) throws SQLException, CasFailed;
  }

  /** A compare-and-set that found another value: definitely not applied. */
  private static final class CasFailed extends Exception {
    final String found;

    CasFailed(String found) {
      super(null, null, false, false);
      this.found = found;
    }
  }

  private void clientLoop(int index) {
    driver.match(
        r -> {
          loop(index, registers(r));
          return null;
        },
        t -> {
          loop(index, transactions(t));
          return null;
        });
  }

  private Kind<KvOp, String> registers(RegisterDriver d) {
    return new Kind<>() {
      @Override
      public KvOp next(int index, RandomSource random) {
        return d.operations().next(random);
      }

      @Override
      public void invoked(String client, long seq, KvOp op) {
        d.observer().invoked(client, seq, op);
      }

      @Override
      public void completed(String client, long seq, KvOp op, Done<String> done) {
        d.observer().completed(client, seq, op, done.outcome(), done.result());
      }

      @Override
      public String run(Connection c, KvOp op) throws SQLException, CasFailed {
        return register(c, op);
      }
    };
  }

  private Kind<List<MicroOp>, List<MicroOp>> transactions(TxnDriver d) {
    return new Kind<>() {
      @Override
      public List<MicroOp> next(int index, RandomSource random) {
        return d.operations(index).next(random);
      }

      @Override
      public void invoked(String client, long seq, List<MicroOp> ops) {
        d.observer().invoked(client, seq, ops);
      }

      @Override
      public void completed(String client, long seq, List<MicroOp> ops, Done<List<MicroOp>> done) {
        d.observer()
            .completed(
                client,
                seq,
                done.result() == null ? ops : done.result(),
                done.outcome(),
                done.cause());
      }

      @Override
      public List<MicroOp> run(Connection c, List<MicroOp> ops) throws SQLException {
        List<MicroOp> out = new ArrayList<>(ops.size());
        for (MicroOp m : ops) {
          out.add(apply(c, m));
        }
        return out;
      }
    };
  }

  private <O, R> void loop(int index, Kind<O, R> kind) {
    String client = "c" + (index + 1);
    RandomSource random = new RandomSource(index * 7919L + 1);
    LiveWorkload.Pacer pacer = new LiveWorkload.Pacer(spec, index, startNanos);
    long seq = 0;
    Connection c = null;
    Executor direct = Runnable::run;
    while (pacer.awaitTurn(() -> stopping)) {
      O op;
      long s = ++seq;
      synchronized (lock) {
        op = kind.next(index, random);
        if (op == null) return;
        kind.invoked(client, s, op);
      }
      long t0 = System.nanoTime();
      Done<R> done;
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
        done = new Done<>(Outcome.FAIL, null, "connection-refused", true);
      } else {
        done = execute(c, kind, op);
      }
      if (done.dropConnection()) {
        closeQuietly(c);
        c = null;
      }
      synchronized (lock) {
        kind.completed(client, s, op, done);
        if (done.outcome() == Outcome.OK) {
          latencyMicros.recordValue(
              Math.min(latencyMicros.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
        }
      }
      if (done.cause() != null && done.cause().startsWith("connection")) {
        LiveCluster.sleep(50); // the server is down or restarting: do not spin
      }
    }
    closeQuietly(c);
  }

  /** One database transaction: the operation, then the commit. */
  private <O, R> Done<R> execute(Connection c, Kind<O, R> kind, O op) {
    R out;
    try {
      out = kind.run(c, op);
    } catch (CasFailed e) {
      rollbackQuietly(c);
      @SuppressWarnings("unchecked")
      R found = (R) e.found;
      return new Done<>(Outcome.FAIL, found, "cas-failed", false);
    } catch (SQLException e) {
      return failed(c, e, false);
    }
    try {
      c.commit();
      return new Done<>(Outcome.OK, out, null, false);
    } catch (SQLException e) {
      return failed(c, e, true);
    }
  }

  private <R> Done<R> failed(Connection c, SQLException e, boolean committing) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("40001")) {
      serializationFailures.incrementAndGet();
      rollbackQuietly(c);
      return new Done<>(Outcome.FAIL, null, "serialization-failure", false);
    }
    if (state.equals("40P01")) {
      deadlocks.incrementAndGet();
      rollbackQuietly(c);
      return new Done<>(Outcome.FAIL, null, "deadlock-detected", false);
    }
    boolean connection = state.startsWith("08") || state.startsWith("57P") || state.isEmpty();
    if (connection) {
      connectionErrors.incrementAndGet();
      // Before COMMIT was sent the server rolls an orphaned transaction back; during it, the
      // commit may or may not have happened.
      return new Done<>(
          committing ? Outcome.INFO : Outcome.FAIL,
          null,
          committing ? "connection-lost-during-commit" : "connection-lost",
          true);
    }
    rollbackQuietly(c);
    return new Done<>(Outcome.FAIL, null, "sql-error-" + state, false);
  }

  /** A register operation's statement; returns what a read read or a write wrote. */
  private String register(Connection c, KvOp op) throws SQLException, CasFailed {
    long key = Long.parseLong(op.key());
    if (op instanceof KvOp.Put) {
      String value = ((KvOp.Put) op).value();
      upsert(c, key, value, false);
      return value;
    }
    if (op instanceof KvOp.Cas) {
      KvOp.Cas cas = (KvOp.Cas) op;
      try (PreparedStatement p =
          c.prepareStatement(
              "UPDATE " + table + " SET v = ? WHERE k = ? AND v IS NOT DISTINCT FROM ?")) {
        p.setString(1, cas.value());
        p.setLong(2, key);
        p.setString(3, cas.expected());
        if (p.executeUpdate() == 0) {
          throw new CasFailed(select(c, key));
        }
      }
      return cas.value();
    }
    return select(c, key);
  }

  private MicroOp apply(Connection c, MicroOp m) throws SQLException {
    long key = Long.parseLong(m.key());
    switch (m.kind()) {
      case APPEND:
        upsert(c, key, m.value(), true);
        return m;
      case WRITE:
        upsert(c, key, m.value(), false);
        return m;
      default:
        String v = select(c, key);
        if (m.kind() == MicroOp.Kind.READ_LIST) {
          return m.withValue(v == null ? "" : v);
        }
        return m.withValue(v);
    }
  }

  private void upsert(Connection c, long key, String value, boolean append) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO "
                + table
                + " (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = "
                + (append ? table + ".v || ' ' || EXCLUDED.v" : "EXCLUDED.v"))) {
      p.setLong(1, key);
      p.setString(2, value);
      p.executeUpdate();
    }
  }

  private String select(Connection c, long key) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT v FROM " + table + " WHERE k = ?")) {
      p.setLong(1, key);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getString(1) : null;
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
