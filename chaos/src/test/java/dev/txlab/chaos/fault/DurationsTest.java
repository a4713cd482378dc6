package dev.txlab.chaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Durations and percentages: canonical printing, exact round trips, refusals. */
class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "40ms, 40000000",
    "1.5s, 1500000000",
    "250us, 250000",
    "2m, 120000000000",
    "90s, 90000000000",
    "1h, 3600000000000",
    "7ns, 7",
    "0s, 0",
    "1.001s, 1001000000",
    "1000.5ms, 1000500000",
    "1.25ms, 1250000"
  })
  void canonicalTextsAndTheirValues(String text, long nanos) throws FaultSyntaxException {
    assertThat(Durations.parse(text)).isEqualTo(nanos);
    assertThat(Durations.text(nanos)).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({
    "1500ms, 1.5s",
    "60s, 1m",
    "0ms, 0s",
    "1000us, 1ms",
    "2min, 2m",
    "250µs, 250us",
    "0.5s, 500ms",
    "90m, 90m",
    "120m, 2h"
  })
  void otherSpellingsPrintCanonically(String text, String canonical) throws FaultSyntaxException {
    assertThat(Durations.text(Durations.parse(text))).isEqualTo(canonical);
  }

  @Test
  void everyValuePrintsToATextThatParsesBackToIt() throws FaultSyntaxException {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      long nanos = i % 2 == 0 ? RandomFaults.duration(random) : random.nextLong(0, Long.MAX_VALUE);
      assertThat(Durations.parse(Durations.text(nanos))).isEqualTo(nanos);
      assertThat(Durations.parseSigned(Durations.signedText(-nanos))).isEqualTo(-nanos);
      assertThat(Durations.parseSigned(Durations.signedText(nanos))).isEqualTo(nanos);
    }
    assertThat(Durations.parse(Durations.text(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThat(Durations.text(Long.MIN_VALUE)).startsWith("-");
  }

  @Test
  void signsAreRequiredWhereTheyMatter() throws FaultSyntaxException {
    assertThat(Durations.parseSigned("+40ms")).isEqualTo(40_000_000L);
    assertThat(Durations.parseSigned("-5ms")).isEqualTo(-5_000_000L);
    assertThat(Durations.signedText(0)).isEqualTo("+0s");
    assertThatThrownBy(() -> Durations.parseSigned("40ms"))
        .hasMessage("40ms: column 1: expected a signed duration like +40ms, got '40ms'");
    assertThatThrownBy(() -> Durations.parse("-40ms"))
        .hasMessage("-40ms: column 1: expected a duration like 40ms without a sign, got '-40ms'");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "40|40: column 3: expected a duration like 40ms, got '40' (a unit is missing: ns, us, ms,"
            + " s, m or h)",
        "50mx|50mx: column 3: unknown unit 'mx' in '50mx'; expected ns, us, ms, s, m or h",
        "ms|ms: column 1: expected a duration like 40ms, got 'ms'",
        "1.5.2s|1.5.2s: column 1: expected a duration like 40ms, got '1.5.2s'",
        ".5s|.5s: column 1: expected a duration like 40ms, got '.5s'",
        "1.5ns|1.5ns: column 1: '1.5ns' is not a whole number of nanoseconds",
        "9999999999h|9999999999h: column 1: '9999999999h' is too long a duration"
      })
  void badDurationsAreRefusedWithTheReason(String text, String message) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(FaultSyntaxException.class)
        .hasMessage(message);
  }

  @Test
  void percentagesRoundTripInBasisPoints() throws FaultSyntaxException {
    for (int basisPoints = 0; basisPoints <= Percent.BASIS_POINTS_MAX; basisPoints++) {
      Percent percent = new Percent(basisPoints);
      assertThat(Percent.parse(percent.text())).isEqualTo(percent);
    }
    assertThat(Percent.parse("20%").probability()).isEqualTo(0.2);
    assertThat(new Percent(50).text()).isEqualTo("0.5%");
    assertThat(new Percent(5).text()).isEqualTo("0.05%");
    assertThat(new Percent(10_000).text()).isEqualTo("100%");
  }
}
