package dev.txlab.chaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/**
 * One case per class of bad input: each message names the column and the token and says what was
 * expected, since the scenario loader and the CLI show it to the user as it is.
 */
class FaultSyntaxTest {

  private static final String KEYWORDS =
      "partition, isolate, heal, kill, restart, pause, resume, disconnect-clients, clock-skew, clock-drift,"
          + " clock-strobe, truetime-violation, clock-reset, delay, loss, duplicate, reorder,"
          + " net-reset, phase, rollback";

  private static final String TARGETS =
      "a node like n3, nodes like n1,n2, leader:shard-1, coordinator, minority, majority,"
          + " random or all";

  @Test
  void migrationStepsNameTheirNumber() {
    assertRefused(
        "phase two",
        "phase two: column 7: expected a phase number from 1 (as in 'phase 2'), found 'two'");
    assertRefused(
        "phase 0",
        "phase 0: column 7: expected a phase number from 1 (as in 'phase 2'), found '0'");
    assertRefused(
        "rollback 2",
        "rollback 2: column 10: expected 'phase' after 'rollback' (as in 'rollback phase 2'),"
            + " found '2'");
  }

  @Test
  void emptyText() {
    assertRefused("", "empty fault; expected one of " + KEYWORDS);
    assertRefused("   ", "empty fault; expected one of " + KEYWORDS);
  }

  @Test
  void unknownFaultWord() {
    assertRefused(
        "explode n3", "explode n3: column 1: unknown fault 'explode'; expected one of " + KEYWORDS);
  }

  @Test
  void faultWordInTheWrongCase() {
    assertRefused(
        "Kill n3",
        "Kill n3: column 1: unknown fault 'Kill'; fault words are lower case: did you"
            + " mean 'kill'?");
  }

  @Test
  void missingTarget() {
    assertRefused("kill", "kill: column 5: expected a target after 'kill': " + TARGETS);
  }

  @Test
  void targetThatIsNeitherANodeNorARole() {
    assertRefused(
        "kill 3n", "kill 3n: column 6: expected a target after 'kill': " + TARGETS + "; got '3n'");
  }

  @Test
  void somethingAfterTheEndOfTheFault() {
    assertRefused(
        "kill n3 n4",
        "kill n3 n4: column 9: unexpected 'n4' after 'kill n3'; the fault ends there");
    assertRefused(
        "heal n3", "heal n3: column 6: unexpected 'n3' after 'heal'; the fault ends there");
  }

  @Test
  void nodeListedTwice() {
    assertRefused("kill n1,n1", "kill n1,n1: column 9: node 'n1' appears twice");
    assertRefused(
        "partition n1,n2|n2,n3", "partition n1,n2|n2,n3: column 17: node 'n2' appears twice");
  }

  @Test
  void emptyNameInAList() {
    assertRefused(
        "partition n1,|n3",
        "partition n1,|n3: column 14: expected a node name like n3 after ',', got '|'");
    assertRefused(
        "partition n1||n3",
        "partition n1||n3: column 14: expected a node name like n3 after '|', got '|'");
    assertRefused(
        "partition |n1",
        "partition |n1: column 11: expected a node name like n3 after 'partition', got '|'");
    assertRefused(
        "restart n3,",
        "restart n3,: column 12: expected a node name like n3 after ',', got the end of the text");
  }

  @Test
  void roleWhereOnlyNodeNamesGo() {
    assertRefused(
        "partition leader:shard-1|n2",
        "partition leader:shard-1|n2: column 11: 'leader:shard-1' is a role, not a node name;"
            + " only node names can be listed here");
    assertRefused(
        "kill n1,all",
        "kill n1,all: column 9: 'all' is a role, not a node name; only node names can be listed"
            + " here");
  }

  @Test
  void reservedWordAsANodeName() {
    assertRefused(
        "partition n1|halves",
        "partition n1|halves: column 14: 'halves' is a reserved word, not a node name");
  }

  @Test
  void partitionWithoutGroupsOrShape() {
    assertRefused(
        "partition",
        "partition: column 10: expected node groups like n1,n2|n3,n4,n5, or halves,"
            + " majority-ring, bridge or one-way after 'partition'");
  }

  @Test
  void bridgeWithoutThreeGroups() {
    assertRefused(
        "partition bridge n1|n2",
        "partition bridge n1|n2: column 18: a bridge is written left|bridge|right, like"
            + " n1,n2|n3|n4,n5; got 2 groups");
  }

  @Test
  void ringOfFewerThanThreeNodes() {
    assertRefused(
        "partition majority-ring n1,n2",
        "partition majority-ring n1,n2: column 25: a ring lists at least three nodes, got 2");
  }

  @Test
  void oneWayLinkWithoutArrowOrWithOneNode() {
    assertRefused(
        "partition one-way n1",
        "partition one-way n1: column 21: expected '->' after 'n1' in a one-way link like n1->n2,"
            + " got the end of the text");
    assertRefused(
        "partition one-way n1->n1",
        "partition one-way n1->n1: column 19: a link joins two different nodes, got 'n1->n1'");
    assertRefused(
        "partition one-way n1->n2,n1->n2",
        "partition one-way n1->n2,n1->n2: column 26: link 'n1->n2' appears twice");
  }

  @Test
  void triggerOnATargetOtherThanTheCoordinator() {
    assertRefused(
        "kill n3 after prepare",
        "kill n3 after prepare: column 9: 'after prepare' applies only to 'kill coordinator', not"
            + " to 'kill n3'");
  }

  @Test
  void unknownOrMissingPhase() {
    assertRefused(
        "kill coordinator after commit",
        "kill coordinator after commit: column 24: unknown phase 'commit'; expected prepare or"
            + " decide");
    assertRefused(
        "kill coordinator after",
        "kill coordinator after: column 23: expected a phase after 'after': prepare or decide");
  }

  @Test
  void skewWithoutSign() {
    assertRefused(
        "clock-skew n3 40",
        "clock-skew n3 40: column 15: expected a signed duration like +40ms, got '40'");
    assertRefused(
        "clock-skew n3 40ms",
        "clock-skew n3 40ms: column 15: expected a signed duration like +40ms, got '40ms'");
  }

  @Test
  void missingQuantity() {
    assertRefused(
        "clock-skew n3",
        "clock-skew n3: column 14: expected a signed duration like +40ms after 'clock-skew n3'");
    assertRefused("loss", "loss: column 5: expected a percentage like 20% after 'loss'");
    assertRefused(
        "delay", "delay: column 6: expected a delay like 50ms or 50ms±10ms after 'delay'");
  }

  @Test
  void unknownUnitPointsAtTheUnit() {
    FaultSyntaxException e = refusal("clock-skew n3 +40mx");
    assertThat(e)
        .hasMessage(
            "clock-skew n3 +40mx: column 18: unknown unit 'mx' in '+40mx'; expected ns, us, ms, s,"
                + " m or h");
    assertThat(e.column()).isEqualTo(18);
    assertThat(e.text()).isEqualTo("clock-skew n3 +40mx");
    assertThat(e.problem()).startsWith("unknown unit 'mx'");
  }

  @Test
  void durationWithoutUnit() {
    assertRefused(
        "delay 50",
        "delay 50: column 9: expected a duration like 40ms, got '50' (a unit is missing: ns, us,"
            + " ms, s, m or h)");
  }

  @Test
  void negativeDelay() {
    assertRefused(
        "delay -5ms",
        "delay -5ms: column 7: expected a duration like 40ms without a sign, got '-5ms'");
    assertRefused(
        "delay +5ms", "delay +5ms: column 7: expected a delay like 50ms or 50ms±10ms, got '+5ms'");
  }

  @Test
  void jitterLargerThanTheMeanOrMissing() {
    assertRefused(
        "delay 10ms±20ms",
        "delay 10ms±20ms: column 12: jitter 20ms exceeds the mean 10ms; a delay cannot be"
            + " negative");
    assertRefused("delay 10ms±", "delay 10ms±: column 12: expected a jitter like 10ms after '±'");
  }

  @Test
  void driftWithoutUnitOrOutOfRange() {
    assertRefused(
        "clock-drift n2 200",
        "clock-drift n2 200: column 16: expected a drift like 200ppm or -200ppm, got '200'");
    assertRefused(
        "clock-drift n2 2000000ppm",
        "clock-drift n2 2000000ppm: column 16: drift '2000000ppm' is out of range; a clock must"
            + " still move forward, so it stays within ±999999ppm");
  }

  @Test
  void strobeWithoutPeriodOrWithZero() {
    assertRefused(
        "clock-strobe n1 4ms",
        "clock-strobe n1 4ms: column 17: expected an amplitude/period like 4ms/10ms, got '4ms'");
    assertRefused(
        "clock-strobe n1 0ms/10ms",
        "clock-strobe n1 0ms/10ms: column 17: a strobe's amplitude must be positive, got"
            + " '0ms/10ms'");
    assertRefused(
        "clock-strobe n1 4ms/0s",
        "clock-strobe n1 4ms/0s: column 21: a strobe's period must be positive, got '4ms/0s'");
  }

  @Test
  void trueTimeViolationOfZero() {
    assertRefused(
        "truetime-violation n4 0ms",
        "truetime-violation n4 0ms: column 23: '0ms' does not go beyond ε; expected a non-zero"
            + " duration like 15ms");
  }

  @Test
  void percentageWithoutSignOutOfRangeOrTooPrecise() {
    assertRefused("loss 20", "loss 20: column 6: expected a percentage like 20%, got '20'");
    assertRefused("loss 120%", "loss 120%: column 6: '120%' is more than 100%");
    assertRefused(
        "loss 0.001%",
        "loss 0.001%: column 6: '0.001%' has more than two decimals; write at least 0.01%");
    assertRefused("loss -5%", "loss -5%: column 6: expected a percentage like 20%, got '-5%'");
  }

  @Test
  void leaderWithoutShard() {
    assertRefused(
        "isolate leader:",
        "isolate leader:: column 16: expected a shard name like shard-1 after 'leader:', got ''");
  }

  @Test
  void constructorsRefuseWhatTheParserRefuses() {
    assertThatThrownBy(() -> new Fault.Delay(10, 20)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Fault.Kill(Target.node("n3"), java.util.Optional.of(Fault.TxnPhase.PREPARE)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Target.Nodes.of("n1", "n1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Target.Nodes.of("all")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Percent(10_001)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertRefused(String text, String message) {
    assertThat(refusal(text)).hasMessage(message);
  }

  private static FaultSyntaxException refusal(String text) {
    FaultSyntaxException e =
        catchThrowableOfType(FaultSyntaxException.class, () -> Fault.parse(text));
    assertThat(e).as("'%s' should be refused", text).isNotNull();
    assertThat(e.text()).isEqualTo(text);
    assertThat(e.column()).isBetween(1, text.length() + 1);
    return e;
  }
}
