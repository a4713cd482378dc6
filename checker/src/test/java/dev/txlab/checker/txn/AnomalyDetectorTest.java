package dev.txlab.checker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One small history per anomaly type, written in {@link TxnNotation}, checked for exactly the
 * anomaly types Elle would report. Each test is the smallest story of its anomaly.
 */
class AnomalyDetectorTest {

  private static TxnResult appends(String h, String... models) throws UnfitHistoryException {
    return TxnChecker.check(TxnNotation.appends(h), TxnSpec.of("list-append", models));
  }

  private static TxnResult registers(String h, boolean wfr, String... models)
      throws UnfitHistoryException {
    return TxnChecker.check(
        TxnNotation.registers(h),
        new TxnSpec("rw-register", List.of(models), wfr, false, false, null));
  }

  // ------------------------------------------------------------------ write cycles

  @Test
  void g0WriteCycle() throws Exception {
    // x orders T1 before T2, y orders T2 before T1.
    TxnResult r = appends("(ax1ay1 ax2ay2) rx12 ry21", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G0");
    assertThat(r.not()).containsExactly("read-uncommitted");
    assertThat(r.caseTexts("G0").get(0))
        .contains("appended 2 after T1 appended 1 to :x")
        .contains("a contradiction!");
  }

  @Test
  void g0Process() throws Exception {
    // Process 1 appends 1 then 2, but a reader sees 2 before 1.
    TxnResult r = appends("p1:ax1 p1:ax2 rx21", "strong-session-serializable");
    assertThat(r.anomalyTypes()).containsExactly("G0-process");
  }

  @Test
  void g0Realtime() throws Exception {
    TxnResult r = appends("ax1 ax2 rx21", "strict-serializable");
    assertThat(r.anomalyTypes()).containsExactly("G0-realtime");
    assertThat(r.caseTexts("G0-realtime").get(0)).contains("completed at index");
  }

  // ------------------------------------------------------------------ G1

  @Test
  void g1aAbortedRead() throws Exception {
    TxnResult r = appends("!ax1 rx1", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G1a", "empty-transaction-graph");
    assertThat(r.validity()).isEqualTo(Validity.INVALID);
    assertThat(r.not()).containsExactly("read-committed");
  }

  @Test
  void g1aRegister() throws Exception {
    TxnResult r = registers("!wx1 rx1", false, "serializable");
    assertThat(r.anomalyTypes()).contains("G1a");
  }

  @Test
  void g1bIntermediateRead() throws Exception {
    TxnResult r = appends("(ax1ax2 rx1)", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G-single-item", "G1b");
    assertThat(appends("(ax1ax2 rx1)", "read-committed").anomalyTypes()).containsExactly("G1b");
  }

  @Test
  void g1bRegister() throws Exception {
    TxnResult r = registers("(wx1wx2 rx1)", false, "serializable");
    assertThat(r.anomalyTypes()).contains("G1b");
  }

  @Test
  void g1cCircularInformationFlow() throws Exception {
    TxnResult r = appends("(ax1ry1 ay1rx1)", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G1c");
    assertThat(r.caseTexts("G1c").get(0)).contains("observed");
    assertThat(registers("(wx1ry1 wy1rx1)", false, "serializable").anomalyTypes())
        .containsExactly("G1c");
  }

  @Test
  void g1cProcess() throws Exception {
    // Process 1 reads y = [1] before it appends 1 to y itself.
    TxnResult r = appends("p1:ry1 p1:ay1", "strong-session-serializable");
    assertThat(r.anomalyTypes()).containsExactly("G1c-process");
    assertThat(r.not()).containsExactly("strong-session-read-committed");
  }

  @Test
  void g1cRealtime() throws Exception {
    TxnResult r = appends("ry1 ay1", "strict-serializable");
    assertThat(r.anomalyTypes()).containsExactly("G1c-realtime");
    assertThat(r.not()).containsExactly("strong-read-committed");
  }

  // ------------------------------------------------------------------ anti-dependency cycles

  @Test
  void gSingleReadSkew() throws Exception {
    TxnResult r = appends("(ax1ay1 rx1ry)", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G-single-item");
    assertThat(r.not()).containsExactly("consistent-view", "repeatable-read");
    assertThat(r.caseTexts("G-single-item").get(0))
        .contains("observed the initial (nil) state of :y");
    assertThat(registers("(wx1wy1 rx1ry)", false, "serializable").anomalyTypes())
        .containsExactly("G-single-item");
  }

  @Test
  void gSingleProcessAndRealtime() throws Exception {
    // A process does not see its own earlier append.
    assertThat(appends("p1:ax1 p1:rx", "strong-session-serializable").anomalyTypes())
        .containsExactly("G-single-item-process");
    assertThat(appends("p1:ax1 p1:rx", "strict-serializable").anomalyTypes())
        .containsExactly("G-single-item-realtime");
    assertThat(appends("ax1 rx", "serializable").validity()).isEqualTo(Validity.VALID);
  }

  @Test
  void gNonadjacent() throws Exception {
    // T1 -wr-> T2 -rw-> T3 -wr-> T4 -rw-> T1: two rw edges, never adjacent.
    TxnResult r = appends("(ax1az1 rx1ry ay1 ry1rz)", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G-nonadjacent-item");
    assertThat(r.not()).containsExactly("repeatable-read", "snapshot-isolation");
  }

  @Test
  void gNonadjacentProcess() throws Exception {
    // T1 -rw-> T2 -process-> T3 -rw-> T4 -wr-> T1.
    TxnResult r = appends("(rxrz1 p1:ax1 ay1az1) p1:ry", "strong-session-serializable");
    assertThat(r.anomalyTypes()).containsExactly("G-nonadjacent-item-process");
  }

  @Test
  void gNonadjacentRealtime() throws Exception {
    // As above, with T2 finishing before T3 starts instead of sharing a process.
    TxnResult r = appends("[1rxrz1 [4ay1az1 ax1 ry ]1 ]4", "strict-serializable");
    assertThat(r.anomalyTypes()).containsExactly("G-nonadjacent-item-realtime");
  }

  @Test
  void g2ItemWriteSkew() throws Exception {
    TxnResult r = appends("(rxay1 ryax1)", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G2-item");
    assertThat(r.not()).containsExactly("repeatable-read");
    assertThat(appends("(rxay1 ryax1)", "snapshot-isolation").validity()).isEqualTo(Validity.VALID);
    assertThat(registers("(rxwy1 rywx1)", false, "serializable").anomalyTypes())
        .containsExactly("G2-item");
  }

  @Test
  void g2ItemProcess() throws Exception {
    // T1 -process-> T2 -rw-> T3 -rw-> T1.
    TxnResult r = appends("(p1:ax1 rxay1) p1:ry", "strong-session-serializable");
    assertThat(r.anomalyTypes()).containsExactly("G2-item-process");
  }

  @Test
  void g2ItemRealtime() throws Exception {
    // T1 finishes before T2 starts; T3 overlaps both: T1 -rt-> T2 -rw-> T3 -rw-> T1.
    TxnResult r = appends("[3rxay1 ax1 ry ]3", "strict-serializable");
    assertThat(r.anomalyTypes()).containsExactly("G2-item-realtime");
  }

  // ------------------------------------------------------------------ non-cycle anomalies

  @Test
  void internal() throws Exception {
    TxnResult r = appends("ax1rx", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("empty-transaction-graph", "internal");
    assertThat(r.caseTexts("internal").get(0)).contains("[... 1]");
    assertThat(registers("wx1rx2", false, "serializable").anomalyTypes()).contains("internal");
    // Read committed does not forbid internal: the verdict is unknown, not invalid.
    assertThat(appends("ax1rx", "read-committed").validity()).isEqualTo(Validity.UNKNOWN);
  }

  @Test
  void futureRead() throws Exception {
    TxnResult r = appends("rx1ax1", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("empty-transaction-graph", "future-read");
  }

  @Test
  void incompatibleOrder() throws Exception {
    TxnResult r = appends("(ax1 ax2) (rx12 rx21)", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("incompatible-order");
    assertThat(r.not()).containsExactly("read-committed");
  }

  @Test
  void duplicateElements() throws Exception {
    TxnResult r = appends("ax1 rx11", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("duplicate-elements");
  }

  @Test
  void dirtyUpdate() throws Exception {
    TxnResult r = appends("!ax1 ax2 rx12", "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G1a", "dirty-update");
  }

  @Test
  void lostUpdate() throws Exception {
    TxnResult r = appends("ax0 (rx0ax1 rx0ax2)", "serializable");
    assertThat(r.anomalyTypes()).contains("lost-update");
    assertThat(r.not()).containsExactly("cursor-stability", "update-atomic");
    assertThat(registers("(rxwx1 rxwx2)", false, "serializable").anomalyTypes())
        .containsExactly("G2-item", "lost-update");
  }

  @Test
  void cyclicVersions() throws Exception {
    // With writes-follow-reads, T1 says 1 < 2 and T2 says 2 < 1.
    TxnResult r = registers("(rx1wx2 rx2wx1)", true, "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G1c", "cyclic-versions");
    assertThat(r.not()).containsExactly("read-uncommitted");
  }

  @Test
  void cycleExistsWithoutExplainedWriteCycle() throws Exception {
    // A write cycle exists (PL-1), but every edge is also a write-read, which rw-register
    // explains first, so the concrete cycle is reported as G1c.
    TxnResult r = registers("(ry1wy2wx1 rx1wx2wy1)", true, "serializable");
    assertThat(r.anomalyTypes()).containsExactly("G1c", "PL-1-cycle-exists");
  }

  @Test
  void emptyTransactionGraph() throws Exception {
    TxnResult r = appends("ax1", "serializable");
    assertThat(r.validity()).isEqualTo(Validity.UNKNOWN);
    assertThat(r.anomalyTypes()).containsExactly("empty-transaction-graph");
  }

  @Test
  void cycleSearchTimeout() throws Exception {
    // A big tangle of anomalies and a budget of one nanosecond: the search must give up,
    // say so, and still offer some cycle.
    History h = WeakStores.history(WeakStores.Level.NONE, 7, 400, 6);
    TxnResult r =
        TxnChecker.check(
            h,
            new TxnSpec(
                "list-append", List.of("serializable"), false, false, false, Duration.ofNanos(1)));
    assertThat(r.anomalyTypes()).contains("cycle-search-timeout");
    assertThat(r.validity()).isEqualTo(Validity.INVALID);
  }

  @Test
  void timeoutAloneMakesTheVerdictUnknown() throws Exception {
    // Snapshot isolation allows the write skew this store produces, so a search cut short
    // proves nothing either way: unknown, with the fallback cycle still shown.
    History h = WeakStores.history(WeakStores.Level.SNAPSHOT_ISOLATION, 3, 400, 6);
    TxnResult r =
        TxnChecker.check(
            h,
            new TxnSpec(
                "list-append",
                List.of("snapshot-isolation"),
                false,
                false,
                false,
                Duration.ofNanos(1)));
    assertThat(r.anomalyTypes()).containsExactly("cycle-search-timeout");
    assertThat(r.validity()).isEqualTo(Validity.UNKNOWN);
    assertThat(r.foundTypes()).contains("G2-item");
  }

  // ------------------------------------------------------------------ refused input

  @Test
  void duplicateAppendsAreRefused() {
    assertThatThrownBy(() -> appends("ax1 ax1 rx1", "serializable"))
        .isInstanceOf(UnfitHistoryException.class)
        .hasMessageContaining("duplicate appends");
  }

  @Test
  void duplicateRegisterWritesAreRefused() {
    assertThatThrownBy(() -> registers("wx1 wx1 rx1", false, "serializable"))
        .isInstanceOf(UnfitHistoryException.class)
        .hasMessageContaining("more than one");
  }

  @Test
  void emptyHistoryIsUnknown() throws Exception {
    TxnResult r =
        TxnChecker.check(
            dev.txlab.checker.history.History.of("empty", List.of()), TxnSpec.of("list-append"));
    assertThat(r.validity()).isEqualTo(Validity.UNKNOWN);
    assertThat(r.anomalyTypes()).containsExactly("empty-transaction-graph");
  }

  @Test
  void foreignMicroOpsAreRefused() {
    assertThatThrownBy(
            () ->
                TxnChecker.check(
                    TxnNotation.registers("wx1"), TxnSpec.of("list-append", "serializable")))
        .isInstanceOf(UnfitHistoryException.class);
  }
}
