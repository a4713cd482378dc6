package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The percolator knob that removes a guarantee, flipped where the checker must see it: the bundled
 * tso-failover scenario is valid on every seed ({@link BundledScenariosTest}); with {@code
 * tso-persist=off} each new oracle leader starts from its own clock, two of which are behind, and
 * the tso check finds the counter not linearizable — a timestamp that went backwards. And a run is
 * a function of its seed: the same seed twice gives the same trace and metrics.
 */
class PercolatorKnobsTest {
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void withoutThePersistedWindowTimestampsGoBackwards(long seed) throws Exception {
    Scenario s =
        ScenarioReader.read(ScenarioLibrary.bundled("tso-failover"), List.of("tso-persist=off"));
    RunOutcome o = SimRun.run(s, seed, f -> {}, null);
    assertThat(o.checks().get("linearizable").validity())
        .as("seed %d: %s", seed, o.checks())
        .isEqualTo(Validity.INVALID);
    assertThat(o.checks().get("linearizable").anomalyTypes()).contains("nonlinearizable");
    assertThat(o.metrics().get("raft_safety_violations")).as("Raft itself is fine").isZero();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"percolator-client-crash", "tso-failover"})
  void aSeedGivesTheSameRunTwice(String name) throws Exception {
    Scenario s = ScenarioReader.read(ScenarioLibrary.bundled(name), List.of());
    RunOutcome a = SimRun.run(s, 7, f -> {}, null);
    RunOutcome b = SimRun.run(s, 7, f -> {}, null);
    assertThat(a.simulated().traceDigest()).isEqualTo(b.simulated().traceDigest());
    assertThat(a.metrics()).isEqualTo(b.metrics());
  }
}
