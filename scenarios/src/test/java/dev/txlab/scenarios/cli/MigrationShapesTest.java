package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import dev.txlab.scenarios.run.Check;
import dev.txlab.scenarios.run.RunOutcome;
import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.run.ScenarioLibrary;
import dev.txlab.scenarios.run.ScenarioReader;
import dev.txlab.scenarios.run.SimRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The migration lab on the random shapes of {@code txlab soak shapes} (nodes, shards, replicas,
 * lossy, duplicating and reordering links, random faults that may hit the old store, the consumer
 * and the router too), with CDC or an outbox, every read shadowed, and five strangler-fig steps on
 * top: no run crashes, none is invalid, no shadow read raises a false alarm, and a store comparison
 * is undecided only when the run ended before the migration settled (it says so). These shapes
 * found the old store applying a duplicated write late, and a timed-out write landing behind a
 * drain's head.
 */
class MigrationShapesTest {
  static final List<String> STEPS =
      List.of(
          "  - at 2s phase 1",
          "  - at 3s phase 2",
          "  - at 4s rollback phase 1",
          "  - at 5s phase 3",
          "  - at 6s phase 1");

  @Test
  void randomShapesWithStepsNeitherCrashNorBreakAGuarantee() throws Exception {
    List<String> bad = new ArrayList<>();
    int runs = 0;
    for (long seed = 1; runs < 40; seed++) {
      String script = SoakCommand.Shapes.script(seed);
      if (!script.contains("name: register") || !script.contains("faults:\n")) {
        continue;
      }
      runs++;
      script =
          script
              .replaceAll(
                  "protocol: [a-z-]+",
                  "protocol: migration\nshadow-reads: 100%\nstrategy: "
                      + (seed % 2 == 0 ? "outbox" : "cdc"))
              .replace("faults:\n", "faults:\n" + String.join("\n", STEPS) + "\n");
      Scenario s =
          ScenarioReader.read(
              new ScenarioLibrary.Source("shape-" + seed, "shape " + seed, script), List.of());
      RunOutcome o = SimRun.run(s, seed, f -> {}, null);
      if (o.metrics().get("shadow_mismatches") > 0) {
        // With a correct backfill a fair comparison never differs: a mismatch is a false alarm.
        bad.add("seed " + seed + " shadow reads: " + o.findings().get("shadow-read mismatches"));
      }
      for (Map.Entry<String, Check> c : o.checks().entrySet()) {
        Validity v = c.getValue().validity();
        boolean undecidedComparison =
            c.getKey().equals("stores-agree")
                && v == Validity.UNKNOWN
                && c.getValue().summary().contains("had not settled");
        if (v != Validity.VALID && !undecidedComparison) {
          bad.add("seed " + seed + " " + c.getKey() + ": " + c.getValue().summary());
        }
      }
    }
    assertThat(bad).isEmpty();
  }
}
