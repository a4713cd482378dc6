package dev.txlab.scenarios.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * A change-data-capture consumer on a real PostgreSQL: Debezium's embedded engine with its
 * PostgreSQL connector reads one table's changes from the server's write-ahead log through logical
 * decoding ({@code pgoutput}, a replication slot, a publication), and hands each to a {@link Sink}
 * in log order, batch by batch. It is what the migration lab's {@code cdc} strategy models — an
 * initial snapshot as its backfill, then the stream — with the real parts.
 *
 * <p>Delivery is at least once. A change is marked processed only after the sink applied it; the
 * engine stores the offsets of processed changes in a file ({@code offsets.dat}) and confirms their
 * position to the server, which may then drop the log behind it. A consumer that is stopped ({@link
 * #kill}) and started again resumes from its stored offset and its slot: what it had applied but
 * not yet confirmed comes again (a duplicate), nothing is skipped. While it is down, its slot keeps
 * every byte of log written since its last confirmation — the retained WAL the run measures.
 *
 * <p>Debezium and Kafka Connect log through SLF4J to {@code java.util.logging}; their lines go to
 * {@code cdc.log} in the run's directory, not to the terminal.
 */
final class PostgresCdc implements AutoCloseable {
  /** The replication slot and publication it reads through. */
  static final String SLOT = "txlab_cdc";

  static final String PUBLICATION = "txlab_cdc_pub";

  /** One change to one row, as the log carries it. */
  record Change(String key, String value, long lsn, char op, long commitMillis) {
    /** Whether it comes from the initial snapshot (the backfill), not the stream. */
    boolean snapshot() {
      return op == 'r';
    }
  }

  /** Where changes go. */
  interface Sink {
    /**
     * Applies {@code changes} (in log order; a {@code null} value deletes the key), retrying as it
     * must; returns only once every one is applied. A sink may apply changes of different keys in
     * parallel, but each key's changes in their order.
     *
     * @throws InterruptedException when the consumer is stopped first: the batch stays unprocessed
     *     and comes again after a restart
     */
    void apply(List<Change> changes) throws InterruptedException;
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LOGGERS = List.of("io.debezium", "org.apache.kafka");

  private final PostgresServer pg;
  private final String table;
  private final String keyColumn;
  private final String valueColumn;
  private final Path dir;
  private final Sink sink;
  private final Handler log;
  private ExecutorService executor;
  private DebeziumEngine<ChangeEvent<String, String>> engine;
  private volatile boolean stopping;
  private volatile boolean finished;
  private final AtomicReference<String> failure = new AtomicReference<>();
  private int starts;

  /**
   * A consumer of {@code table}'s changes ({@code keyColumn} its primary key, {@code valueColumn}
   * its value), keeping its offsets and log in {@code dir}.
   */
  PostgresCdc(
      PostgresServer pg, String table, String keyColumn, String valueColumn, Path dir, Sink sink)
      throws IOException {
    this.pg = pg;
    this.table = table;
    this.keyColumn = keyColumn;
    this.valueColumn = valueColumn;
    this.dir = dir;
    this.sink = sink;
    this.log = new FileHandler(dir.resolve("cdc.log").toString(), true);
    log.setFormatter(new SimpleFormatter());
    log.setLevel(Level.INFO);
    for (String name : LOGGERS) {
      Logger l = Logger.getLogger(name);
      l.setUseParentHandlers(false);
      l.addHandler(log);
    }
  }

  /** The server settings logical decoding needs. */
  static List<String> serverSettings() {
    return List.of("wal_level=logical", "max_replication_slots=4", "max_wal_senders=4");
  }

  /** Starts the consumer (again, after {@link #kill}): it resumes from its offsets and slot. */
  synchronized void start() {
    if (engine != null) return;
    stopping = false;
    finished = false;
    starts++;
    Properties p = new Properties();
    p.setProperty("name", "txlab-cdc");
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
    p.setProperty("offset.storage.file.filename", dir.resolve("offsets.dat").toString());
    // Offsets of processed changes are stored, and their position confirmed to the slot, this
    // often: the slot holds the log behind the last confirmation.
    p.setProperty("offset.flush.interval.ms", "200");
    p.setProperty("database.hostname", "127.0.0.1");
    p.setProperty("database.port", Integer.toString(pg.port()));
    p.setProperty("database.user", "postgres");
    p.setProperty("database.password", "unused");
    p.setProperty("database.dbname", "postgres");
    p.setProperty("topic.prefix", "txlab");
    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", SLOT);
    p.setProperty("publication.name", PUBLICATION);
    p.setProperty("publication.autocreate.mode", "filtered");
    p.setProperty("table.include.list", "public." + table);
    // The backfill: rows that existed before the slot, read from a snapshot consistent with it.
    p.setProperty("snapshot.mode", "initial");
    p.setProperty("key.converter.schemas.enable", "false");
    p.setProperty("value.converter.schemas.enable", "false");
    p.setProperty("tombstones.on.delete", "false");
    // A server that is down (killed, restarting) is retried, not given up on.
    p.setProperty("errors.max.retries", "-1");
    p.setProperty("errors.retry.delay.initial.ms", "100");
    p.setProperty("errors.retry.delay.max.ms", "1000");
    p.setProperty("status.update.interval.ms", "1000");
    p.setProperty("poll.interval.ms", "50");
    // Small batches: a batch is confirmed only once all of it is applied.
    p.setProperty("max.batch.size", "256");
    engine =
        DebeziumEngine.create(Json.class)
            .using(p)
            .notifying(this::handle)
            .using(
                (success, message, error) -> {
                  finished = true;
                  if (!success && !stopping) {
                    failure.set(message + (error == null ? "" : ": " + error));
                  }
                })
            .build();
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "txlab-cdc-" + starts);
              t.setDaemon(true);
              return t;
            });
    executor.execute(engine);
  }

  /**
   * One batch from the engine: applied as a whole, then marked processed, so the offsets stored
   * (and the position confirmed to the slot) never pass a change that is not yet applied.
   */
  private void handle(
      List<ChangeEvent<String, String>> batch,
      DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
      throws InterruptedException {
    List<Change> changes = new java.util.ArrayList<>(batch.size());
    for (ChangeEvent<String, String> e : batch) {
      Change c = parse(e.value());
      if (c != null) changes.add(c);
    }
    if (stopping) throw new InterruptedException("the consumer is stopping");
    sink.apply(changes);
    for (ChangeEvent<String, String> e : batch) {
      committer.markProcessed(e);
    }
    committer.markBatchFinished();
  }

  /** The change an event carries, or null for one that is not a row change (a heartbeat). */
  Change parse(String value) {
    if (value == null) return null;
    JsonNode v;
    try {
      v = JSON.readTree(value);
    } catch (IOException e) {
      throw new IllegalStateException("Debezium sent a change that is not JSON: " + value, e);
    }
    JsonNode op = v.get("op");
    if (op == null || op.asText().isEmpty()) return null;
    char o = op.asText().charAt(0);
    JsonNode row = o == 'd' ? v.get("before") : v.get("after");
    if (row == null || row.isNull()) return null;
    JsonNode source = v.path("source");
    String key = row.path(keyColumn).asText();
    JsonNode val = row.get(valueColumn);
    return new Change(
        key,
        o == 'd' || val == null || val.isNull() ? null : val.asText(),
        source.path("lsn").asLong(0),
        o,
        source.path("ts_ms").asLong(0));
  }

  /**
   * Stops the consumer between two changes: a change being applied is given up (it was not marked
   * processed), and Debezium stores the offsets of what was processed as it stops. Its slot then
   * holds the log from the last confirmed position until {@link #start} resumes from the stored
   * offset; what was applied but not yet stored comes again.
   */
  synchronized void kill() {
    if (engine == null) return;
    stopping = true;
    // Debezium's engine refuses to stop while its tasks are starting (they would leak): wait.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        engine.close();
        break;
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) {
          failure.compareAndSet(null, "Debezium did not stop within 60 s: " + e.getMessage());
          break;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      } catch (IOException e) {
        failure.compareAndSet(null, "stopping Debezium: " + e.getMessage());
        break;
      }
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    engine = null;
    executor = null;
  }

  /** Whether it runs: started, not killed, and its engine has not stopped by itself. */
  synchronized boolean running() {
    return engine != null && !finished;
  }

  /** Whether it is being stopped: a sink retrying a change gives up (it comes again later). */
  boolean stopping() {
    return stopping;
  }

  /** Why the engine stopped by itself, if it did. */
  String failure() {
    return failure.get();
  }

  /** Stops it and lets go of its log. */
  @Override
  public void close() {
    kill();
    for (String name : LOGGERS) {
      Logger.getLogger(name).removeHandler(log);
    }
    log.close();
  }
}
