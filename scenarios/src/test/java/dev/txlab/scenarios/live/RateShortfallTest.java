package dev.txlab.scenarios.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A live run that did not reach 90 % of its requested rate says so (issue 12). */
class RateShortfallTest {
  private static LiveWorkload.Result result(double txns, double seconds) {
    return new LiveWorkload.Result(
        null, Map.of(), null, new TreeMap<>(Map.of("txns", txns)), List.of(), 0, seconds, 0);
  }

  @Test
  void aRateBelowNinetyPercentIsNamed() {
    assertThat(LiveScenarioRun.rateShortfall("txns", result(50, 10), 40))
        .hasValueSatisfying(
            n -> assertThat(n).contains("reached 5.0 txns/s of the 40 requested (13%)"));
  }

  @Test
  void aRateThatWasReachedIsNotMentioned() {
    assertThat(LiveScenarioRun.rateShortfall("txns", result(380, 10), 40)).isEmpty();
  }
}
