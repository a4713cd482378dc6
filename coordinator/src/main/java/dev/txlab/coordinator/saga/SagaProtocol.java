package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.LiveAudit;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.coordinator.protocol.Weakening;
import dev.txlab.node.sim.SimConfig;
import java.util.List;
import java.util.Map;

/**
 * Sagas (the {@code saga} plug-in): the order flow — create order, charge, reserve stock, confirm,
 * email — as a sequence of local transactions on four services, each a Raft group, run by an
 * orchestrator whose saga log is itself a Raft group. A step that fails turns the saga around and
 * its compensations run in reverse order. What it promises is atomicity in the end (every saga
 * completes or is compensated) and nothing about isolation: a read between two steps sees the saga
 * half done, and a charge that is later refunded (Elle's G1b, an intermediate read).
 */
public final class SagaProtocol implements Protocol {
  static final List<Knob> KNOBS =
      List.of(
          Knob.choice(
              "style",
              "orchestration",
              List.of("orchestration", "choreography"),
              "who sequences the steps: an orchestrator with a replicated saga log, or no one —"
                  + " services react to events on a replicated event log (at least once; consumer"
                  + " offsets stored with each service's state)"),
          Knob.choice(
              "idempotency",
              "on",
              List.of("on", "off"),
              "services remember each step's outcome by its idempotency key (off: a retried or"
                  + " resumed step takes effect twice)"),
          Knob.choice(
              "countermeasure",
              "none",
              List.of("none", "semantic-lock", "reread"),
              "semantic-lock: a forward step flags its key pending until the saga ends and reads"
                  + " of flagged keys are refused; reread: a compensation re-reads the ledger and"
                  + " undoes only what is there"),
          Knob.choice(
              "pivot-last",
              "on",
              List.of("on", "off"),
              "the irreversible step (the email) runs after the pivot (off: right after the order"
                  + " is created, before the steps that may fail)"));

  @Override
  public String name() {
    return "saga";
  }

  @Override
  public String summary() {
    return "Sagas: the order flow as local transactions on four Raft-replicated services,"
        + " sequenced by an orchestrator with a replicated saga log, compensated in reverse order"
        + " on failure; atomic in the end, not isolated";
  }

  @Override
  public Serves serves() {
    return Serves.TRANSACTIONS;
  }

  @Override
  public List<String> workloads() {
    return List.of("saga");
  }

  @Override
  public List<Knob> knobs() {
    return KNOBS;
  }

  /**
   * None of Elle's models: a saga promises atomicity in the end ({@code saga-terminal}), not
   * isolation.
   */
  @Override
  public List<String> promises() {
    return List.of();
  }

  @Override
  public Map<String, String> disclaims() {
    return Map.of(
        "read-committed",
        "no isolation: each step commits on its own, so a read between steps sees the saga half"
            + " done — a charge before its refund is an intermediate read (G1b); only"
            + " countermeasure: semantic-lock hides it");
  }

  @Override
  public List<Weakening> weakenings() {
    return List.of(
        Weakening.knob(
            "countermeasure",
            List.of("none", "reread"),
            "read-committed",
            "steps commit one by one and nothing flags them pending, so reads see a saga half"
                + " done or before its compensation"));
  }

  /** Its four services are its shards: payments, inventory, orders, notifications. */
  @Override
  public java.util.Optional<String> shardsProblem(int shards) {
    int want = SagaKeys.Service.values().length;
    return shards == want
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            "protocol saga needs shards: "
                + want
                + " (its services payments, inventory, orders, notifications), not "
                + shards);
  }

  @Override
  public List<String> checks() {
    return List.of("saga-terminal", "conserved", "irreversible-effects");
  }

  @Override
  public List<String> metrics() {
    return SagaMetrics.NAMES;
  }

  @Override
  public List<Monitor> monitors() {
    return List.of(
        new Monitor(
            "raft-safety",
            "one leader per term, log matching, leader completeness, state-machine safety"
                + " (the services' groups and the saga log's)"));
  }

  @Override
  public boolean runsLive() {
    return true;
  }

  /**
   * Each node's own counters (a leader counts what it drove; the run reports the largest). The
   * figures of the whole cluster — sagas begun, completed, compensated, in flight, double charges,
   * emails — come from the final state instead ({@link #liveAudit}) and win over these.
   */
  @Override
  public List<String> liveNodeMetrics() {
    return SagaMetrics.NAMES;
  }

  /** The orchestrator's leader (the event log's, under choreography). */
  @Override
  public LiveCoordinator liveCoordinator() {
    return LiveCoordinator.GROUP_LEADER;
  }

  @Override
  public dev.txlab.node.live.LiveNode.Components onLiveHost(
      Map<String, String> settings, dev.txlab.coordinator.protocol.LiveOptions options) {
    return new SagaLiveComponents(settings(settings), options.lanes());
  }

  /** Its three checks, on the saga log and the ledgers the live nodes told. */
  @Override
  public java.util.Optional<LiveAudit> liveAudit(Map<String, Map<String, byte[]>> probes) {
    return java.util.Optional.of(SagaLiveComponents.audit(probes));
  }

  @Override
  public SimProtocolCluster onSimulator(
      Topology topology, Map<String, String> settings, SimConfig sim) {
    return new SagaSimCluster(topology, settings(settings), sim);
  }
}
