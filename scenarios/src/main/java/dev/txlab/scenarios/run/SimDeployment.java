package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.sim.SimNemesis;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.sim.Simulator;
import dev.txlab.scenarios.workload.WorkloadDriver;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The simulator host's adapter for one run: the protocol's cluster built on a {@link Simulator}, as
 * the run pipeline ({@link SimRun}) drives it. Everything host- or protocol-specific the pipeline
 * needs — how clients are added, which processes the nemesis can aim at, which metrics and monitors
 * the protocol has — is behind this interface; the pipeline itself is the same for every workload.
 */
interface SimDeployment {
  /** The simulated world the cluster lives in. */
  Simulator sim();

  /** The server nodes {@code n1…nN}, in order. */
  List<NodeId> serverNodes();

  /** The cluster as the nemesis sees it. */
  SimNemesis.Target target();

  /**
   * Adds the workload's clients, one per id in {@code clientIds} (addresses {@code cN/client}, in
   * order), driven by one {@link WorkloadDriver} that records them into one history.
   */
  WorkloadDriver addClients(Scenario.WorkloadSpec workload, List<String> clientIds);

  /**
   * Calls {@code hook} with the phase and the coordinator's address whenever a coordinator reaches
   * a phase a phase-triggered kill can aim at ({@code kill coordinator after prepare|decide}); a
   * protocol without such phases never calls it.
   */
  void onCoordinatorPhase(BiConsumer<Fault.TxnPhase, Address> hook);

  /**
   * How long after the workload stops the run goes on, so every client's last operation completes
   * or times out.
   */
  long settleNanos(Scenario.WorkloadSpec workload);

  /** The protocol's own metrics and its monitors' counts, read once the run has ended. */
  Map<String, Double> metrics();

  /** The protocol's distributions (in nanoseconds), read once the run has ended. */
  Map<String, long[]> distributions();

  /**
   * The protocol's stories of the transactions that waited longest, read once the run has ended.
   */
  List<dev.txlab.coordinator.protocol.WaitStory> waitStories();

  /** The protocol's own checks of its cluster after the run ({@code stores-agree}). */
  default List<dev.txlab.coordinator.protocol.ProtocolCheck> protocolChecks() {
    return List.of();
  }

  /** What the protocol found, by heading, one line each. */
  default Map<String, List<String>> findings() {
    return Map.of();
  }

  /** Quantities the protocol measured over time, for the plots. */
  default List<dev.txlab.coordinator.protocol.TimeSeries> timeSeries() {
    return List.of();
  }

  /** Raft safety violations its monitors found. */
  List<String> raftViolations();
}
