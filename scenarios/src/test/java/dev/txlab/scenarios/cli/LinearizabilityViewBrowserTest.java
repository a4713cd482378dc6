package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code linearizability.html} as a reader's browser draws it: headless Chromium runs the page's
 * script and returns the DOM. Every failing key is listed (failing first) and, opened, draws the
 * operation that cannot be placed; a valid history says so; a key with more than 10,000 operations
 * is drawn whole. Skipped, saying so, where Chromium is not installed ({@code apt-get install
 * chromium}; {@code .ci/run} installs it).
 */
class LinearizabilityViewBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static HeadlessChromium chromium;

  @BeforeAll
  static void setUp() {
    chromium = HeadlessChromium.find(dir);
    Assumptions.assumeTrue(
        chromium != null,
        "Chromium is not installed: linearizability.html is not checked in a browser");
  }

  private static String dom(Path page, String hash) throws Exception {
    String dom = chromium.dom(page, hash, 1280);
    assertThat(dom).as("the page's script ran to its end").contains("data-ready=\"true\"");
    return dom;
  }

  /** The listed keys as the DOM has them: key (as EDN; "" for a single object) → validity. */
  private static Map<String, String> listedKeys(String dom) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile("<li class=\"key [a-z]+\" data-key=\"([^\"]*)\" data-validity=\"([a-z]+)\"")
            .matcher(dom);
    while (m.find()) {
      out.put(m.group(1).replace("&quot;", "\""), m.group(2));
    }
    return out;
  }

  private static List<String> invalidFirst(Map<String, String> keys) {
    List<String> invalid = new ArrayList<>();
    boolean past = false;
    for (Map.Entry<String, String> e : keys.entrySet()) {
      boolean bad = e.getValue().equals("invalid");
      assertThat(bad && past).as("failing keys come first: %s", keys).isFalse();
      past |= !bad;
      if (bad) {
        invalid.add(e.getKey());
      }
    }
    return invalid;
  }

  /** The key's view draws the operation that cannot be placed, and says what it needed. */
  private static void drawsTheBlockedOperation(Path page, String key) throws Exception {
    String dom = dom(page, "#key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
    assertThat(dom).contains("id=\"key-title\">key " + key + " ");
    assertThat(dom).contains("data-blocked-drawn=\"true\"");
    assertThat(dom).contains("The operation that cannot be placed: ").contains("It needed ");
  }

  @Test
  void raftLocalReadsListsEveryFailingKeyAndDrawsEachOnesFailure() throws Exception {
    Path run = dir.resolve("raft-local-reads");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("run", "raft-local-reads", "--out", run.toString());
    assertThat(r.err()).doesNotContain("Exception");
    JsonNode results = JSON.readTree(run.resolve("results.json").toFile());
    String summary = results.get("checks").get("linearizable").get("summary").asText();
    // "not linearizable (keys 1, 0 are not linearizable; …)" or "(key 1)": the checker's keys.
    Set<String> expected = new TreeSet<>();
    Matcher several =
        Pattern.compile("\\(keys ([^;)]+) (?:is|are) not linearizable").matcher(summary);
    Matcher one = Pattern.compile("^not linearizable \\(key ([^)]+)\\)").matcher(summary);
    if (several.find()) {
      expected.addAll(List.of(several.group(1).split(", ")));
    } else {
      assertThat(one.find()).as(summary).isTrue();
      expected.add(one.group(1));
    }

    Path page = run.resolve("linearizability.html");
    String dom = dom(page, "");
    Map<String, String> keys = listedKeys(dom);
    assertThat(new TreeSet<>(invalidFirst(keys))).isEqualTo(expected);
    assertThat(keys.size()).isGreaterThan(expected.size());
    assertThat(dom).contains("data-blocked-drawn=\"true\"");
    for (String key : expected) {
      drawsTheBlockedOperation(page, key);
    }
  }

  @Test
  void everyFailingKeyOfAMultiKeyCorpusHistoryIsListedAndDrawn() throws Exception {
    Path corpus = corpus();
    Assumptions.assumeTrue(corpus != null, "../shared/corpus is not beside this checkout");
    Path out = dir.resolve("c10-bad");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "check",
            "--out",
            out.toString(),
            corpus.resolve("linearizability/porcupine/test_data/kv/c10-bad.txt").toString());
    assertThat(r.status()).as(r.err()).isEqualTo(1);
    Set<String> expected = new TreeSet<>();
    JSON.readTree(out.resolve("results.json").toFile())
        .get("failing_keys")
        .forEach(k -> expected.add("\"" + k.asText() + "\""));
    // Porcupine, key by key, finds the same eight.
    assertThat(expected).hasSize(8);
    Path page = out.resolve("linearizability.html");
    Map<String, String> keys = listedKeys(dom(page, ""));
    assertThat(keys).hasSize(10);
    assertThat(new TreeSet<>(invalidFirst(keys))).isEqualTo(expected);
    for (String key : expected) {
      drawsTheBlockedOperation(page, key);
    }
    // A linearizable key of the same history says so.
    String valid = dom(page, "#key=" + URLEncoder.encode("\"8\"", StandardCharsets.UTF_8));
    assertThat(valid)
        .contains("Valid: key \"8\" is linearizable.")
        .doesNotContain("id=\"failure\"");
  }

  @Test
  void aValidHistorySaysValid() throws Exception {
    Path out = dir.resolve("register-ok");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "check",
            "--out",
            out.toString(),
            CheckCommandTest.example("register-ok.jsonl").toString());
    assertThat(r.status()).as(r.err()).isZero();
    String dom = dom(out.resolve("linearizability.html"), "");
    assertThat(dom).contains("Valid: this history is linearizable.");
    assertThat(dom).contains("id=\"key-valid\"").doesNotContain("id=\"failure\"");
    assertThat(listedKeys(dom)).containsExactly(Map.entry("", "valid"));
  }

  /**
   * A reader's pointer, simulated by a script added to a copy of the page: hovering over the
   * operation that cannot be placed names it, its values and times; the wheel zooms; dragging pans.
   */
  @Test
  void hoverNamesTheOperationAndTheWheelAndDragMoveTheWindow() throws Exception {
    Path out = dir.resolve("stale-read");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "check",
            "--out",
            out.toString(),
            CheckCommandTest.example("stale-read.edn").toString());
    assertThat(r.status()).as(r.err()).isEqualTo(1);
    String page = Files.readString(out.resolve("linearizability.html"));
    String pointer =
        "<script>(function(){const c=document.getElementById('timeline');"
            + "const s=()=>document.getElementById('status').textContent;"
            + "const [x,y]=c.dataset.blockedAt.split(',').map(Number);"
            + "const b=c.getBoundingClientRect();const at={clientX:b.left+x,clientY:b.top+y,"
            + "bubbles:true,cancelable:true};"
            + "c.dispatchEvent(new MouseEvent('mousemove',at));"
            + "const tip=document.getElementById('tip');"
            + "document.body.dataset.hover=tip.hidden?'hidden':tip.textContent;"
            + "const w0=s();c.dispatchEvent(new WheelEvent('wheel',Object.assign({deltaY:-100},at)));"
            + "const w1=s();document.body.dataset.zoomed=String(w1!==w0);"
            + "c.dispatchEvent(new MouseEvent('mousedown',at));"
            + "c.dispatchEvent(new MouseEvent('mousemove',Object.assign({},at,{clientX:at.clientX+200})));"
            + "window.dispatchEvent(new MouseEvent('mouseup',at));"
            + "document.body.dataset.panned=String(s()!==w1);})();</script>";
    Path probe = out.resolve("probe.html");
    Files.writeString(probe, page.replace("</body>", pointer + "</body>"));
    String dom = dom(probe, "");
    Matcher hover = Pattern.compile("data-hover=\"([^\"]*)\"").matcher(dom);
    assertThat(hover.find()).as("the probe ran").isTrue();
    assertThat(hover.group(1))
        .contains("process 2’s read 1 (op 8)")
        .contains("invoked 18 ms")
        .contains("completed 23 ms")
        .contains("result: ok")
        .contains("cannot be placed: it needed the register to hold 1");
    assertThat(dom).contains("data-zoomed=\"true\"").contains("data-panned=\"true\"");
  }

  @Test
  void aKeyWithTwelveThousandOperationsIsDrawnWhole() throws Exception {
    // Eight processes writing and reading one register in turn: linearizable, 12,000 operations.
    StringBuilder h = new StringBuilder();
    long t = 0;
    int index = 0;
    for (int i = 0; i < 6000; i++) {
      int p = i % 8;
      h.append(line(index++, t, "invoke", p, "write", i));
      h.append(line(index++, t + 700, "ok", p, "write", i));
      h.append(line(index++, t + 800, "invoke", p, "read", -1));
      h.append(line(index++, t + 1500, "ok", p, "read", i));
      t += 2000;
    }
    Path history = dir.resolve("big.jsonl");
    Files.writeString(history, h);
    Path out = dir.resolve("big");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "check", "--workload", "register", "--out", out.toString(), history.toString());
    assertThat(r.status()).as(r.err() + r.out()).isZero();
    String dom = dom(out.resolve("linearizability.html"), "");
    assertThat(dom).contains("data-drawn=\"12000\"").contains("12000 of 12000 operations in view");
  }

  private static String line(int index, long time, String type, int process, String f, int v) {
    return "{\"index\":"
        + index
        + ",\"time\":"
        + time
        + ",\"type\":\""
        + type
        + "\",\"process\":"
        + process
        + ",\"f\":\""
        + f
        + "\",\"value\":"
        + (v < 0 ? "null" : Integer.toString(v))
        + "}\n";
  }

  /** {@code ../shared/corpus} beside the repository, or null. */
  private static Path corpus() {
    Path d = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    for (int i = 0; i < 4 && d != null; i++) {
      Path c = d.resolveSibling("shared").resolve("corpus");
      if (Files.isDirectory(c)) {
        return c;
      }
      d = d.getParent();
    }
    return null;
  }
}
