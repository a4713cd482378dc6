package dev.txlab.chaos.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Mangled input never gets past the parsers as anything but a {@link FaultSyntaxException} with a
 * column inside the text, and whatever they accept prints to a text they read back as the same
 * value. Inputs are valid lines with characters deleted, duplicated or replaced by ones the grammar
 * cares about, so they land near the interesting edges.
 */
class ParserFuzzTest {
  private static final String ALPHABET = " ,|:-+±%/~>.0123456789nmsuhpx\tkillatfor";

  private static final List<String> SEEDS =
      List.of(
          "partition n1,n2|n3,n4,n5",
          "partition majority-ring n1,n3,n5,n2,n4",
          "partition bridge n1,n2|n3|n4,n5",
          "partition one-way n1->n2,n3->n2",
          "isolate leader:shard-1",
          "kill coordinator after prepare",
          "clock-skew n3 +40ms",
          "clock-drift n2 -200ppm",
          "clock-strobe n1 4ms/10ms",
          "truetime-violation n4 15ms",
          "delay 50ms±10ms",
          "loss 0.5%",
          "at 5s for 10s partition halves",
          "every 10s for 3s isolate leader:shard-1",
          "at 5s every 10s for 3s pause n2,n3",
          "random kill,halves every ~10s for ~4s");

  @Test
  void mangledFaultsAndLinesAreRefusedCleanlyOrReadConsistently() {
    SplittableRandom random = new SplittableRandom(2026);
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 40_000; i++) {
      String text = mangle(SEEDS.get(random.nextInt(SEEDS.size())), random);
      for (boolean asLine : new boolean[] {false, true}) {
        try {
          if (asLine) {
            ScheduleLine line = ScheduleLine.parse(text);
            assertThat(ScheduleLine.parse(line.text())).as(text).isEqualTo(line);
          } else {
            Fault fault = Fault.parse(text);
            assertThat(Fault.parse(fault.text())).as(text).isEqualTo(fault);
          }
          accepted++;
        } catch (FaultSyntaxException e) {
          assertThat(e.text()).isEqualTo(text);
          assertThat(e.column())
              .as("%s -> %s", text, e.getMessage())
              .isBetween(1, text.length() + 1);
          refused++;
        }
      }
    }
    assertThat(accepted).isPositive();
    assertThat(refused).isPositive();
  }

  private static String mangle(String text, SplittableRandom random) {
    List<Character> chars = new ArrayList<>();
    for (char c : text.toCharArray()) {
      chars.add(c);
    }
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && !chars.isEmpty(); e++) {
      int at = random.nextInt(chars.size());
      switch (random.nextInt(3)) {
        case 0:
          chars.remove(at);
          break;
        case 1:
          chars.add(at, chars.get(at));
          break;
        default:
          chars.set(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (char c : chars) {
      sb.append(c);
    }
    return sb.toString();
  }
}
