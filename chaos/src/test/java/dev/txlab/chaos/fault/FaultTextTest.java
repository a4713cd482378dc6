package dev.txlab.chaos.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fault has one text form: canonical texts print back exactly, every value survives
 * print-then-parse, and the few accepted spellings of the same fault all read as one value.
 */
class FaultTextTest {

  /** One or more canonical texts per fault kind, as users write them. */
  static final List<String> CANONICAL =
      List.of(
          "partition n1,n2|n3,n4,n5",
          "partition n1|n2|n3",
          "partition n1,n2",
          "partition halves",
          "partition majority-ring",
          "partition majority-ring n1,n3,n5,n2,n4",
          "partition bridge",
          "partition bridge n1,n2|n3|n4,n5",
          "partition one-way n1->n2",
          "partition one-way n1->n2,n3->n2",
          "isolate n3",
          "isolate leader:shard-1",
          "isolate minority",
          "heal",
          "kill n3",
          "kill n1,n3",
          "kill coordinator",
          "kill coordinator after prepare",
          "kill coordinator after decide",
          "kill random",
          "kill majority",
          "restart n3",
          "restart all",
          "pause n2",
          "resume n2",
          "disconnect-clients n1",
          "disconnect-clients coordinator",
          "clock-skew n3 +40ms",
          "clock-skew n3 -5ms",
          "clock-skew leader:shard-2 +1.5s",
          "clock-drift n2 200ppm",
          "clock-drift n2 -200ppm",
          "clock-strobe n1 4ms/10ms",
          "truetime-violation n4 15ms",
          "truetime-violation n4 -15ms",
          "clock-reset n3",
          "clock-reset all",
          "delay 50ms±10ms",
          "delay 50ms",
          "delay 0s",
          "delay 250us",
          "loss 20%",
          "loss 0.5%",
          "duplicate 10%",
          "reorder 5%",
          "net-reset",
          "phase 2",
          "rollback phase 2");

  @Test
  void canonicalTextsPrintBackExactly() throws FaultSyntaxException {
    for (String text : CANONICAL) {
      Fault fault = Fault.parse(text);
      assertThat(fault.text()).as(text).isEqualTo(text);
      assertThat(Fault.parse(fault.text())).as(text).isEqualTo(fault);
    }
  }

  @Test
  void theExamplesCoverEveryFaultKind() throws FaultSyntaxException {
    Set<Class<?>> covered = new HashSet<>();
    for (String text : CANONICAL) {
      covered.add(Fault.parse(text).getClass());
    }
    assertThat(covered).containsExactlyInAnyOrder(Fault.class.getPermittedSubclasses());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '=',
      value = {
        "delay 50ms+-10ms = delay 50ms±10ms",
        "delay 50ms ± 10ms = delay 50ms±10ms",
        "delay 250µs = delay 250us",
        "delay 1500ms = delay 1.5s",
        "delay 120s = delay 2m",
        "partition n1,n2 | n3, n4 = partition n1,n2|n3,n4",
        "'  kill   n3  ' = kill n3",
        "clock-drift n2 +200ppm = clock-drift n2 200ppm",
        "truetime-violation n4 +15ms = truetime-violation n4 15ms",
        "clock-skew n3 +40000us = clock-skew n3 +40ms",
        "loss 20.00% = loss 20%",
        "partition one-way n1 -> n2 , n3->n2 = partition one-way n1->n2,n3->n2",
        "kill\tcoordinator\tafter\tprepare = kill coordinator after prepare",
        "rollback   phase  3 = rollback phase 3"
      })
  void acceptedSpellingsReadAsTheCanonicalFault(String input, String canonical)
      throws FaultSyntaxException {
    assertThat(Fault.parse(input).text()).isEqualTo(canonical);
    assertThat(Fault.parse(input)).isEqualTo(Fault.parse(canonical));
  }

  @Test
  void randomFaultsOfEveryKindSurvivePrintThenParse() throws FaultSyntaxException {
    Set<Class<?>> seen = new HashSet<>();
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < 500; i++) {
        Fault fault = RandomFaults.next(random);
        String text = fault.text();
        assertThat(Fault.parse(text)).as("seed %d: %s", seed, text).isEqualTo(fault);
        assertThat(Fault.parse(text).text()).as("seed %d", seed).isEqualTo(text);
        seen.add(fault.getClass());
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(Fault.class.getPermittedSubclasses());
  }

  @Test
  void valuesCarryTheirNumbersWithUnits() throws FaultSyntaxException {
    assertThat(Fault.parse("clock-skew n3 +40ms"))
        .isEqualTo(new Fault.ClockSkew(Target.node("n3"), 40 * Durations.NANOS_PER_MILLI));
    assertThat(Fault.parse("clock-strobe n1 4ms/10ms"))
        .isEqualTo(
            new Fault.ClockStrobe(
                Target.node("n1"), 4 * Durations.NANOS_PER_MILLI, 10 * Durations.NANOS_PER_MILLI));
    assertThat(Fault.parse("delay 50ms±10ms")).isEqualTo(new Fault.Delay(50_000_000L, 10_000_000L));
    assertThat(Fault.parse("loss 0.5%")).isEqualTo(new Fault.Loss(new Percent(50)));
    assertThat(Fault.parse("kill coordinator after prepare"))
        .isEqualTo(new Fault.Kill(Target.coordinator(), Optional.of(Fault.TxnPhase.PREPARE)));
    assertThat(Fault.parse("isolate leader:shard-1"))
        .isEqualTo(new Fault.Isolate(new Target.LeaderOf("shard-1")));
    assertThat(Fault.parse("partition n1,n2|n3"))
        .isEqualTo(new Fault.Partition(List.of(List.of("n1", "n2"), List.of("n3"))));
  }

  @Test
  void undoFaultsUndoTheirFault() throws FaultSyntaxException {
    assertThat(undo("partition halves")).isEqualTo("heal");
    assertThat(undo("isolate leader:shard-1")).isEqualTo("heal");
    assertThat(undo("kill coordinator after prepare")).isEqualTo("restart coordinator");
    assertThat(undo("kill n1,n3")).isEqualTo("restart n1,n3");
    assertThat(undo("pause n2")).isEqualTo("resume n2");
    assertThat(undo("clock-strobe n1 4ms/10ms")).isEqualTo("clock-reset n1");
    assertThat(undo("truetime-violation n4 15ms")).isEqualTo("clock-reset n4");
    assertThat(undo("delay 50ms±10ms")).isEqualTo("delay 0s");
    assertThat(undo("loss 20%")).isEqualTo("loss 0%");
    for (String noUndo :
        List.of(
            "heal",
            "net-reset",
            "restart n3",
            "resume all",
            "clock-reset n1",
            "loss 0%",
            "delay 0s")) {
      assertThat(Fault.parse(noUndo).undo()).as(noUndo).isEmpty();
    }
  }

  @Test
  void namedNodesAndShardsAreListedForValidation() throws FaultSyntaxException {
    assertThat(Fault.parse("partition n1,n2|n3").namedNodes()).containsExactly("n1", "n2", "n3");
    assertThat(Fault.parse("partition one-way n1->n2,n3->n2").namedNodes())
        .containsExactly("n1", "n2", "n3");
    assertThat(Fault.parse("kill n4,n2").namedNodes()).containsExactly("n4", "n2");
    assertThat(Fault.parse("isolate leader:shard-2").namedNodes()).isEmpty();
    assertThat(Fault.parse("isolate leader:shard-2").namedShards()).containsExactly("shard-2");
    assertThat(Fault.parse("delay 5ms").namedNodes()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"n1", "n10", "db-1.west", "node_3", "N2"})
  void nodeNamesMayBeAnyPlainName(String name) throws FaultSyntaxException {
    assertThat(Fault.parse("kill " + name).text()).isEqualTo("kill " + name);
  }

  private static String undo(String text) throws FaultSyntaxException {
    return Fault.parse(text).undo().orElseThrow().text();
  }
}
