package dev.txlab.scenarios.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL, started by txlab from the packaged binaries with nothing installed (as root,
 * through an unprivileged user): it serves SQL on loopback, keeps every committed row through a
 * SIGKILL and a restart (crash recovery), and leaves no process behind when closed.
 */
class PostgresServerTest {
  @Test
  void servesSurvivesAKillAndLeavesNothingBehind() throws Exception {
    Path data = PostgresServer.freshDataDir();
    long pid;
    List<ProcessHandle> backends;
    try (PostgresServer pg = PostgresServer.create(data, List.of())) {
      pg.start();
      try (Connection c = pg.connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kv (k bigint PRIMARY KEY, v text)");
        for (int i = 0; i < 100; i++) {
          s.execute("INSERT INTO kv VALUES (" + i + ", 'v" + i + "')");
        }
        try (ResultSet r = s.executeQuery("SHOW server_version")) {
          r.next();
          assertThat(r.getString(1)).startsWith("16.4");
        }
      }
      pg.crash();
      assertThat(pg.running()).isFalse();
      pg.start();
      try (Connection c = pg.connect();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*), max(v) FROM kv")) {
        r.next();
        assertThat(r.getLong(1)).as("every committed row survived the kill").isEqualTo(100);
      }
      pid = pg.pid();
      backends = ProcessHandle.of(pid).orElseThrow().descendants().toList();
      assertThat(backends).as("the server's own processes").isNotEmpty();
    } finally {
      PostgresServer.deleteTree(data.getParent());
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    for (ProcessHandle b : backends) {
      assertThat(b.isAlive()).as("process %d", b.pid()).isFalse();
    }
  }
}
