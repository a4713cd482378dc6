package dev.txlab.checker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryFormat;
import dev.txlab.checker.history.Keyword;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compares txlab's full result with Elle's own output for every hand-written case of {@code
 * elle-minimal/expected/<case>/<model>/result.edn}: verdict, anomaly types, {@code not} and {@code
 * also-not}, and for each cycle its length and the relationships of its steps (up to where the
 * cycle is cut open, which Elle chooses by search order).
 */
class ElleExpectedOutputTest {

  @TestFactory
  Stream<DynamicTest> everyExpectedResult() throws IOException {
    Path corpus = CorpusLocation.transactional();
    Assumptions.assumeTrue(corpus != null, "shared corpus absent");
    Path expected = corpus.resolve("elle-minimal/expected");
    List<Path> results;
    try (Stream<Path> s = Files.walk(expected)) {
      results =
          s.filter(p -> p.getFileName().toString().equals("result.edn"))
              .sorted()
              .collect(Collectors.toList());
    }
    return results.stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    expected.relativize(p.getParent()).toString(), () -> check(corpus, p)));
  }

  private static void check(Path corpus, Path resultFile) throws Exception {
    String text = Files.readString(resultFile);
    String optsLine = text.lines().filter(l -> l.startsWith(";;")).findFirst().orElseThrow();
    Map<?, ?> opts = (Map<?, ?>) Edn.parse(optsLine.substring(optsLine.indexOf('{')));
    // Clojure allows a quote in keywords (:value', :a'); EDN does not.
    Map<?, ?> elle = (Map<?, ?>) Edn.parse(text.replaceAll("(:[A-Za-z-]+)'", "$1-prime"));
    String caseName = resultFile.getParent().getParent().getFileName().toString();
    History h = HistoryFormat.read(corpus.resolve("elle-minimal/" + caseName + ".edn"), null);
    List<String> models = new ArrayList<>();
    for (Object m : (List<?>) opts.get(Keyword.of("consistency-models"))) {
      models.add(((Keyword) m).name());
    }
    TxnSpec spec =
        new TxnSpec(
            caseName.startsWith("la-") ? "list-append" : "rw-register",
            models,
            Boolean.TRUE.equals(opts.get(Keyword.of("wfr-keys?"))),
            false,
            false,
            null);
    if (elle.containsKey(Keyword.of("ex-data")) || elle.containsKey(Keyword.of("exception"))) {
      assertThatThrownBy(() -> TxnChecker.check(h, spec)).isInstanceOf(UnfitHistoryException.class);
      return;
    }
    TxnResult r = TxnChecker.check(h, spec);
    Object valid = elle.get(Keyword.of("valid?"));
    assertThat(ElleCorpusTest.json(r.validity()))
        .isEqualTo(valid instanceof Keyword ? valid.toString() : String.valueOf(valid));
    assertThat(r.anomalyTypes())
        .as(r.toText())
        .isEqualTo(names((Collection<?>) elle.get(Keyword.of("anomaly-types"))));
    assertThat(r.not()).isEqualTo(names((Collection<?>) elle.get(Keyword.of("not"))));
    assertThat(r.alsoNot()).isEqualTo(names((Collection<?>) elle.get(Keyword.of("also-not"))));
    Map<?, ?> anomalies = (Map<?, ?>) elle.get(Keyword.of("anomalies"));
    if (anomalies == null) {
      return;
    }
    for (Map.Entry<?, ?> e : anomalies.entrySet()) {
      String type = ((Keyword) e.getKey()).name();
      if (!CycleSearch.CYCLE_TYPES.contains(type)) {
        continue;
      }
      Map<?, ?> first = (Map<?, ?>) ((List<?>) e.getValue()).get(0);
      List<String> elleSteps = new ArrayList<>();
      for (Object st : (List<?>) first.get(Keyword.of("steps"))) {
        elleSteps.add(((Keyword) ((Map<?, ?>) st).get(Keyword.of("type"))).name());
      }
      AnomalyCase ours = r.reportable().get(type).get(0);
      List<String> ourSteps = new ArrayList<>();
      for (Step st : ours.cycle().steps()) {
        ourSteps.add(Rel.name(st.rel()));
      }
      assertThat(rotations(ourSteps))
          .as("%s steps: ours %s, Elle's %s", type, ourSteps, elleSteps)
          .contains(elleSteps);
    }
  }

  private static List<String> names(Collection<?> keywords) {
    TreeSet<String> out = new TreeSet<>();
    if (keywords != null) {
      for (Object k : keywords) {
        out.add(((Keyword) k).name());
      }
    }
    return List.copyOf(out);
  }

  private static List<List<String>> rotations(List<String> steps) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      List<String> r = new ArrayList<>(steps.subList(i, steps.size()));
      r.addAll(steps.subList(0, i));
      out.add(r);
    }
    return out;
  }
}
