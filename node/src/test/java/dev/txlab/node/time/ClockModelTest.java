package dev.txlab.node.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.node.api.TrueTimeInterval;
import org.junit.jupiter.api.Test;

class ClockModelTest {
  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  @Test
  void trueTimeIntervalArithmetic() {
    TrueTimeInterval tt = TrueTimeInterval.around(100, 7);
    assertThat(tt).isEqualTo(new TrueTimeInterval(93, 107));
    assertThat(tt.epsilonNanos()).isEqualTo(7);
    assertThat(tt.contains(93)).isTrue();
    assertThat(tt.contains(107)).isTrue();
    assertThat(tt.contains(108)).isFalse();
    assertThat(tt.after(92)).isTrue();
    assertThat(tt.after(93)).isFalse();
    assertThat(tt.before(108)).isTrue();
    assertThat(tt.before(107)).isFalse();
    assertThat(tt.definitelyBefore(new TrueTimeInterval(108, 120))).isTrue();
    assertThat(tt.definitelyBefore(new TrueTimeInterval(107, 120))).isFalse();
    assertThat(tt.overlaps(new TrueTimeInterval(107, 120))).isTrue();
    assertThatThrownBy(() -> new TrueTimeInterval(5, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commitWaitArithmetic() {
    // Spanner: pick s = TT.now().latest; wait until TT.after(s). With ε constant the wait is 2ε.
    long eps = 3 * MS;
    long s = TrueTimeInterval.around(10 * S, eps).latest();
    assertThat(TrueTimeInterval.around(10 * S + 2 * eps, eps).after(s)).isFalse();
    assertThat(TrueTimeInterval.around(10 * S + 2 * eps + 1, eps).after(s)).isTrue();
  }

  @Test
  void spannerSawtooth() {
    EpsilonModel.Sawtooth saw = EpsilonModel.Sawtooth.spanner();
    assertThat(saw.epsilonNanos(0)).isEqualTo(MS);
    assertThat(saw.epsilonNanos(15 * S)).isEqualTo(4 * MS);
    assertThat(saw.epsilonNanos(30 * S - 1)).isBetween(7 * MS - 1000, 7 * MS);
    assertThat(saw.epsilonNanos(30 * S)).isEqualTo(MS);
    assertThat(saw.driftPpmBound()).isEqualTo(200);
    assertThat(new EpsilonModel.Constant(5).epsilonNanos(123)).isEqualTo(5);
  }

  @Test
  void driftingClockWithoutResync() {
    DriftingClock c = new DriftingClock(2 * MS, 100, 0);
    assertThat(c.read(0)).isEqualTo(2 * MS);
    assertThat(c.errorNanos(10 * S)).isEqualTo(2 * MS + MS); // 100 ppm of 10 s is 1 ms
    c.setDriftPpm(10 * S, 0);
    assertThat(c.errorNanos(20 * S)).isEqualTo(3 * MS); // no jump, no further drift
    c.step(-5 * MS);
    assertThat(c.errorNanos(20 * S)).isEqualTo(-2 * MS);
    c.setOffset(20 * S, 0);
    assertThat(c.read(30 * S)).isEqualTo(30 * S);
  }

  @Test
  void driftingClockWithPeriodicResyncHasASawtoothError() {
    DriftingClock c = new DriftingClock(0, 200, 30 * S);
    assertThat(c.errorNanos(15 * S)).isEqualTo(3 * MS);
    assertThat(c.errorNanos(30 * S)).isZero();
    assertThat(c.errorNanos(45 * S)).isEqualTo(3 * MS);
    // An honest clock within the sawtooth's drift bound stays inside ε.
    EpsilonModel.Sawtooth saw = EpsilonModel.Sawtooth.spanner();
    for (long t = 0; t < 90 * S; t += 100 * MS) {
      assertThat(TrueTimeInterval.around(c.read(t), saw.epsilonNanos(t)).contains(t)).isTrue();
    }
  }
}
