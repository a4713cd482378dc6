package dev.txlab.coordinator.migration;

import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.coordinator.protocol.Weakening;
import dev.txlab.node.sim.SimConfig;
import java.util.List;
import java.util.Map;

/**
 * The migration lab: an application keeps reading and writing single keys through its router while
 * its data moves from an old single-node store with a write-ahead log ({@link OldStore}) to the
 * sharded Raft cluster, by dual writes, an outbox, or change data capture with a DBLog-style
 * backfill ({@link ChangeConsumer}), range by range in strangler-fig phases ({@link Router}) that
 * the schedule steps and rolls back ({@code phase 2}, {@code rollback phase 2}). The history of
 * what the application saw is checked for linearizability per key; the stores are compared key by
 * key after the run ({@code stores-agree}).
 */
public final class MigrationProtocol implements Protocol {
  @Override
  public String name() {
    return "migration";
  }

  @Override
  public String summary() {
    return "an application's data moving from an old WAL store to the Raft cluster: dual-write,"
        + " outbox or CDC with backfill, shadow reads, strangler-fig phases";
  }

  @Override
  public Serves serves() {
    return Serves.SINGLE_KEY;
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        Knob.choice(
            "strategy",
            "cdc",
            List.of("dual-write", "outbox", "cdc"),
            "how writes reach the new store: the application writes both (unordered), an outbox"
                + " relay, or a CDC consumer on the old store's log"),
        Knob.choice(
            "shadow-reads",
            "0%",
            List.of("0%", "1%", "10%", "50%", "100%"),
            "the share of old-store reads also read from the new store and compared (answers"
                + " always come from the serving store)"),
        Knob.choice(
            "cutover",
            "drain",
            List.of("drain", "no-drain"),
            "a phase step blocks the range's writes until none is in flight and CDC lag is zero,"
                + " or switches at once (stale reads from the new store)"),
        Knob.choice(
            "backfill-bug",
            "none",
            List.of("none", "skip-updates"),
            "plant a backfill bug: chunks read from the snapshot the backfill began at, written"
                + " over the updates applied since"),
        Knob.choice(
            "old-disk-cap",
            "16MiB",
            List.of("16KiB", "32KiB", "64KiB", "1MiB", "16MiB"),
            "what the old store may retain for the migration (slot-held log, outbox) before it"
                + " refuses writes"));
  }

  @Override
  public List<String> promises() {
    return List.of("linearizable");
  }

  @Override
  public List<String> checks() {
    return List.of("stores-agree");
  }

  @Override
  public int phases() {
    return MigrationSimCluster.RANGES;
  }

  @Override
  public List<String> auxiliaryNodes() {
    return List.of(
        MigrationSimCluster.OLD.toString(),
        MigrationSimCluster.CDC.toString(),
        MigrationSimCluster.APP.toString());
  }

  @Override
  public List<Weakening> weakenings() {
    return List.of(
        Weakening.knob(
            "cutover",
            List.of("no-drain"),
            "linearizable",
            "the new store serves a range before the consumer has applied its last writes there,"
                + " so a read can miss a write that was already acknowledged"),
        Weakening.knob(
            "strategy",
            List.of("dual-write"),
            "stores-agree",
            "two writers' second legs reach the new store in either order, and a crash between the"
                + " legs loses one"),
        Weakening.knob(
            "backfill-bug",
            List.of("skip-updates"),
            "stores-agree",
            "the backfill writes rows read before updates the stream has already applied"));
  }

  @Override
  public List<String> metrics() {
    return List.of(
        "cdc_lag_ms_p99",
        "retained_log_bytes_max",
        "old_store_write_refusals",
        "shadow_mismatches",
        "shadow_reads_compared",
        "divergent_keys",
        "backfill_rows",
        "duplicates_applied",
        "changes_applied",
        "changes_reordered",
        "phase_switches");
  }

  @Override
  public List<Monitor> monitors() {
    return List.of(
        new Monitor(
            "raft-safety",
            "the new store's Raft groups: one leader per term, log matching, leader completeness,"
                + " state-machine safety"),
        new Monitor(
            "stream-order",
            "no change of a key is applied to the new store for the first time after a later"
                + " change of the same key"));
  }

  @Override
  public SimProtocolCluster onSimulator(
      Topology topology, Map<String, String> settings, SimConfig sim) {
    return new MigrationSimCluster(topology, settings(settings), sim);
  }
}
