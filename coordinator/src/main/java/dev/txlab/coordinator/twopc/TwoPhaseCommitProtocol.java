package dev.txlab.coordinator.twopc;

import dev.txlab.coordinator.cluster.TwoPhaseCommit;
import dev.txlab.coordinator.cluster.TxnSimProtocolCluster;
import dev.txlab.coordinator.live.TxnComponents;
import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.LiveOptions;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.coordinator.protocol.Weakening;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.node.live.LiveNode;
import dev.txlab.node.sim.SimConfig;
import java.util.List;
import java.util.Map;

/**
 * The plug-in shape of the two 2PC protocols ({@code spanner}, {@code classic}): the same processes
 * on both hosts, the same knobs, metrics, monitors and promise; they differ only in their knobs'
 * defaults ({@link #defaults()}), their names and where a live cluster's coordinator runs.
 */
public abstract class TwoPhaseCommitProtocol implements Protocol {
  /** The knobs' defaults, which make this protocol what it is. */
  protected abstract TxnKnobs defaults();

  @Override
  public final Serves serves() {
    return Serves.TRANSACTIONS;
  }

  @Override
  public final List<Knob> knobs() {
    return defaults().declared();
  }

  @Override
  public final List<String> promises() {
    return List.of("strict-serializable");
  }

  /** TrueTime's bound and commit wait carry strictness; staleness gives it up on purpose. */
  static final List<Weakening> WEAKENINGS =
      List.of(
          Weakening.knob(
              "commit-wait",
              List.of("off"),
              "strict-serializable",
              "a coordinator announces a commit before its timestamp has surely passed, so a"
                  + " transaction that starts after it finished can be given an earlier timestamp"),
          Weakening.knob(
              "staleness",
              List.of(">0"),
              "strict-serializable",
              "read-only transactions read a snapshot this far in the past, so they can miss"
                  + " commits that finished before they began"),
          Weakening.faults(
              List.of("truetime-violation", "clock-skew", "clock-drift", "clock-strobe"),
              "strict-serializable",
              "a clock outside TrueTime's ε makes its interval miss true time, and commit wait"
                  + " then waits out the wrong interval"));

  @Override
  public final List<Weakening> weakenings() {
    return WEAKENINGS;
  }

  @Override
  public final List<String> metrics() {
    return TwoPhaseCommit.METRICS;
  }

  @Override
  public final List<Monitor> monitors() {
    return TwoPhaseCommit.MONITORS;
  }

  @Override
  public final SimProtocolCluster onSimulator(
      Topology topology, Map<String, String> settings, SimConfig sim) {
    return new TxnSimProtocolCluster(topology, settings(settings), sim);
  }

  @Override
  public final boolean runsLive() {
    return true;
  }

  @Override
  public final List<String> liveNodeMetrics() {
    return TwoPhaseCommit.LIVE_NODE_METRICS;
  }

  @Override
  public final LiveNode.Components onLiveHost(Map<String, String> settings, LiveOptions options) {
    return new TxnComponents(
        name(), TxnKnobs.of(settings(settings)), options.lanes(), options.tickNanos());
  }
}
