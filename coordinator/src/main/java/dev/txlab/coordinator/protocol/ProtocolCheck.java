package dev.txlab.coordinator.protocol;

import java.util.List;

/**
 * A check a protocol performs on its own cluster after a run, beside the checks of the history (a
 * migration's {@code stores-agree}: the old and new stores hold the same rows). The protocol
 * declares its checks' names ({@link Protocol#checks()}) so scenarios can expect them; its
 * simulated cluster returns their verdicts ({@link SimProtocolCluster#protocolChecks()}), which the
 * run pipeline reports with the history's checks in {@code results.json} and the report.
 *
 * @param name the check's name, as {@link Protocol#checks()} declares it
 * @param verdict {@code valid}, {@code invalid} or {@code unknown}
 * @param anomalies the kinds of what was found ({@code divergent-keys}), empty when valid
 * @param summary one line for people
 * @param details what was found, one line each (bounded by the protocol), for the report
 */
public record ProtocolCheck(
    String name, String verdict, List<String> anomalies, String summary, List<String> details) {
  public ProtocolCheck {
    anomalies = List.copyOf(anomalies);
    details = List.copyOf(details);
    if (!List.of("valid", "invalid", "unknown").contains(verdict)) {
      throw new IllegalArgumentException("verdict must be valid|invalid|unknown, not " + verdict);
    }
    if (name == null || name.isEmpty() || summary == null) {
      throw new IllegalArgumentException("a check needs a name and a summary");
    }
  }

  /** A check that holds or not, with what was found when it does not, and no detail lines. */
  public static ProtocolCheck of(
      String name, boolean valid, List<String> anomalies, String summary) {
    return new ProtocolCheck(
        name, valid ? "valid" : "invalid", valid ? List.of() : anomalies, summary, List.of());
  }
}
