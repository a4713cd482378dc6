package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.node.api.NodeId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The admin API's fault texts: what each does to this node's links and clock, and what it refuses.
 */
class AdminFaultsTest {
  private static final List<NodeId> NODES =
      List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"), NodeId.of("n4"), NodeId.of("n5"));
  private final LinkFaults links = new LinkFaults(1);
  private final LiveClock clock = new LiveClock(1_000_000);
  private final AdminFaults faults = new AdminFaults(NodeId.of("n3"), NODES, links, clock);

  private static Set<NodeId> nodes(String... names) {
    return java.util.Arrays.stream(names)
        .map(NodeId::of)
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void aPartitionCutsThisNodesLinksToOtherGroupsBothWays() {
    AdminFaults.Applied a = faults.apply("partition n1,n2|n3,n4,n5");
    assertThat(a.changed()).isTrue();
    assertThat(links.settings().dropTo()).isEqualTo(nodes("n1", "n2"));
    assertThat(links.settings().dropFrom()).isEqualTo(nodes("n1", "n2"));
    assertThat(a.active()).containsExactly("partition n1,n2|n3,n4,n5");
    // Unlisted nodes form one group; n3 is unlisted here, with n4 and n5.
    faults.apply("partition n1|n2");
    assertThat(links.settings().dropTo()).isEqualTo(nodes("n1", "n2"));
    // Overlapping groups: n3 reaches the union of its groups (a bridge).
    faults.apply("partition n1,n2,n3|n3,n4,n5");
    assertThat(links.settings().dropTo()).isEmpty();
    assertThat(faults.apply("partition n1,n2,n3|n3,n4,n5").changed()).isFalse();
  }

  @Test
  void aPhaseTriggeredKillIsArmedAndDisarmed() {
    assertThat(faults.killArmedFor("prepare")).isFalse();
    assertThat(faults.apply("kill-after prepare").changed()).isTrue();
    assertThat(faults.killArmedFor("prepare")).isTrue();
    assertThat(faults.killArmedFor("decide")).isFalse();
    assertThat(faults.active()).containsExactly("kill-after prepare");
    assertThat(faults.apply("kill-after prepare").changed()).isFalse();
    assertThat(faults.apply("kill-after off").changed()).isTrue();
    assertThat(faults.killArmedFor("prepare")).isFalse();
    assertThatThrownBy(() -> faults.apply("kill-after commit"))
        .hasMessageContaining("kill-after prepare");
    assertThatThrownBy(() -> faults.apply("kill-after"))
        .hasMessageContaining("kill-after prepare|decide|off");
    assertThat(faults.active()).isEmpty();
  }

  @Test
  void linkAndClockFaultsAndTheirTextForms() {
    faults.apply("delay 50ms±10ms");
    faults.apply("loss 20%");
    faults.apply("duplicate 12.5%");
    assertThat(links.settings().delayNanos()).isEqualTo(50_000_000L);
    assertThat(links.settings().jitterNanos()).isEqualTo(10_000_000L);
    assertThat(links.settings().loss()).isEqualTo(0.2);
    assertThat(faults.apply("clock-skew n2 +40ms").changed()).as("another node's skew").isFalse();
    assertThat(faults.apply("clock-skew n3 +40ms").changed()).isTrue();
    assertThat(clock.skewNanos()).isEqualTo(40_000_000L);
    faults.apply("clock-drift n3 -200ppm");
    faults.apply("truetime-violation n3 15ms");
    assertThat(faults.active())
        .containsExactly(
            "delay 50ms±10ms",
            "loss 20%",
            "duplicate 12.5%",
            "clock-skew n3 +40ms",
            "clock-drift n3 -200ppm",
            "truetime-violation n3 15ms");
    // skew 40 ms + ε 1 ms + 15 ms beyond it, and a drift of microseconds at most.
    assertThat(clock.offsetNanos()).isBetween(55_000_000L, 56_100_000L);
    assertThat(faults.heal(false))
        .containsExactly(
            "clock-skew n3 +40ms", "clock-drift n3 -200ppm", "truetime-violation n3 15ms");
    assertThat(links.settings().isHealthy()).isTrue();
    faults.apply("clock-reset n3");
    assertThat(faults.active()).isEmpty();
    assertThat(clock.offsetNanos()).isZero();
  }

  @Test
  void badTextsAreRefusedNamingTheProblemAndChangeNothing() {
    faults.apply("loss 10%");
    List<String[]> bad =
        List.of(
            new String[] {"", "unknown fault"},
            new String[] {"explode n1", "unknown fault 'explode'"},
            new String[] {"partition", "expected 'partition"},
            new String[] {"partition n1,n9|n2", "unknown node 'n9'"},
            new String[] {"partition n1||n2", "empty group"},
            new String[] {"delay fast", "duration"},
            new String[] {"delay 10ms±50ms", "jitter <= delay"},
            new String[] {"loss 20", "percentage"},
            new String[] {"loss 120%", "between 0% and 100%"},
            new String[] {"clock-skew n3", "expected 'clock-skew"},
            new String[] {"clock-skew n3 40", "duration"},
            new String[] {"clock-drift n3 200", "200ppm"},
            new String[] {"truetime-violation n3 0ms", "beyond ε"},
            new String[] {"kill n3", "unknown fault 'kill'"});
    for (String[] b : bad) {
      assertThatThrownBy(() -> faults.apply(b[0]))
          .as(b[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(b[1]);
    }
    assertThat(faults.active()).containsExactly("loss 10%");
    assertThat(clock.offsetNanos()).isZero();
  }
}
