package dev.txlab.coordinator.protocol;

import java.util.List;
import java.util.Map;

/**
 * What a protocol finds in a live cluster's state when a run ends ({@link Protocol#liveAudit}): its
 * own checks, as the simulated cluster returns them ({@link SimProtocolCluster#protocolChecks}),
 * and the metrics that state shows (figures of the whole cluster, which win over the nodes' own
 * counters of the same name).
 */
public record LiveAudit(List<ProtocolCheck> checks, Map<String, Double> metrics) {
  public LiveAudit {
    checks = List.copyOf(checks);
    metrics = Map.copyOf(metrics);
  }

  /** Whether every check holds (a run waits for this, up to a bound, before it reports). */
  public boolean allValid() {
    return checks.stream().allMatch(c -> c.verdict().equals("valid"));
  }
}
