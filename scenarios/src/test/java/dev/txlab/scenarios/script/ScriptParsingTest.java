package dev.txlab.scenarios.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scripts are read with every value located, and bad input is refused naming line and field. */
class ScriptParsingTest {

  private static final String SCRIPT =
      "name: demo\n"
          + "nodes: 5\n"
          + "duration: 30s\n"
          + "workload:\n"
          + "  rate: 200\n"
          + "  loss: 20%\n"
          + "faults:\n"
          + "  - at 5s kill n1\n"
          + "  - at 10s restart n1\n";

  @Test
  void readsTypedFieldsWithLocations() throws Exception {
    ScriptNode root = ScriptParser.parse("demo.yaml", SCRIPT);
    ScriptMap m = new ScriptMap(root);
    assertThat(m.string("name", null)).isEqualTo("demo");
    assertThat(m.integer("nodes", 3, 1, 99)).isEqualTo(5);
    assertThat(m.duration("duration", null)).isEqualTo(Duration.ofSeconds(30));
    ScriptMap w = m.map("workload");
    assertThat(w.integer("rate", 0, 1, 100_000)).isEqualTo(200);
    assertThat(w.fraction("loss", 0)).isEqualTo(0.2);
    w.finish();
    List<ScriptNode> faults = m.list("faults");
    assertThat(ScriptMap.texts(faults)).containsExactly("at 5s kill n1", "at 10s restart n1");
    assertThat(faults.get(1).line()).isEqualTo(9);
    assertThat(faults.get(1).path()).isEqualTo("faults[1]");
    m.finish();
  }

  @Test
  void unknownFieldIsRefusedWithASuggestion() throws Exception {
    ScriptMap m = new ScriptMap(ScriptParser.parse("s.yaml", "nodes: 3\nreplicaz: 3\n"));
    m.integer("nodes", 3, 1, 9);
    m.integer("replicas", 3, 1, 9);
    assertThatThrownBy(m::finish)
        .isInstanceOf(ScriptException.class)
        .hasMessageStartingWith(
            "s.yaml:2:11: field replicaz: unknown field (did you mean 'replicas'?)");
  }

  @Test
  void wrongTypesAndRangesNameLineAndField() throws Exception {
    ScriptMap m =
        new ScriptMap(
            ScriptParser.parse(
                "s.yaml", "nodes: five\nduration: 10\nshards: 0\nworkload: [1, 2]\n"));
    assertThatThrownBy(() -> m.integer("nodes", 3, 1, 99))
        .hasMessage("s.yaml:1:8: field nodes: expected a whole number, found 'five'");
    assertThatThrownBy(() -> m.duration("duration", null))
        .hasMessage(
            "s.yaml:2:11: field duration: expected a duration like 500ms, 30s or 2m, found '10'");
    assertThatThrownBy(() -> m.integer("shards", 1, 1, 64))
        .hasMessage("s.yaml:3:9: field shards: must be between 1 and 64, found 0");
    assertThatThrownBy(() -> m.map("workload"))
        .hasMessage("s.yaml:4:11: field workload: expected a map of fields, found a list");
  }

  @Test
  void malformedYamlAndDuplicatesAreRefused() {
    assertThatThrownBy(() -> ScriptParser.parse("s.yaml", "nodes: 3\n  shards: [1, 2\n"))
        .isInstanceOf(ScriptException.class)
        .hasMessageStartingWith("s.yaml:2:")
        .hasMessageContaining("malformed YAML");
    assertThatThrownBy(() -> ScriptParser.parse("s.yaml", "nodes: 3\nshards: 2\nnodes: 5\n"))
        .hasMessage("s.yaml:3:1: field nodes: written twice (first at line 1)");
    assertThatThrownBy(() -> ScriptParser.parse("s.yaml", "a: 1\n---\nb: 2\n"))
        .hasMessageContaining("only one YAML document");
  }

  @Test
  void overridesAreAppliedBeforeReadingAndValidatedLikeTheFile() throws Exception {
    ScriptNode root =
        Overrides.apply(
            ScriptParser.parse("demo.yaml", SCRIPT),
            List.of("nodes=7", "workload.rate=50", "network.loss=5%", "faults=[at 1s kill n2]"));
    ScriptMap m = new ScriptMap(root);
    assertThat(m.integer("nodes", 3, 1, 99)).isEqualTo(7);
    assertThat(m.map("workload").integer("rate", 0, 1, 1000)).isEqualTo(50);
    assertThat(m.map("network").fraction("loss", 0)).isEqualTo(0.05);
    assertThat(ScriptMap.texts(m.list("faults"))).containsExactly("at 1s kill n2");

    ScriptMap bad =
        new ScriptMap(
            Overrides.apply(ScriptParser.parse("demo.yaml", SCRIPT), List.of("nodes=lots")));
    assertThatThrownBy(() -> bad.integer("nodes", 3, 1, 99))
        .hasMessage("--set nodes=lots: field nodes: expected a whole number, found 'lots'");
    assertThatThrownBy(() -> Overrides.apply(ScriptParser.parse("d", SCRIPT), List.of("nodes")))
        .hasMessageContaining("expected PATH=VALUE");
    assertThatThrownBy(() -> Overrides.apply(ScriptParser.parse("d", SCRIPT), List.of("name.x=1")))
        .hasMessageContaining("cannot set a field inside 'demo'");
    assertThatThrownBy(() -> Overrides.apply(ScriptParser.parse("d", SCRIPT), List.of("a..b=1")))
        .hasMessageContaining("not a field path");
  }
}
