package dev.txlab.checker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lattice answers the questions ELLE-SPEC section 7 answers with Elle's own tables. */
class ModelLatticeTest {

  @Test
  void loneWriteSkewRulesOutRepeatableReadAndAbove() {
    ModelLattice.Boundary b = ModelLattice.boundary(List.of("G2-item"));
    assertThat(b.not()).containsExactly("repeatable-read");
    assertThat(b.alsoNot())
        .containsExactly("serializable", "strong-serializable", "strong-session-serializable");
  }

  @Test
  void readCommittedForbidsG1ButNotInternalOrLostUpdate() {
    Set<String> rc = ModelLattice.prohibitedBy(List.of("read-committed"));
    assertThat(rc)
        .contains(
            "G0",
            "G1a",
            "G1b",
            "G1c",
            "dirty-update",
            "future-read",
            "incompatible-order",
            "duplicate-elements",
            "cyclic-versions");
    assertThat(rc).doesNotContain("internal", "lost-update", "G-single-item", "G2-item");
  }

  @Test
  void snapshotIsolationAllowsWriteSkewOnly() {
    Set<String> si = ModelLattice.prohibitedBy(List.of("snapshot-isolation"));
    assertThat(si)
        .contains("internal", "lost-update", "G-single-item", "G-nonadjacent-item")
        .doesNotContain("G2-item");
    assertThat(ModelLattice.prohibitedBy(List.of("serializable")))
        .contains("G2-item")
        .doesNotContain("G2-item-realtime", "G2-item-process");
  }

  @Test
  void strongModelsAddOrderVariants() {
    assertThat(ModelLattice.prohibitedBy(List.of("strong-session-serializable")))
        .contains("G2-item-process", "G1c-process")
        .doesNotContain("G2-item-realtime");
    assertThat(ModelLattice.prohibitedBy(List.of("strict-serializable")))
        .contains("G2-item-realtime", "G-single-item-realtime", "G0-realtime");
    assertThat(ModelLattice.prohibitedBy(List.of("strong-snapshot-isolation")))
        .contains("G-single-item-realtime")
        .doesNotContain("G2-item-realtime");
  }

  @Test
  void namesAreCanonicalizedBothWays() {
    assertThat(ModelLattice.canonical("strict-serializable")).isEqualTo("PL-SS");
    assertThat(ModelLattice.friendly("PL-SS")).isEqualTo("strong-serializable");
    assertThat(ModelLattice.friendly("PL-3")).isEqualTo("serializable");
    assertThat(ModelLattice.prohibitedBy(List.of("PL-3")))
        .isEqualTo(ModelLattice.prohibitedBy(List.of("serializable")));
  }

  @Test
  void implicationsFollowTheTaxonomy() {
    assertThat(ModelLattice.impliedAnomalies(List.of("G-single-item")))
        .contains(
            "G-single-item-process", "G-single-item-realtime", "G-nonadjacent-item", "G2-item");
    assertThat(ModelLattice.impliedAnomalies(List.of("lost-update"))).contains("G2-item");
    assertThat(ModelLattice.impliedAnomalies(List.of("incompatible-order"))).contains("G1a");
  }
}
