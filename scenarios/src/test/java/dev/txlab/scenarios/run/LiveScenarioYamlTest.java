package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A live run's {@code scenario.yaml} states what happened (issue 12): the seed of its fault plan,
 * the faults as applied with their times, and — commented out, so no one takes them for what ran —
 * the simulated network and clocks the live host did not apply. It still reads back as the same
 * script.
 */
class LiveScenarioYamlTest {
  @Test
  void simulatedOnlySectionsAreMarkedAndAppliedFaultsListed() throws Exception {
    Scenario s = ScenarioReader.read(ScenarioLibrary.bundled("quickstart"), List.of());
    String yaml =
        ScenarioYaml.asLiveRun(
            s, 42, List.of("at 1.812s partition majority-ring → n1,n2,n3,n4,n5", "at 4.5s heal"));
    assertThat(yaml)
        .contains("seed: 42")
        .contains("# simulated only — the live host did not apply this:\n# network:")
        .contains("# simulated only — the live host did not apply this:\n# clocks:")
        .contains("#   latency:")
        .doesNotContain("\nnetwork:")
        .doesNotContain("\nclocks:")
        .endsWith(
            "# faults as applied on the live cluster (seconds from the workload's start):\n"
                + "#   at 1.812s partition majority-ring → n1,n2,n3,n4,n5\n"
                + "#   at 4.5s heal\n");
    Scenario again =
        ScenarioReader.read(
            new ScenarioLibrary.Source("quickstart", "scenario.yaml", yaml), List.of());
    assertThat(again.seed()).isEqualTo(42);
    assertThat(again.faults()).isEqualTo(s.faults());
    assertThat(again.knobs()).isEqualTo(s.knobs());
    assertThat(again.duration()).isEqualTo(s.duration());
  }
}
