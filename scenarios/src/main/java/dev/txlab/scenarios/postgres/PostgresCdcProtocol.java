package dev.txlab.scenarios.postgres;

import dev.txlab.coordinator.protocol.Knob;
import java.util.List;

/**
 * The migration lab's {@code cdc} strategy with the real parts: an application reads and writes
 * single keys in a real PostgreSQL (the old store, {@code old} in fault lines); Debezium's embedded
 * engine ({@code cdc}) reads the table's changes from PostgreSQL's write-ahead log through logical
 * decoding — its initial snapshot is the backfill — and applies them to a live txlab {@code
 * raft-kv} cluster ({@code n1…nN}, the new store). After the run the stores are compared key by key
 * ({@code stores-agree}); meanwhile the replication slot's retained WAL is sampled, so a consumer
 * that is down shows what it costs the old store. Live only: every part is real.
 */
public final class PostgresCdcProtocol extends RealServerProtocol {
  /** The old store's server in fault lines. */
  static final String OLD = "old";

  /** The CDC consumer in fault lines. */
  static final String CDC = "cdc";

  @Override
  public String name() {
    return "postgres-cdc";
  }

  @Override
  public String summary() {
    return "change data capture for real: a PostgreSQL "
        + PostgresServer.VERSION
        + " table streamed by Debezium's embedded engine (logical decoding) into a live raft-kv"
        + " cluster, with the slot's retained WAL measured";
  }

  @Override
  public Serves serves() {
    return Serves.SINGLE_KEY;
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        Knob.choice(
            "legacy-rows",
            "200",
            List.of("0", "200", "2000"),
            "rows in the old table before the consumer first starts, which it copies by its"
                + " initial snapshot (the backfill)"));
  }

  /** What the application sees: one PostgreSQL at serializable. */
  @Override
  public List<String> promises() {
    return List.of("linearizable");
  }

  @Override
  public List<String> checks() {
    return List.of("stores-agree");
  }

  @Override
  public List<String> auxiliaryNodes() {
    return List.of(OLD, CDC);
  }

  @Override
  public List<String> metrics() {
    return List.of(
        "retained_wal_bytes_max",
        "cdc_lag_ms_p99",
        "changes_applied",
        "backfill_rows",
        "duplicates_applied",
        "changes_reordered",
        "divergent_keys",
        "cdc_restarts");
  }

  @Override
  String notSimulated() {
    return "postgres-cdc streams a real PostgreSQL into a live cluster, not on the simulator (the simulated lab is protocol migration with strategy cdc)";
  }
}
