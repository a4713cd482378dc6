package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code 2pc-coordinator-crash} report as a reader's browser lays it out at 1280 px: the
 * blocked transaction's story is drawn (coordinator and participants, PREPARE and decision marks,
 * locks and the time in doubt, the coordinator's kill); the plots have a log latency axis, labelled
 * fault bands and the Okabe–Ito palette; no two labels of a drawing overlap (measured by their
 * bounding boxes); every in-page link leads somewhere; hovering a client's bar shows its values.
 * Headless Chromium runs a probe script appended to a copy of the page and writes what it measured
 * into the DOM. Skipped, saying so, where Chromium is not installed.
 */
class ReportBrowserTest {
  @TempDir static Path dir;
  static String chromium;
  static Path run;
  static String html;
  static JsonNode probe;

  /** Measures the laid-out page and writes the result, as JSON, into {@code #probe}. */
  private static final String PROBE =
      """
      <script>
      window.addEventListener('load', function () {
        var out = {overlaps: [], texts: 0, deadLinks: [], links: 0, tip: null};
        document.querySelectorAll('svg.plot, svg.story').forEach(function (svg) {
          var boxes = Array.prototype.map.call(svg.querySelectorAll('text'), function (t) {
            return {t: t.textContent, r: t.getBoundingClientRect()};
          });
          out.texts += boxes.length;
          for (var i = 0; i < boxes.length; i++) {
            for (var j = i + 1; j < boxes.length; j++) {
              var a = boxes[i].r, b = boxes[j].r;
              var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
              var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
              if (w > 0.5 && h > 0.5) { out.overlaps.push(boxes[i].t + ' / ' + boxes[j].t); }
            }
          }
        });
        document.querySelectorAll('a[href^="#"]').forEach(function (a) {
          out.links++;
          var id = decodeURIComponent(a.getAttribute('href').slice(1).split('?')[0]);
          if (!document.getElementById(id)) { out.deadLinks.push(a.getAttribute('href')); }
        });
        var bar = document.querySelector('.tl-ops rect');
        if (bar) {
          var r = bar.getBoundingClientRect();
          bar.dispatchEvent(new MouseEvent('mouseover', {bubbles: true,
              clientX: r.left + 1, clientY: r.top + 1}));
          var tip = document.getElementById('tl-tip');
          out.tip = tip.hidden ? null : tip.textContent;
        }
        var pre = document.createElement('pre');
        pre.id = 'probe';
        pre.textContent = JSON.stringify(out);
        document.body.appendChild(pre);
      });
      </script>
      """;

  @BeforeAll
  static void setUp() throws Exception {
    chromium = onPath("chromium", "chromium-browser", "google-chrome");
    Assumptions.assumeTrue(
        chromium != null, "Chromium is not installed: the report is not checked in a browser");
    run = dir.resolve("run");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("run", "2pc-coordinator-crash", "--out", run.toString());
    assertThat(r.status()).as(r.err()).isZero();
    html = Files.readString(run.resolve("report.html"));
    Path probed = run.resolve("probed.html");
    Files.writeString(probed, html.replace("</body>", PROBE + "</body>"));
    String dom = dom(probed);
    Matcher m = Pattern.compile("<pre id=\"probe\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
    assertThat(m.find()).as("the probe ran").isTrue();
    probe =
        new ObjectMapper()
            .readTree(m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
  }

  private static String onPath(String... names) {
    for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : names) {
        Path p = Path.of(dirName, name);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }

  private static String dom(Path page) throws Exception {
    Path profile = Files.createTempDirectory(dir, "profile");
    Process p =
        new ProcessBuilder(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--user-data-dir=" + profile,
                "--window-size=1280,900",
                "--virtual-time-budget=10000",
                "--dump-dom",
                page.toUri().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
      return out;
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Test
  void theBlockedTransactionsStoryIsDrawn() {
    int at = html.indexOf("<h2 id=waits>");
    assertThat(at).as("a section on the transactions that waited").isPositive();
    String story = html.substring(at, html.indexOf("<h2 ", at + 5));
    // The transaction, its time in doubt and its coordinator's fate, in words.
    assertThat(story)
        .containsPattern("c\\d+/client:\\d+\\.\\d+: in doubt (9|10)\\.\\d+ s on shard-");
    assertThat(story).contains("Why it waited:</b> on the coordinator's node");
    assertThat(story).contains("kill coordinator after prepare → c0");
    // Drawn: a lane per role, each participant's locks and time in doubt, the protocol's marks.
    assertThat(story).contains(">coordinator<title>coordinator at c0/coord</title>");
    assertThat(count(story, "<rect class='hold lock'")).isGreaterThanOrEqualTo(2);
    assertThat(count(story, "<rect class='hold in-doubt'")).isGreaterThanOrEqualTo(2);
    assertThat(story).containsPattern("PREPARED at 4\\.\\d+ s");
    assertThat(story)
        .containsPattern("<title>(ABORT|COMMIT) at 1[34]\\.\\d+ s — learned the decision");
    assertThat(story)
        .containsPattern("in-doubt: prepared, in doubt, 4\\.\\d+ s → 1[34]\\.\\d+ s \\((9|10)\\.");
    assertThat(story).contains("the messages of this transaction");
  }

  @Test
  void thePlotsHaveALogLatencyAxisLabelledFaultBandsAndAColourBlindSafePalette() {
    String plot =
        html.substring(
            html.indexOf("<svg xmlns='http://www.w3.org/2000/svg' class='plot latency'"));
    plot = plot.substring(0, plot.indexOf("</svg>"));
    // Decades on the axis, not a linear scale.
    assertThat(plot).contains(">10 ms</text>").contains(">100 ms</text>").contains(">1 s</text>");
    assertThat(plot).contains(">p50</text>").contains(">p99</text>");
    assertThat(plot).contains("F1 kill coordinator after prepare → c0</text>");
    assertThat(plot).contains("fill='#CC79A7'"); // a crash's band: Okabe–Ito reddish purple
    assertThat(html).contains("<li id=fault-1 value=1>");
    // Okabe–Ito for outcomes, and none of the old red and green.
    assertThat(html).contains("#009E73").contains("#E69F00").contains("#D55E00");
    assertThat(html).doesNotContain("#2e7d32\"></i>ok").doesNotContain("fill='#c62828'");
    assertThat(html).contains("class='plot throughput'");
  }

  @Test
  void noLabelsOverlapAt1280Pixels() {
    assertThat(probe.get("texts").asInt()).as("labels measured").isGreaterThan(40);
    assertThat(probe.get("overlaps")).as("overlapping labels").isEmpty();
  }

  @Test
  void everyInPageLinkLeadsSomewhere() {
    assertThat(probe.get("links").asInt()).as("in-page links").isGreaterThanOrEqualTo(2);
    assertThat(probe.get("deadLinks")).as("links with no target").isEmpty();
  }

  @Test
  void hoveringAClientsBarShowsItsValues() {
    assertThat(probe.get("tip").isNull()).as("a tooltip shown").isFalse();
    assertThat(probe.get("tip").asText()).matches("c\\d+ p\\d+ (ok|fail|info) txn \\[\\[.*ms\\)");
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
