package dev.txlab.chaos.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.txlab.chaos.fault.FaultSyntaxException;
import org.junit.jupiter.api.Test;

/** One case per class of bad schedule line; columns count from the start of the line. */
class ScheduleSyntaxTest {

  @Test
  void emptyLine() {
    assertRefused(
        "",
        "empty schedule entry; expected a line like 'at 5s kill n3', 'at 5s for 10s partition"
            + " halves' or 'every 10s for 3s isolate leader:shard-1'");
  }

  @Test
  void faultWithoutATime() {
    assertRefused(
        "kill n3",
        "kill n3: column 1: expected 'at' or 'every' before the fault, like 'at 5s kill n3'");
  }

  @Test
  void missingOrBadTime() {
    assertRefused("at", "at: column 3: expected a duration like 5s after 'at'");
    assertRefused(
        "at 5 kill n3",
        "at 5 kill n3: column 5: expected a duration like 40ms, got '5' (a unit is missing: ns,"
            + " us, ms, s, m or h)");
    assertRefused(
        "at -5s kill n3",
        "at -5s kill n3: column 4: expected a duration like 40ms without a sign, got '-5s'");
  }

  @Test
  void missingFault() {
    assertRefused("at 5s", "at 5s: column 6: expected a fault after 'at 5s', like 'kill n3'");
  }

  @Test
  void badFaultIsReportedAtItsColumnInTheLine() {
    FaultSyntaxException e = refusal("at 5s for 10s clock-skew n3 40ms");
    assertThat(e)
        .hasMessage(
            "at 5s for 10s clock-skew n3 40ms: column 29: expected a signed duration like +40ms,"
                + " got '40ms'");
    assertThat(e.column()).isEqualTo(29);
  }

  @Test
  void windowOnAFaultWithoutUndo() {
    assertRefused(
        "at 5s for 10s heal",
        "at 5s for 10s heal: column 7: 'heal' has no undo, so it cannot last 'for 10s'");
  }

  @Test
  void windowNotShorterThanPeriod() {
    assertRefused(
        "every 10s for 10s kill n1",
        "every 10s for 10s kill n1: column 11: the window 'for 10s' must be shorter than the"
            + " period 'every 10s', or one occurrence would still be on when the next starts");
  }

  @Test
  void zeroWindowOrTinyPeriod() {
    assertRefused(
        "at 5s for 0s kill n1",
        "at 5s for 0s kill n1: column 7: the window 'for 0s' must be longer than nothing");
    assertRefused(
        "every 10us kill n1",
        "every 10us kill n1: column 1: the period 'every 10us' is shorter than 1ms");
  }

  @Test
  void clausesOutOfOrderOrRepeated() {
    assertRefused(
        "at 5s for 10s every 20s kill n1",
        "at 5s for 10s every 20s kill n1: column 15: 'every' cannot come here; write [at TIME]"
            + " [every PERIOD] [for WINDOW] FAULT, in that order, each once");
    assertRefused(
        "at 5s at 6s kill n1",
        "at 5s at 6s kill n1: column 7: 'at' cannot come here; write [at TIME] [every PERIOD]"
            + " [for WINDOW] FAULT, in that order, each once");
  }

  @Test
  void unknownGenerator() {
    assertRefused(
        "random chaos",
        "random chaos: column 8: unknown generator 'chaos'; expected halves, majority-ring,"
            + " bridge, isolate-leader, kill, pause, clock-strobe, clock-skew, partitions, clocks,"
            + " combined");
    assertRefused(
        "random kill,nuke",
        "random kill,nuke: column 13: unknown generator 'nuke'; expected halves, majority-ring,"
            + " bridge, isolate-leader, kill, pause, clock-strobe, clock-skew, partitions, clocks,"
            + " combined");
    assertRefused(
        "random kill,kill", "random kill,kill: column 13: generator 'kill' appears twice");
  }

  @Test
  void generatorWithoutKindsOrWithExtraWords() {
    assertRefused(
        "random",
        "random: column 7: expected what to generate after 'random': halves, majority-ring,"
            + " bridge, isolate-leader, kill, pause, clock-strobe, clock-skew, partitions, clocks,"
            + " combined");
    assertRefused(
        "random kill often",
        "random kill often: column 13: unexpected 'often'; a generator line is 'random KINDS"
            + " [every ~PERIOD] [for ~WINDOW]'");
  }

  @Test
  void generatorWithNoQuietTime() {
    assertRefused(
        "random kill every ~5s for ~5s",
        "random kill every ~5s for ~5s: column 13: the mean period 5s must be longer than the"
            + " mean window 5s, or there is no quiet time between faults");
    assertRefused(
        "random kill for ~20s",
        "random kill for ~20s: column 13: the mean period 10s must be longer than the mean"
            + " window 20s, or there is no quiet time between faults");
  }

  @Test
  void badGeneratorDurationPointsPastTheTilde() {
    assertRefused(
        "random kill every ~10x",
        "random kill every ~10x: column 22: unknown unit 'x' in '10x'; expected ns, us, ms, s, m"
            + " or h");
  }

  private static void assertRefused(String text, String message) {
    assertThat(refusal(text)).hasMessage(message);
  }

  private static FaultSyntaxException refusal(String text) {
    FaultSyntaxException e =
        catchThrowableOfType(FaultSyntaxException.class, () -> ScheduleLine.parse(text));
    assertThat(e).as("'%s' should be refused", text).isNotNull();
    assertThat(e.text()).isEqualTo(text);
    return e;
  }
}
