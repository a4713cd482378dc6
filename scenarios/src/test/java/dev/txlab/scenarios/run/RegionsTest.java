package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.checker.Validity;
import dev.txlab.scenarios.script.ScriptException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regions in the simulated network: a message between regions takes the regions' latency on top of
 * the local network's, so single-key operations whose Raft group spans regions get slower by about
 * a round trip between them; the same scenario without regions does not; a replayed run keeps its
 * regions; a bad region table is refused naming the field.
 */
class RegionsTest {
  private static final String SCRIPT =
      """
      name: regions
      duration: 4s
      converge: 1s
      nodes: 3
      shards: 1
      replicas: 3
      workload: {name: register, clients: 3, rate: 100, timeout: 2s}
      """;

  private static final String REGIONS =
      """
      network:
        regions: {us: [n1], eu: [n2], ap: [n3]}
        region-latency: {us-eu: 40ms, us-ap: 60ms, eu-ap: 50ms}
      """;

  private static Scenario read(String extra) throws ScriptException {
    return ScenarioReader.read(
        new ScenarioLibrary.Source("regions", "test", SCRIPT + extra), List.of());
  }

  @Test
  void aRaftGroupAcrossRegionsPaysTheirRoundTrip() throws Exception {
    RunOutcome near = SimRun.run(read(""), 1, f -> {}, null);
    RunOutcome far = SimRun.run(read(REGIONS), 1, f -> {}, null);
    assertThat(near.checks().get("linearizable").validity()).isEqualTo(Validity.VALID);
    assertThat(far.checks().get("linearizable").validity()).isEqualTo(Validity.VALID);
    long nearP50 = Comparison.latencies(near)[0];
    long farP50 = Comparison.latencies(far)[0];
    // A write commits once a majority (the leader and the nearer follower) has it: at least one
    // round trip of the nearest pair, 2 × 40 ms, on top of what the local network costs.
    assertThat(nearP50).isLessThan(20_000_000L);
    assertThat(farP50).isGreaterThan(80_000_000L);
    assertThat(ScenarioYaml.asRun(far.scenario(), 1))
        .contains("regions:")
        .contains("region-latency:");
  }

  @Test
  void aBadRegionTableIsRefusedNamingTheField() {
    assertThatThrownBy(
            () ->
                read(
                    """
                    network:
                      regions: {us: [n1], eu: [n2]}
                      region-latency: {us-eu: 40ms}
                    """))
        .hasMessageContaining("not placed: n3");
    assertThatThrownBy(
            () ->
                read(
                    """
                    network:
                      regions: {us: [n1, n4], eu: [n2, n3]}
                      region-latency: {us-eu: 40ms}
                    """))
        .hasMessageContaining("no node 'n4'");
    assertThatThrownBy(
            () ->
                read(
                    """
                    network:
                      regions: {us: [n1], eu: [n2, n1], ap: [n3]}
                      region-latency: {us-eu: 40ms}
                    """))
        .hasMessageContaining("n1 is already in region us");
    assertThatThrownBy(
            () ->
                read(
                    """
                    network:
                      regions: {us: [n1], eu: [n2], ap: [n3]}
                      region-latency: {us-eu: 40ms, eu-ap: 50ms}
                    """))
        .hasMessageContaining("between us-ap");
    assertThatThrownBy(
            () ->
                read(
                    """
                    network:
                      regions: {us: [n1], eu: [n2], ap: [n3]}
                      region-latency: {us-eu: 40ms, us-ap: soon, eu-ap: 50ms}
                    """))
        .hasMessageContaining("region-latency.us-ap");
    assertThatThrownBy(() -> read("network: {region-latency: {us-eu: 40ms}}\n"))
        .hasMessageContaining("region-latency needs regions");
  }
}
