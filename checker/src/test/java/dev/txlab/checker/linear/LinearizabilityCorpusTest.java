package dev.txlab.checker.linear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every history of the third-party linearizability corpus ({@code
 * ../shared/corpus/linearizability/MANIFEST.tsv}: Porcupine's etcd and kv logs, Knossos'
 * cas-register, multi-register and mutex histories) gets the verdict its upstream project asserts.
 * Skipped, saying why, when the corpus is not beside the repository.
 */
class LinearizabilityCorpusTest {

  @TestFactory
  Stream<DynamicTest> everyCorpusVerdictAgrees() throws Exception {
    Path corpus = Corpus.root();
    Assumptions.assumeTrue(
        corpus != null,
        "../shared/corpus is not beside this checkout; the third-party corpus tests are skipped");
    Path dir = corpus.resolve("linearizability");
    List<String> rows = Files.readAllLines(dir.resolve("MANIFEST.tsv"));
    List<DynamicTest> tests = new ArrayList<>();
    for (String row : rows.subList(1, rows.size())) {
      String[] cols = row.split("\t");
      String path = cols[0];
      String expected = cols[4];
      tests.add(
          DynamicTest.dynamicTest(
              path,
              () -> {
                History h = HistoryFormat.read(dir.resolve(path), null);
                LinearResult r = checked(path, h);
                if (expected.equals("linearizable")) {
                  assertThat(r.validity()).as(r.toText()).isEqualTo(Validity.VALID);
                } else if (expected.equals("not-linearizable")) {
                  assertThat(r.validity()).as(r.toText()).isEqualTo(Validity.INVALID);
                } else {
                  assertThat(r.validity())
                      .as("unknown upstream: must at least decide")
                      .isNotEqualTo(Validity.UNKNOWN);
                }
              }));
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(230);
    return tests.stream();
  }

  /** c50-bad's result, checked once for the two test classes that need it. */
  private static LinearResult c50Bad;

  /**
   * The checker's result for a corpus history. Porcupine's c50-bad, whose hard keys take most of a
   * minute to search after the verdict is settled, is checked once and shared with {@code
   * LinearizabilityViewTest}.
   */
  static synchronized LinearResult checked(String path, History h) throws Exception {
    if (!path.endsWith("kv/c50-bad.txt")) {
      return LinearizabilityChecker.check(h, specFor(path));
    }
    if (c50Bad == null) {
      c50Bad = LinearizabilityChecker.check(h, specFor(path));
    }
    return c50Bad;
  }

  /** The model and initial state each upstream test used (see the corpus README). */
  static LinearSpec specFor(String path) {
    // c50-bad: its two undecidable keys are searched to the step bound after the first failure.
    Duration budget = Duration.ofSeconds(path.endsWith("kv/c50-bad.txt") ? 300 : 60);
    if (path.contains("/jepsen/etcd_")) {
      return new LinearSpec("cas-register", null, NilRead.ABSENT, false, budget);
    }
    if (path.contains("/kv/")) {
      return new LinearSpec("kv", null, null, false, budget);
    }
    if (path.contains("/multi-register/")) {
      return new LinearSpec("multi-register", Edn.parse("{:x 0 :y 0}"), null, false, budget);
    }
    if (path.contains("/mutex/")) {
      return new LinearSpec("mutex", null, null, false, budget);
    }
    return new LinearSpec("cas-register", 0L, NilRead.UNKNOWN, false, budget);
  }
}
