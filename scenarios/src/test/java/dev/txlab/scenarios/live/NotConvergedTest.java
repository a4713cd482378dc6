package dev.txlab.scenarios.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import dev.txlab.scenarios.run.Check;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A live run whose cluster has a node down at the end is not called converged, however many
 * transactions a majority committed after the last fault (issue 12: "not converged: n2 down").
 */
class NotConvergedTest {
  private static LiveWorkload.Result result() throws Exception {
    Map<String, Check> checks = new LinkedHashMap<>();
    checks.put("strict-serializable", new Check(Validity.VALID, List.of(), "valid"));
    checks.put(
        "converged",
        new Check(Validity.VALID, List.of(), "146 transactions committed after the final heal"));
    return new LiveWorkload.Result(
        History.of("test", List.of()), checks, null, new TreeMap<>(), List.of(), 0, 1, 0);
  }

  @Test
  void aNodeDownAtTheEndMeansNotConverged() throws Exception {
    LiveWorkload.Result r = LiveScenarioRun.notConvergedIfDown(result(), List.of("n2"));
    Check c = r.checks().get("converged");
    assertThat(c.validity()).isEqualTo(Validity.INVALID);
    assertThat(c.summary())
        .startsWith("not converged: n2 is down at the end")
        .contains("146 transactions committed");
    assertThat(r.validity()).isEqualTo(Validity.INVALID);
    assertThat(r.checks().get("strict-serializable").validity()).isEqualTo(Validity.VALID);
  }

  @Test
  void everyNodeUpLeavesTheVerdictAlone() throws Exception {
    LiveWorkload.Result before = result();
    assertThat(LiveScenarioRun.notConvergedIfDown(before, List.of())).isSameAs(before);
  }
}
