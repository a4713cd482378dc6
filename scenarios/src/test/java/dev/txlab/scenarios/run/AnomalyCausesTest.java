package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every anomaly card names what can explain it, from what the protocol declares: the knob or fault
 * in force that gives up the promise the anomaly breaks — and not the ones that are not in force.
 * Every in-page link of the report has its target.
 */
class AnomalyCausesTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "stale-reads, knob <code>staleness: 100ms</code>, commit-wait: off",
    "commit-wait-off, knob <code>commit-wait: off</code>, staleness:",
    "truetime-lies, </a> <code>truetime-violation leader:shard-0 15ms, knob <code>"
  })
  void eachCardNamesTheKnobOrFaultInForce(String scenario, String named, String notNamed)
      throws Exception {
    Scenario s = ScenarioReader.read(ScenarioLibrary.bundled(scenario), List.of());
    RunOutcome o = SimRun.run(s, 1, f -> {}, null);
    String html =
        RunReport.render(
            o,
            RunResults.toMap(o, "replay", "out"),
            "txn-report.html",
            MessageDiagram.unavailable("not drawn here"));
    int cards = count(html, "<b>What can explain it:</b>");
    assertThat(cards).as("anomaly cards").isPositive();
    String causes = html.substring(html.indexOf("<h2 id=anomalies>"));
    assertThat(count(causes, named)).as("cards naming %s", named).isEqualTo(cards);
    assertThat(causes).doesNotContain(notNamed);
    assertThat(causes).doesNotContain("points at a bug");

    Matcher href = Pattern.compile("href=\"#([^\"?]+)").matcher(html);
    int links = 0;
    while (href.find()) {
      links++;
      assertThat(html)
          .as("the target of #%s", href.group(1))
          .containsPattern("id=\"?" + Pattern.quote(href.group(1)) + "[\"> ]");
    }
    assertThat(links).isPositive();
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
