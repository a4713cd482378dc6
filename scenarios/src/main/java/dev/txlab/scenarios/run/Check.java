package dev.txlab.scenarios.run;

import dev.txlab.checker.Validity;
import java.util.List;

/**
 * One check's verdict in a run's result: the validity, the anomaly types it found (Elle's names, or
 * ours such as {@code nonlinearizable}, {@code wrong-total}, {@code no-progress-after-heal}), and a
 * one-line summary for people.
 */
public record Check(Validity validity, List<String> anomalyTypes, String summary) {
  public Check {
    anomalyTypes = List.copyOf(anomalyTypes);
  }

  /** A protocol's end-of-run check as a run's verdict. */
  public static Check of(dev.txlab.coordinator.protocol.EndCheck c) {
    Validity v =
        switch (c.verdict()) {
          case "valid" -> Validity.VALID;
          case "invalid" -> Validity.INVALID;
          default -> Validity.UNKNOWN;
        };
    return new Check(v, c.anomalies(), c.summary());
  }
}
