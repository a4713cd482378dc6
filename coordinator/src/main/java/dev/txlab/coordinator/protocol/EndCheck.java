package dev.txlab.coordinator.protocol;

import java.util.List;

/**
 * A check a protocol's cluster makes of its own state once a run has ended (every saga over, money
 * and stock conserved, …): application-level invariants the history alone cannot show. The run
 * pipeline reports it beside the history's checks, under {@code name}, in {@code results.json} and
 * the report; a protocol declares the names it reports in {@link Protocol#endChecks}.
 *
 * @param verdict {@code valid}, {@code invalid} or {@code unknown}
 * @param anomalies what was found, by name (empty when valid)
 * @param summary one line for people
 */
public record EndCheck(String name, String verdict, List<String> anomalies, String summary) {
  public EndCheck {
    anomalies = List.copyOf(anomalies);
    if (!List.of("valid", "invalid", "unknown").contains(verdict))
      throw new IllegalArgumentException("verdict must be valid|invalid|unknown: " + verdict);
  }

  public static EndCheck of(String name, boolean valid, List<String> anomalies, String summary) {
    return new EndCheck(name, valid ? "valid" : "invalid", valid ? List.of() : anomalies, summary);
  }
}
