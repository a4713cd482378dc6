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
}
