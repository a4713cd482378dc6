package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SagaScenariosTest {
  @Test
  void debug() throws Exception {
    Scenario s =
        ScenarioReader.read(ScenarioLibrary.bundled("saga-orchestration-crash"), List.of());
    RunOutcome o = SimRun.run(s, 1, f -> {}, null);
    System.out.println("CHECKS " + o.checks());
    System.out.println("METRICS " + o.metrics());
    System.out.println("EXPECT " + RunResults.expectations(o));
    assertThat(o.checks()).isNotEmpty();
  }
}
