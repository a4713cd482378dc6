package dev.txlab.scenarios.postgres;

import dev.txlab.coordinator.protocol.Knob;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL, the database most teams run, as a target the same workloads and checker judge: a real
 * server ({@link PostgresServer}) that the live host drives over JDBC ({@link PostgresTarget}), at
 * the isolation level the knob names. Not simulated: it runs on the live host only, and every run
 * is real time.
 */
public final class PostgresProtocol extends RealServerProtocol {
  static final List<Knob> KNOBS =
      List.of(
          Knob.choice(
              "isolation",
              "serializable",
              List.of("serializable", "repeatable-read", "read-committed"),
              "the transaction isolation level every client asks for (PostgreSQL's SERIALIZABLE is"
                  + " serializable snapshot isolation; REPEATABLE READ is snapshot isolation)"));

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public List<String> aliases() {
    return List.of("postgresql");
  }

  @Override
  public String summary() {
    return "a real PostgreSQL "
        + PostgresServer.VERSION
        + " server that txlab starts itself, driven over JDBC at a chosen isolation level";
  }

  @Override
  public Serves serves() {
    return Serves.TRANSACTIONS;
  }

  @Override
  public List<Knob> knobs() {
    return KNOBS;
  }

  @Override
  public List<String> promises() {
    return List.of("serializable");
  }

  @Override
  public Map<String, String> disclaims() {
    return Map.of(
        "strict-serializable",
        "PostgreSQL documents serializable, not strict serializability; with isolation"
            + " repeatable-read it promises snapshot isolation, and with read-committed less");
  }

  @Override
  public List<String> metrics() {
    return List.of(
        "serialization_failures", "deadlocks_detected", "connection_errors", "backends_terminated");
  }

  @Override
  String notSimulated() {
    return "postgres runs against a real PostgreSQL server, not on the simulator";
  }
}
