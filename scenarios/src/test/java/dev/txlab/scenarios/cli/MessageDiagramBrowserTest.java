package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.scenarios.trace.MessageTrace;
import dev.txlab.scenarios.trace.TraceLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The message diagram as a reader's browser draws it: headless Chromium runs the page's script and
 * returns the DOM, and the arrows drawn are the ones the trace says the view selects. Skipped,
 * saying so, where Chromium is not installed ({@code apt-get install chromium}); nothing else in
 * the build needs it.
 */
class MessageDiagramBrowserTest {
  @TempDir static Path dir;
  static HeadlessChromium chromium;
  static Path run;
  static MessageTrace trace;

  @BeforeAll
  static void setUp() throws Exception {
    chromium = HeadlessChromium.find(dir);
    Assumptions.assumeTrue(
        chromium != null, "Chromium is not installed: the diagram is not checked in a browser");
    run = dir.resolve("run");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run",
            "quickstart",
            "--set",
            "duration=3s",
            "--set",
            "converge=1s",
            "--fault",
            "at 1s for 500ms isolate n1",
            "--out",
            run.toString());
    assertThat(r.status()).as(r.err()).isZero();
    trace = MessageTrace.read(run.resolve("trace.jsonl.gz"));
  }

  /** The report's DOM after its scripts ran, opened at {@code hash}. */
  private static String dom(String hash) throws Exception {
    String out = chromium.dom(run.resolve("report.html"), hash, 1280);
    assertThat(out).contains("data-ready=\"true\"");
    return out;
  }

  /** The drawn arrows' attributes: one map per {@code <g class="m" …>}. */
  private static List<String> arrows(String dom) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<g class=\"m\"([^>]*)>").matcher(dom);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static List<MessageTrace.Msg> inWindow(long fromMicros, long toMicros) {
    return trace.messages().stream()
        .filter(m -> m.sent() / 1000 <= toMicros && m.at() / 1000 >= fromMicros)
        .toList();
  }

  @Test
  void theFirstViewIsOneTransactionWholeAndSmall() throws Exception {
    String dom = dom("");
    List<String> arrows = arrows(dom);
    assertThat(arrows).hasSizeBetween(5, 120);
    Matcher status =
        Pattern.compile("First, one transaction whole: (c\\d+/client:\\d+)").matcher(dom);
    assertThat(status.find()).as("the status names the transaction").isTrue();
    String id = status.group(1);
    assertThat(arrows).hasSize(trace.ofTransactions(List.of(id)).size());
    assertThat(arrows).allMatch(a -> a.contains("data-txn=\"" + id + "."));
  }

  @Test
  void aTransactionLinkDrawsExactlyThatTransactionsMessages() throws Exception {
    String id = "c2/client:3";
    List<MessageTrace.Msg> expected = trace.ofTransactions(List.of(id));
    assertThat(expected).isNotEmpty();
    List<String> arrows = arrows(dom("#messages?txn=" + id));
    assertThat(arrows).hasSize(expected.size());
    for (String a : arrows) {
      Matcher txn = Pattern.compile("data-txn=\"([^\"]+)\"").matcher(a);
      assertThat(txn.find()).as(a).isTrue();
      assertThat(TraceLine.inTransaction(txn.group(1), id)).as(a).isTrue();
    }
  }

  @Test
  void aWindowDrawsEveryMessageInItAndMarksTheLostOnes() throws Exception {
    List<MessageTrace.Msg> expected = inWindow(1_000_000, 1_030_000);
    long lost = expected.stream().filter(m -> m.lost() != null).count();
    assertThat(lost).as("the partition loses messages then").isPositive();
    String dom = dom("#messages?from=1.000000&to=1.030000");
    List<String> arrows = arrows(dom);
    assertThat(arrows).hasSize(expected.size());
    assertThat(arrows.stream().filter(a -> a.contains("data-lost=\"partition\"")).count())
        .isEqualTo(lost);
    assertThat(dom).contains("partitioned");
  }

  @Test
  void aTypeFilterDrawsOnlyThatType() throws Exception {
    long expected =
        inWindow(500_000, 800_000).stream().filter(m -> m.type().equals("Prepare")).count();
    assertThat(expected).isPositive();
    List<String> arrows = arrows(dom("#messages?from=0.500000&to=0.800000&type=Prepare"));
    assertThat(arrows).hasSize((int) expected).allMatch(a -> a.contains("data-type=\"Prepare\""));
  }
}
