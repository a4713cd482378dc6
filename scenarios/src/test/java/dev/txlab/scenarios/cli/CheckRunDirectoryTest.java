package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code txlab check} takes a run directory — the most natural thing to check — and judges its
 * history as the run did: the workload and consistency models from its {@code results.json}.
 */
class CheckRunDirectoryTest {
  @TempDir Path dir;

  @Test
  void aRunDirectoryIsCheckedAsTheRunCheckedIt() throws Exception {
    Path valid = dir.resolve("valid");
    assertThat(CheckCommandTest.txlab("run", "quickstart", "--out", valid.toString()).status())
        .isZero();
    CheckCommandTest.Run ok = CheckCommandTest.txlab("check", valid.toString());
    assertThat(ok.status()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("list-append").contains("strict-serializable");

    Path invalid = dir.resolve("invalid");
    assertThat(
            CheckCommandTest.txlab("run", "commit-wait-off", "--out", invalid.toString()).status())
        .isZero();
    CheckCommandTest.Run bad = CheckCommandTest.txlab("check", invalid.toString());
    assertThat(bad.status()).as(bad.out() + bad.err()).isEqualTo(1);
  }

  @Test
  void aDirectoryWithoutAHistoryIsBadInput() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    CheckCommandTest.Run r = CheckCommandTest.txlab("check", dir.resolve("empty").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.out() + r.err()).contains("a directory without history.edn");
  }
}
