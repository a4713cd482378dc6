package dev.txlab.coordinator.toy;

import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.node.sim.SimConfig;
import java.util.List;
import java.util.Map;

/**
 * A toy protocol that proves the plug-in shape: a store with no coordination at all. Each shard is
 * one unreplicated process that applies whatever part of a transaction reaches it, at once, and
 * answers; the client calls a transaction done when every shard it touched has answered. Nothing
 * makes the parts atomic or isolated, so concurrent transactions see each other's halves — the
 * checker must find the history not serializable.
 *
 * <p>Added by this package and one line in {@code META-INF/services} of the test tree: nothing in
 * the pipeline, the reader, the report or the command line changes for it.
 */
public final class NoCoordinationProtocol implements Protocol {
  @Override
  public String name() {
    return "no-coordination";
  }

  @Override
  public String summary() {
    return "a toy: each shard applies its part of a transaction at once, nothing coordinates the parts";
  }

  @Override
  public Serves serves() {
    return Serves.TRANSACTIONS;
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        Knob.duration(
            "bug-at",
            "0ms",
            "from this simulated time on a shard fails an internal check, as a txlab bug would"
                + " (0ms: never; for testing what a crashed run leaves)"),
        Knob.duration(
            "apply-delay",
            "0ms",
            "each shard holds a request this long before applying it (a wider window for interleavings)"));
  }

  @Override
  public List<String> promises() {
    return List.of();
  }

  @Override
  public List<String> metrics() {
    return List.of("toy_parts_applied");
  }

  @Override
  public List<Monitor> monitors() {
    return List.of();
  }

  @Override
  public SimProtocolCluster onSimulator(
      Topology topology, Map<String, String> settings, SimConfig sim) {
    return new ToyCluster(topology, settings(settings), sim);
  }

  @Override
  public List<String> liveNodeMetrics() {
    return List.of("toy_parts_applied");
  }

  @Override
  public boolean runsLive() {
    return true;
  }

  @Override
  public dev.txlab.node.live.LiveNode.Components onLiveHost(
      Map<String, String> settings, dev.txlab.coordinator.protocol.LiveOptions options) {
    String delay = settings(settings).get("apply-delay");
    long nanos =
        Long.parseLong(delay.replaceAll("[^0-9]", ""))
            * (delay.endsWith("ms") ? 1_000_000L : 1_000_000_000L);
    return new ToyLiveComponents(nanos, options.lanes());
  }
}
