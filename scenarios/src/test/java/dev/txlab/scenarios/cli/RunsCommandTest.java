package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code txlab runs list|gc} and {@code txlab serve}'s refusals, on the terminal. */
class RunsCommandTest {
  @TempDir Path tmp;

  private Path runs() throws Exception {
    Path runs = tmp.resolve("runs");
    for (int day = 1; day <= 3; day++) {
      dev.txlab.scenarios.run.RunIndexTest.fakeRun(
          runs, "quickstart", "2026010" + day + "-000000-000", true);
    }
    dev.txlab.scenarios.run.RunIndexTest.fakeRun(runs, "stale-reads", "20260101-000000-000", false);
    return runs;
  }

  @Test
  void listShowsEveryRunNewestFirst() throws Exception {
    Path runs = runs();
    CheckCommandTest.Run r = CheckCommandTest.txlab("runs", "list", "--runs", runs.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("4 runs");
    assertThat(r.out().indexOf("20260103")).isLessThan(r.out().indexOf("20260102"));
    assertThat(r.out()).contains("INVALID  G-single");
  }

  @Test
  void gcDeletesAllButTheNewestPerScenarioAndDryRunDeletesNothing() throws Exception {
    Path runs = runs();
    CheckCommandTest.Run dry =
        CheckCommandTest.txlab("runs", "gc", "--runs", runs.toString(), "--keep", "1", "--dry-run");
    assertThat(dry.status()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("would delete 2 of 4 runs (keeping the 1 newest per scenario)");
    assertThat(runs.resolve("quickstart/20260101-000000-000")).exists();

    CheckCommandTest.Run gc =
        CheckCommandTest.txlab("runs", "gc", "--runs", runs.toString(), "--keep", "1");
    assertThat(gc.status()).as(gc.err()).isZero();
    assertThat(runs.resolve("quickstart/20260101-000000-000")).doesNotExist();
    assertThat(runs.resolve("quickstart/20260102-000000-000")).doesNotExist();
    assertThat(runs.resolve("quickstart/20260103-000000-000")).exists();
    assertThat(runs.resolve("stale-reads/20260101-000000-000")).exists();
  }

  @Test
  void badInputExitsTwoNamingTheFieldAndChangesNothing() throws Exception {
    Path runs = runs();
    CheckCommandTest.Run zero =
        CheckCommandTest.txlab("runs", "gc", "--runs", runs.toString(), "--keep", "0");
    assertThat(zero.status()).isEqualTo(2);
    assertThat(zero.err()).contains("--keep");
    try (var files = Files.walk(runs)) {
      assertThat(files.filter(p -> p.endsWith("results.json")).count()).isEqualTo(4);
    }
    CheckCommandTest.Run missing =
        CheckCommandTest.txlab("runs", "list", "--runs", tmp.resolve("nope").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("--runs");
    CheckCommandTest.Run port =
        CheckCommandTest.txlab("serve", "--runs", runs.toString(), "--port", "70000");
    assertThat(port.status()).isEqualTo(2);
    assertThat(port.err()).contains("--port");
  }
}
