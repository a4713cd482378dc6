package dev.txlab.chaos.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.fault.RandomFaultsAccess;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Schedule lines have one text form, like faults: canonical texts print back exactly. */
class ScheduleTextTest {
  static final List<String> CANONICAL =
      List.of(
          "at 5s kill n3",
          "at 5s for 10s partition halves",
          "every 10s for 3s isolate leader:shard-1",
          "at 5s kill coordinator after prepare",
          "at 5s for 10s kill coordinator after prepare",
          "at 0s every 30s for 1.5s pause n2",
          "every 1m clock-skew n1 +5ms",
          "at 2.5s delay 50ms±10ms",
          "at 90s heal",
          "random combined every ~10s for ~5s",
          "random kill,halves every ~20s for ~2s",
          "random partitions every ~1m for ~15s",
          "random clocks every ~10s for ~5s");

  @Test
  void canonicalLinesPrintBackExactly() throws FaultSyntaxException {
    for (String text : CANONICAL) {
      ScheduleLine line = ScheduleLine.parse(text);
      assertThat(line.text()).as(text).isEqualTo(text);
      assertThat(ScheduleLine.parse(line.text())).isEqualTo(line);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '=',
      value = {
        "at 10s every 10s kill n1 = every 10s kill n1",
        "'  at  5s   for 10s   partition n1,n2 | n3 ' = at 5s for 10s partition n1,n2|n3",
        "at 5000ms kill n3 = at 5s kill n3",
        "random halves = random halves every ~10s for ~5s",
        "random kill every 20s for 2s = random kill every ~20s for ~2s",
        "random bridge for ~1s = random bridge every ~10s for ~1s"
      })
  void otherSpellingsReadAsTheCanonicalLine(String input, String canonical)
      throws FaultSyntaxException {
    assertThat(ScheduleLine.parse(input).text()).isEqualTo(canonical);
  }

  @Test
  void entriesCarryTheirTimes() throws FaultSyntaxException {
    ScheduleEntry entry = ScheduleEntry.parse("every 10s for 3s isolate leader:shard-1");
    assertThat(entry.startNanos()).isEqualTo(10 * Durations.NANOS_PER_SECOND);
    assertThat(entry.periodNanos()).isEqualTo(10 * Durations.NANOS_PER_SECOND);
    assertThat(entry.windowNanos()).isEqualTo(3 * Durations.NANOS_PER_SECOND);
    assertThat(entry.undo().orElseThrow().text()).isEqualTo("heal");
    assertThat(ScheduleEntry.parse("at 5s kill n3"))
        .isEqualTo(ScheduleEntry.at(5 * Durations.NANOS_PER_SECOND, Fault.parse("kill n3")));
  }

  @Test
  void randomEntriesSurvivePrintThenParse() throws FaultSyntaxException {
    for (long seed = 1; seed <= 10; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < 500; i++) {
        Fault fault = RandomFaultsAccess.next(random);
        long period =
            random.nextBoolean() ? 0 : Durations.NANOS_PER_MILLI * random.nextLong(1, 100_000);
        long window =
            fault.undo().isEmpty() || random.nextBoolean()
                ? 0
                : 1 + random.nextLong(period == 0 ? Durations.NANOS_PER_HOUR : period - 1);
        long start =
            period != 0 && random.nextBoolean() ? period : RandomFaultsAccess.duration(random);
        ScheduleEntry entry = new ScheduleEntry(start, period, window, fault);
        assertThat(ScheduleLine.parse(entry.text()))
            .as("seed %d: %s", seed, entry)
            .isEqualTo(entry);
        assertThat(ScheduleLine.parse(entry.text()).text()).isEqualTo(entry.text());
      }
    }
  }

  @Test
  void schedulesParseLineByLineAndPrintTheSame() throws FaultSyntaxException {
    Schedule schedule = Schedule.parse(CANONICAL);
    assertThat(schedule.texts()).isEqualTo(CANONICAL);
  }

  @Test
  void constructorsRefuseWhatTheParserRefuses() {
    assertThatThrownBy(() -> new ScheduleEntry(0, 10, 10, new Fault.Heal()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RandomNemesis(List.of(NemesisKind.KILL), 5, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
