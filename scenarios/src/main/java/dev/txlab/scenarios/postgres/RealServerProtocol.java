package dev.txlab.scenarios.postgres;

import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.node.sim.SimConfig;
import java.util.List;
import java.util.Map;

/**
 * A protocol that is a real server txlab starts and drives on the live host, never simulated: it
 * has no simulated cluster and so no monitors, and what it measures it measures during the run
 * itself, so every metric it declares is measured live.
 */
abstract class RealServerProtocol implements Protocol {
  /** Why it is not simulated and where it runs instead, for the refusal's message. */
  abstract String notSimulated();

  @Override
  public final List<String> liveNodeMetrics() {
    return metrics();
  }

  @Override
  public final List<Monitor> monitors() {
    return List.of();
  }

  @Override
  public final boolean runsOnSimulator() {
    return false;
  }

  @Override
  public final SimProtocolCluster onSimulator(
      Topology topology, Map<String, String> settings, SimConfig sim) {
    throw new UnsupportedOperationException(
        notSimulated() + ": run it on the live host (txlab run SCENARIO --host live)");
  }
}
