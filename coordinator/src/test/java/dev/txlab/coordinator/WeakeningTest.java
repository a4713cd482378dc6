package dev.txlab.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.ProtocolRegistry;
import dev.txlab.coordinator.protocol.Weakening;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What protocols declare as giving up their promises: well-formed, and matched as written. */
class WeakeningTest {
  @Test
  void everyDeclaredWeakeningNamesAKnobOfItsProtocolAndAValueItCanTake() {
    int declared = 0;
    for (Protocol p : ProtocolRegistry.all()) {
      for (Weakening w : p.weakenings()) {
        declared++;
        if (!w.knob().isEmpty()) {
          assertThat(p.knob(w.knob())).as("%s: knob %s", p.name(), w.knob()).isPresent();
          for (String v : w.values()) {
            assertThat(
                    v.equals(">0") || v.equals("<0") || p.knob(w.knob()).get().problem(v).isEmpty())
                .as("%s: %s=%s", p.name(), w.knob(), v)
                .isTrue();
          }
        }
        for (String k : w.onlyWith().keySet()) {
          assertThat(p.knob(k)).as("%s: onlyWith %s", p.name(), k).isPresent();
        }
      }
    }
    assertThat(declared).isGreaterThanOrEqualTo(8);
  }

  @Test
  void valuesFaultsAndConditionsMatchAsWritten() {
    Weakening stale = Weakening.knob("staleness", List.of(">0"), "strict-serializable", "why");
    assertThat(stale.weakensAt("100ms")).isTrue();
    assertThat(stale.weakensAt("0ms")).isFalse();
    assertThat(stale.weakensAt("0s")).isFalse();
    Weakening drift = Weakening.knob("lease-drift-bound", List.of("<0"), "linearizable", "why");
    assertThat(drift.weakensAt("-0.1")).isTrue();
    assertThat(drift.weakensAt("0.05")).isFalse();
    Weakening clocks =
        Weakening.faults(List.of("clock-skew"), "linearizable", "why")
            .onlyWith("reads", List.of("lease"));
    assertThat(clocks.weakenedBy("clock-skew n1 300ms → n1")).isTrue();
    assertThat(clocks.weakenedBy("clock-skewed")).isFalse();
    assertThat(clocks.applies(Map.of("reads", "lease"))).isTrue();
    assertThat(clocks.applies(Map.of("reads", "readindex"))).isFalse();
    assertThatThrownBy(() -> new Weakening("", List.of(), List.of(), "m", "why", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
