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

  /**
   * Single-key runs too: key by key, as the run checked them — a valid lin-kv run stays valid, a
   * stale read stays invalid, and an oracle's timestamps are checked as the oracle's.
   */
  @Test
  void singleKeyAndTimestampRunsAreCheckedAsTheRunCheckedThem() {
    String[][] runs = {
      {"lin-kv", "0", "cas-register"}, {"raft-local-reads", "1", "cas-register"},
    };
    for (String[] run : runs) {
      Path d = dir.resolve(run[0]);
      assertThat(
              CheckCommandTest.txlab("run", run[0], "--trace", "off", "--out", d.toString())
                  .status())
          .isZero();
      CheckCommandTest.Run r = CheckCommandTest.txlab("check", d.toString());
      assertThat(r.status())
          .as(run[0] + ": " + r.out() + r.err())
          .isEqualTo(Integer.parseInt(run[1]));
      assertThat(r.out()).contains(run[2]);
    }
    Path tso = dir.resolve("tso");
    CheckCommandTest.txlab(
        "run",
        "tso-failover",
        "--set",
        "tso-persist=off",
        "--trace",
        "off",
        "--out",
        tso.toString());
    CheckCommandTest.Run r = CheckCommandTest.txlab("check", tso.toString());
    assertThat(r.status()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("(tso,").contains("the oracle's last");
  }

  @Test
  void aDirectoryWithoutAHistoryIsBadInput() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    CheckCommandTest.Run r = CheckCommandTest.txlab("check", dir.resolve("empty").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.out() + r.err()).contains("a directory without history.edn");
  }
}
