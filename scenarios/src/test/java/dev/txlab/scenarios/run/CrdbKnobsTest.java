package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crdb knobs flipped where the checker must see the difference: the bundled
 * crdb-clock-beyond-max-offset scenario (clock guard off) loses real-time order on every seed (its
 * own expectations, checked by {@link BundledScenariosTest}); with the guard on, the gateway whose
 * clock is 2 s off fences itself and the same runs are strictly serializable. A refresh that does
 * not re-check the reads ({@code read-refresh: unchecked}, the mutant) breaks the bank; no refresh
 * at all ({@code off}) only costs restarts.
 */
class CrdbKnobsTest {
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void theClockGuardKeepsRealTimeOrderWhenAClockLeavesTheBound(long seed) throws Exception {
    Scenario s =
        ScenarioReader.read(
            ScenarioLibrary.bundled("crdb-clock-beyond-max-offset"), List.of("clock-guard=on"));
    RunOutcome o = SimRun.run(s, seed, f -> {}, null);
    assertThat(o.checks().get("strict-serializable").validity())
        .as("seed %d: %s", seed, o.checks())
        .isEqualTo(Validity.VALID);
    assertThat(o.metrics().get("clock_fenced")).as("the gateway refused to serve").isPositive();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void anUncheckedRefreshIsCaught(long seed) throws Exception {
    Scenario s =
        ScenarioReader.read(
            ScenarioLibrary.bundled("crdb-bank"), List.of("read-refresh=unchecked"));
    RunOutcome o = SimRun.run(s, seed, f -> {}, null);
    assertThat(o.checks().get("serializable").validity())
        .as("seed %d: %s", seed, o.checks())
        .isEqualTo(Validity.INVALID);
    assertThat(o.checks().get("bank-total").validity()).isEqualTo(Validity.INVALID);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void withoutRefreshesEveryMoveIsARestartAndTheBankHolds(long seed) throws Exception {
    Scenario s =
        ScenarioReader.read(ScenarioLibrary.bundled("crdb-bank"), List.of("read-refresh=off"));
    RunOutcome o = SimRun.run(s, seed, f -> {}, null);
    assertThat(o.checks().get("serializable").validity())
        .as("seed %d: %s", seed, o.checks())
        .isEqualTo(Validity.VALID);
    assertThat(o.checks().get("bank-total").validity()).isEqualTo(Validity.VALID);
    assertThat(o.metrics().get("uncertainty_refreshes")).isZero();
    assertThat(
            o.metrics().getOrDefault("uncertainty_restarts", 0.0)
                + o.metrics().getOrDefault("restarts_pushed", 0.0))
        .isPositive();
  }

  /**
   * Each retry cause the results break down is reachable and counted: blind writes (rw-register)
   * meet newer versions (write too old), everything else comes with contention and skew.
   */
  @org.junit.jupiter.api.Test
  void everyRetryCauseIsCounted() throws Exception {
    Scenario s =
        ScenarioReader.read(
            ScenarioLibrary.bundled("crdb-quickstart"), List.of("workload.name=rw-register"));
    RunOutcome o = SimRun.run(s, 1, f -> {}, null);
    for (String m :
        List.of(
            "write_too_old_pushes",
            "ts_cache_pushes",
            "uncertainty_refreshes",
            "refresh_failures",
            "txn_pushes",
            "deadlocks")) {
      assertThat(o.metrics().get(m)).as(m).isPositive();
    }
    Scenario off =
        ScenarioReader.read(
            ScenarioLibrary.bundled("crdb-quickstart"),
            List.of("workload.name=rw-register", "read-refresh=off"));
    assertThat(SimRun.run(off, 1, f -> {}, null).metrics().get("uncertainty_restarts"))
        .isPositive();
  }
}
