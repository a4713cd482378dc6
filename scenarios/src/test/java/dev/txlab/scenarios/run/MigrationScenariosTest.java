package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Scratch. */
class MigrationScenariosTest {
  @ParameterizedTest(name = "{0} seed {1}")
  @CsvSource({"migrate-cdc-backfill, 1"})
  void meetsItsExpectations(String name, long seed) throws Exception {
    Scenario s = ScenarioReader.read(ScenarioLibrary.bundled(name), List.of());
    RunOutcome o = SimRun.run(s, seed, f -> {}, null);
    System.out.println(name + " seed " + seed + ": " + o.checks() + "\n" + o.metrics());
    assertThat(RunResults.expectations(o)).as("%s seed %d", name, seed).doesNotContainValue(false);
  }
}
