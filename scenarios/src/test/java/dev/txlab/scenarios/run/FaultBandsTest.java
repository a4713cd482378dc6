package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plots' fault bands: a fault with a window is shaded over it, one without a window that stays
 * (a kill) until the run's faults end, and an action (a restart, a heal, disconnect-clients) is a
 * moment — not stretched to the end of the run as if it were still in force.
 */
class FaultBandsTest {
  @Test
  void windowsStatesAndActionsEachGetTheirOwnExtent() throws Exception {
    Scenario s =
        ScenarioReader.read(
            ScenarioLibrary.bundled("quickstart"),
            List.of(
                "duration=4s",
                "converge=1s",
                "faults=[at 1s for 1s isolate n1, at 2500ms kill n2, at 3s restart n2,"
                    + " at 3500ms disconnect-clients n1]"));
    RunOutcome o = SimRun.run(s, 1, f -> {}, null);
    List<RunPlots.Band> bands = RunPlots.bands(o, 5_000_000_000L);
    assertThat(bands).hasSize(4);
    assertThat(bands.get(0).start()).isEqualTo(1_000_000_000L);
    assertThat(bands.get(0).end()).isEqualTo(2_000_000_000L);
    // The kill has no window: the node stays down until the run's faults end.
    assertThat(bands.get(1).end()).isEqualTo(4_000_000_000L);
    // Actions: a moment each.
    assertThat(bands.get(2).end()).isEqualTo(bands.get(2).start()).isEqualTo(3_000_000_000L);
    assertThat(bands.get(3).end()).isEqualTo(bands.get(3).start()).isEqualTo(3_500_000_000L);
  }
}
