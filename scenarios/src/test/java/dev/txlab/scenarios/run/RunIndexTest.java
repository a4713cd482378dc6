package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs index: every run appends its line, runs without one are still found, and gc deletes only
 * old run directories inside the runs directory, keeping {@code latest} valid.
 */
public class RunIndexTest {
  @TempDir Path tmp;

  /** A run directory of {@code scenario} stamped {@code stamp}, with a results.json. */
  public static Path fakeRun(Path runs, String scenario, String stamp, boolean valid)
      throws Exception {
    Path dir = runs.resolve(scenario).resolve(stamp);
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve(RunDirectory.RESULTS), RunResults.json(results(scenario, valid), true));
    Files.writeString(
        dir.resolve(RunDirectory.REPORT), "<html>report of " + scenario + " " + stamp);
    return dir;
  }

  public static Map<String, Object> results(String scenario, boolean valid) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", scenario);
    m.put("seed", 7);
    m.put("host", "sim");
    m.put("protocol", "spanner");
    m.put("valid", valid);
    m.put(
        "checks",
        Map.of(
            "strict-serializable",
            Map.of("valid", valid, "anomaly_types", valid ? List.of() : List.of("G-single"))));
    m.put("metrics", Map.of("txns", 10, "txns_ok", 9, "blocked_txns", 1, "events", 5));
    return m;
  }

  @Test
  void everyRunIsListedFromItsLineOrByTheScanNewestFirst() throws Exception {
    Path runs = tmp.resolve("runs");
    Path a = fakeRun(runs, "quickstart", "20260101-000000-000", true);
    Path b = fakeRun(runs, "stale-reads", "20260102-000000-000", false);
    Path old = fakeRun(runs, "quickstart", "20250101-000000-000", true); // no line: scanned
    RunIndex.append(runs, a, results("quickstart", true));
    RunIndex.append(runs, b, results("stale-reads", false));
    Files.writeString(
        runs.resolve(RunIndex.FILE),
        "{not json\n{\"dir\":\"gone/20260103-000000-000\",\"scenario\":\"gone\"}\n",
        java.nio.file.StandardOpenOption.APPEND);

    List<RunIndex.Entry> all = RunIndex.read(runs);

    assertThat(all)
        .extracting(RunIndex.Entry::dir)
        .containsExactlyInAnyOrder(
            "quickstart/20260101-000000-000",
            "stale-reads/20260102-000000-000",
            "quickstart/20250101-000000-000");
    assertThat(all.get(all.size() - 1).dir()).isEqualTo(runs.relativize(old).toString());
    RunIndex.Entry stale =
        all.stream().filter(e -> e.scenario().equals("stale-reads")).findFirst().orElseThrow();
    assertThat(stale.line().get("anomaly_types")).isEqualTo(List.of("G-single"));
    assertThat(stale.line().get("valid")).isEqualTo(false);
    @SuppressWarnings("unchecked")
    Map<String, Object> metrics = (Map<String, Object>) stale.line().get("metrics");
    assertThat(metrics).containsEntry("blocked_txns", 1).doesNotContainKey("events");
    assertThat(RunIndex.line("x", results("quickstart", true), Instant.EPOCH))
        .containsEntry("date", "1970-01-01T00:00:00Z");
  }

  @Test
  void gcKeepsTheNewestPerScenarioOrOverallAndNothingOutside() throws Exception {
    Path runs = tmp.resolve("runs");
    for (int day = 1; day <= 4; day++) {
      fakeRun(runs, "quickstart", "2026010" + day + "-000000-000", true);
    }
    fakeRun(runs, "stale-reads", "20250101-000000-000", false);
    // Something outside, named by a forged line and linked from inside: never deleted.
    Path outside = fakeRun(tmp.resolve("elsewhere"), "x", "20200101-000000-000", true);
    Files.createSymbolicLink(runs.resolve("quickstart").resolve("20190101-000000-000"), outside);
    Files.writeString(
        runs.resolve(RunIndex.FILE),
        "{\"dir\":\"../elsewhere/x/20200101-000000-000\",\"scenario\":\"quickstart\",\"date\":\"2000-01-01T00:00:00Z\"}\n");
    Files.createSymbolicLink(runs.resolve("latest"), Path.of("quickstart/20260101-000000-000"));

    List<RunIndex.Entry> all = RunIndex.read(runs);
    assertThat(all).hasSize(5);
    List<RunIndex.Entry> doomed = RunIndex.toDelete(all, 2, true);
    assertThat(doomed)
        .extracting(RunIndex.Entry::dir)
        .containsExactly("quickstart/20260102-000000-000", "quickstart/20260101-000000-000");
    assertThat(RunIndex.toDelete(all, 2, false))
        .extracting(RunIndex.Entry::dir)
        .containsExactly(
            "quickstart/20260102-000000-000",
            "quickstart/20260101-000000-000",
            "stale-reads/20250101-000000-000");

    long freed = RunIndex.delete(runs, doomed);

    assertThat(freed).isPositive();
    assertThat(RunIndex.read(runs))
        .extracting(RunIndex.Entry::dir)
        .containsExactly(
            "quickstart/20260104-000000-000",
            "quickstart/20260103-000000-000",
            "stale-reads/20250101-000000-000");
    assertThat(outside.resolve(RunDirectory.RESULTS)).exists();
    assertThat(runs.resolve("latest").toRealPath())
        .isEqualTo(runs.resolve("quickstart/20260104-000000-000").toRealPath());
  }
}
