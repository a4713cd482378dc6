package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The soak: each correct-mode bundled scenario for many seeds (1,000 unless {@code -Dseeds=N};
 * {@code -DfirstSeed=S} to continue a range), with zero checker violations, zero invariant failures
 * (atomicity is checked after every simulated event and throws; Raft's safety monitor counts) and
 * every expectation met. Run with {@code mvn -B -pl scenarios test -Psoak -Dtest=ScenarioSoakTest}
 * ({@code -DsoakScenarios=quickstart,…} for some of them).
 */
@Tag("soak")
class ScenarioSoakTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "quickstart",
        "2pc-coordinator-crash",
        "2pc-replicated-coordinator",
        "bank-under-partitions",
        "crdb-quickstart",
        "crdb-bank",
        "percolator-quickstart",
        "percolator-client-crash",
        "tso-failover",
        "saga-orchestration-crash",
        "saga-choreography-duplicates",
        "migrate-outbox",
        "migrate-cdc-backfill",
        "migrate-cdc-consumer-down",
        "migrate-strangler"
      })
  void correctScenariosHoldForEverySeed(String name) throws Exception {
    String only = System.getProperty("soakScenarios", "");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        only.isEmpty() || List.of(only.split(",")).contains(name), "not in -DsoakScenarios");
    int seeds = Integer.getInteger("seeds", 1000);
    long first = Long.getLong("firstSeed", 1);
    Scenario s = ScenarioReader.read(ScenarioLibrary.bundled(name), List.of());
    List<String> failures = new ArrayList<>();
    long started = System.nanoTime();
    long txns = 0;
    for (long seed = first; seed < first + seeds; seed++) {
      RunOutcome o;
      try {
        o = SimRun.run(s, seed, f -> {}, null);
      } catch (RuntimeException | AssertionError e) {
        // An invariant monitor (atomicity, Raft safety, TrueTime) fails the run by throwing.
        failures.add("seed " + seed + ": " + e);
        System.out.println("soak " + name + " FAILED " + failures.get(failures.size() - 1));
        continue;
      }
      // Transactions, or single-key operations for a workload of single keys.
      txns += o.metrics().getOrDefault("txns", o.metrics().getOrDefault("ops", 0.0)).longValue();
      List<String> bad = new ArrayList<>();
      for (Map.Entry<String, Check> c : o.checks().entrySet()) {
        if (c.getValue().validity() != Validity.VALID) {
          bad.add(c.getKey() + " " + c.getValue().validity() + " " + c.getValue().anomalyTypes());
        }
      }
      for (Map.Entry<String, Boolean> e : RunResults.expectations(o).entrySet()) {
        if (!e.getValue()) {
          bad.add("expectation '" + e.getKey() + "'");
        }
      }
      if (o.metrics().getOrDefault("raft_safety_violations", 0.0) > 0) {
        bad.add("raft safety: " + o.simulated().raftViolations());
      }
      if (!bad.isEmpty()) {
        failures.add(
            "seed "
                + seed
                + ": "
                + bad
                + " (replay: ./txlab run "
                + name
                + " --seed "
                + seed
                + ")");
        System.out.println("soak " + name + " FAILED " + failures.get(failures.size() - 1));
      }
      if ((seed - first + 1) % 100 == 0) {
        System.out.printf(
            "soak %s: %d seeds, %d failures, %.0f s%n",
            name, seed - first + 1, failures.size(), (System.nanoTime() - started) / 1e9);
      }
    }
    System.out.printf(
        "soak %s: seeds %d..%d, %,d transactions (or single-key operations), %d failures, %.0f s%n",
        name, first, first + seeds - 1, txns, failures.size(), (System.nanoTime() - started) / 1e9);
    assertThat(failures).as(name).isEmpty();
  }
}
