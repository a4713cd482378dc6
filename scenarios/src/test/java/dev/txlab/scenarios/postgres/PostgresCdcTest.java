package dev.txlab.scenarios.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Debezium's embedded engine on a real PostgreSQL: the rows that existed before it started come as
 * its snapshot (the backfill), later inserts, updates and deletes as the stream in log order; a
 * consumer killed and started again resumes from its offsets and slot and misses nothing, and while
 * it is down its slot retains the log written since its last confirmation.
 */
class PostgresCdcTest {
  @Test
  void backfillsStreamsAndResumesAfterAKillWithTheLogRetainedMeanwhile() throws Exception {
    Path data = PostgresServer.freshDataDir();
    Path dir = Files.createTempDirectory("txlab-cdc-test");
    Map<String, String> copy = new ConcurrentHashMap<>();
    List<PostgresCdc.Change> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    try (PostgresServer pg = PostgresServer.create(data, PostgresCdc.serverSettings())) {
      pg.start();
      try (Connection c = pg.connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kv (k bigint PRIMARY KEY, v text)");
        for (int i = 0; i < 5; i++)
          s.execute("INSERT INTO kv VALUES (" + i + ", 'before" + i + "')");
      }
      PostgresCdc.Sink sink =
          changes -> {
            for (PostgresCdc.Change ch : changes) {
              seen.add(ch);
              if (ch.value() == null) copy.remove(ch.key());
              else copy.put(ch.key(), ch.value());
            }
          };
      try (PostgresCdc cdc = new PostgresCdc(pg, "kv", "k", "v", dir, sink)) {
        cdc.start();
        await(() -> copy.size() == 5, cdc);
        assertThat(seen).allMatch(PostgresCdc.Change::snapshot);
        try (Connection c = pg.connect();
            Statement s = c.createStatement()) {
          s.execute("UPDATE kv SET v = 'after1' WHERE k = 1");
          s.execute("DELETE FROM kv WHERE k = 2");
          s.execute("INSERT INTO kv VALUES (9, 'new9')");
        }
        await(() -> rows(pg).equals(new TreeMap<>(copy)), cdc);

        cdc.kill();
        long retainedBefore = retained(pg);
        try (Connection c = pg.connect();
            Statement s = c.createStatement()) {
          for (int i = 0; i < 200; i++) s.execute("UPDATE kv SET v = 'down" + i + "' WHERE k = 3");
        }
        assertThat(retained(pg))
            .as("the slot holds the log written while its consumer is down")
            .isGreaterThan(retainedBefore + 200 * 50);
        assertThat(copy.get("3")).isEqualTo("before3");

        cdc.start();
        await(() -> rows(pg).equals(new TreeMap<>(copy)), cdc);
        assertThat(copy.get("3")).isEqualTo("down199");
        // Log order per key: the 200 updates of key 3 arrive in the order they committed.
        List<String> k3 = new ArrayList<>();
        synchronized (seen) {
          for (PostgresCdc.Change ch : seen)
            if (ch.key().equals("3") && !ch.snapshot()) k3.add(ch.value());
        }
        for (int i = 1; i < k3.size(); i++) {
          int prev = Integer.parseInt(k3.get(i - 1).substring(4));
          int cur = Integer.parseInt(k3.get(i).substring(4));
          assertThat(cur).as("key 3's updates, each once, in commit order").isEqualTo(prev + 1);
        }
        // Confirmed: the slot's confirmed position reaches the end of the changes again (the log
        // behind it is released when the server next records its running transactions).
        await(() -> slot(pg, "confirmed_flush_lsn") < 200 * 50, cdc);
      }
    } finally {
      PostgresServer.deleteTree(data.getParent());
      PostgresServer.deleteTree(dir);
    }
  }

  private static Map<String, String> rows(PostgresServer pg) {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT k, v FROM kv")) {
      while (r.next()) out.put(Long.toString(r.getLong(1)), r.getString(2));
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static long retained(PostgresServer pg) {
    return slot(pg, "restart_lsn");
  }

  /** Bytes of log from the slot's {@code column} to the end. */
  private static long slot(PostgresServer pg, String column) {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), "
                    + column
                    + ") FROM"
                    + " pg_replication_slots WHERE slot_name = '"
                    + PostgresCdc.SLOT
                    + "'")) {
      return r.next() ? r.getLong(1) : -1;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(BooleanSupplier done, PostgresCdc cdc) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!done.getAsBoolean()) {
      assertThat(cdc.failure()).as("Debezium's engine failed").isNull();
      assertThat(System.nanoTime()).as("waited a minute").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
