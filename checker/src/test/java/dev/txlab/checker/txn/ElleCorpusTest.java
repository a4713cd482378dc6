package dev.txlab.checker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.history.HistoryFormat;
import dev.txlab.checker.history.Keyword;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Agreement with real Elle: one test per row of {@code ELLE-VERDICTS.tsv} (each a history run under
 * some options, with Elle's verdict, anomaly types and {@code not}). Rows where Elle's answer
 * depends on its cycle-search timeout, or where Elle is known to be wrong, are compared on what is
 * stable and say so in their names.
 */
class ElleCorpusTest {
  private static final Path CORPUS = CorpusLocation.transactional();
  private static final Map<Path, Object> HISTORIES = new ConcurrentHashMap<>();

  /** One row of ELLE-VERDICTS.tsv. */
  record Row(
      String file,
      String workload,
      Map<?, ?> opts,
      String valid,
      List<String> types,
      List<String> not) {
    TxnSpec spec() {
      List<String> models = new ArrayList<>();
      Object ms = opts.get(Keyword.of("consistency-models"));
      if (ms != null) {
        for (Object m : (List<?>) ms) {
          models.add(((Keyword) m).name());
        }
      }
      return new TxnSpec(
          workload,
          models,
          flag("wfr-keys?"),
          flag("sequential-keys?"),
          flag("linearizable-keys?"),
          null);
    }

    boolean flag(String k) {
      return Boolean.TRUE.equals(opts.get(Keyword.of(k)));
    }

    boolean timeoutDependent() {
      return types.contains("cycle-search-timeout")
          || file.contains("sim-prefix")
          || file.contains("sim-brat")
          || file.contains("huge-scc");
    }

    /** README caveat 5: Elle's linearizable-keys inference lists impossible successors. */
    boolean elleLinearizableKeysBug() {
      return flag("linearizable-keys?") && (file.contains("rw-linkeys-false-cyclic-versions"));
    }
  }

  static List<Row> rows() throws IOException {
    List<Row> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(CORPUS.resolve("ELLE-VERDICTS.tsv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      String types = f[4].replaceAll(";.*", "").trim();
      rows.add(new Row(f[0], f[1], (Map<?, ?>) Edn.parse(f[2]), f[3], names(types), names(f[5])));
    }
    return rows;
  }

  private static List<String> names(String ednVector) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) Edn.parse(ednVector)) {
      out.add(((Keyword) o).name());
    }
    return out;
  }

  private static History history(Path p) throws Exception {
    Object h =
        HISTORIES.computeIfAbsent(
            p,
            x -> {
              try {
                return HistoryFormat.read(x, null);
              } catch (HistoryException | IOException e) {
                return e;
              }
            });
    if (h instanceof Exception) {
      throw (Exception) h;
    }
    return (History) h;
  }

  @TestFactory
  Stream<DynamicTest> everyVerdictRow() throws IOException {
    Assumptions.assumeTrue(
        CORPUS != null,
        "shared/corpus/transactional not found above "
            + System.getProperty("user.dir")
            + "; the Elle agreement tests need the shared corpus");
    return rows().stream()
        .map(
            r ->
                DynamicTest.dynamicTest(
                    r.file
                        + " "
                        + r.opts
                        + (r.timeoutDependent()
                            ? " [Elle's search timed out or is timeout-dependent: txlab's anomalies must imply"
                                + " Elle's]"
                            : "")
                        + (r.elleLinearizableKeysBug()
                            ? " [Elle false positive: expect valid]"
                            : ""),
                    () -> check(r)));
  }

  private static void check(Row r) throws Exception {
    Path file = CORPUS.resolve(r.file);
    History h = history(file);
    if (r.valid.equals(":exception")) {
      assertThatThrownBy(() -> TxnChecker.check(h, r.spec()))
          .isInstanceOf(UnfitHistoryException.class);
      return;
    }
    TxnResult res = TxnChecker.check(h, r.spec());
    if (r.elleLinearizableKeysBug()) {
      assertThat(res.validity()).as(res.toText()).isEqualTo(Validity.VALID);
      return;
    }
    assertThat(json(res.validity())).as(res.toText()).isEqualTo(r.valid);
    if (r.timeoutDependent()) {
      // Elle's list depends on which searches its 1 s budget let finish (and its fallback
      // cycles when it gives up); txlab finishes these searches, so it reports the most severe
      // anomaly of each component, which implies what Elle happened to find. Require that.
      Set<String> implied = ModelLattice.impliedAnomalies(res.anomalyTypes());
      List<String> elle = new ArrayList<>();
      for (String t : r.types) {
        if (!t.equals("cycle-search-timeout") && !t.endsWith("-cycle-exists")) {
          elle.add(t);
        }
      }
      assertThat(implied)
          .as("txlab %s must imply Elle's %s", res.anomalyTypes(), r.types)
          .containsAll(elle);
      assertThat(res.anomalyTypes())
          .as("txlab finished the search Elle timed out on")
          .doesNotContain("cycle-search-timeout");
      return;
    }
    assertThat(res.anomalyTypes()).as(res.toText()).isEqualTo(r.types);
    assertThat(res.not()).as(res.toText()).isEqualTo(r.not);
  }

  static String json(Validity v) {
    switch (v) {
      case VALID:
        return "true";
      case INVALID:
        return "false";
      default:
        return ":unknown";
    }
  }

  /** Every history in MANIFEST.tsv is either checked above or skipped here for a stated reason. */
  @Test
  void manifestIsCovered() throws IOException {
    Assumptions.assumeTrue(CORPUS != null, "shared corpus absent");
    Set<String> checked = new TreeSet<>();
    for (Row r : rows()) {
      checked.add(r.file);
    }
    List<String> lines = Files.readAllLines(CORPUS.resolve("MANIFEST.tsv"));
    List<String> unexplained = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String path = line.split("\t")[0];
      boolean reason =
          path.endsWith(".txt") // IsoVista/PolySI text; the .edn conversion is checked
              || path.endsWith("long-fork.edn") // not an Elle workload
              || path.endsWith("100k.edn.gz") // benchmark material (TxnBenchmark), not unit tests
              || path.endsWith("rw-ser-c10-10k.edn"); // checked in LocalRwSimTest
      if (!checked.contains(path) && !reason) {
        unexplained.add(path);
      }
    }
    assertThat(unexplained).isEmpty();
  }
}
