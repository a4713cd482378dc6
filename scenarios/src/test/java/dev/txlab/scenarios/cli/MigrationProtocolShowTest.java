package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code txlab protocols show migration}: the knobs, the promise, the check of its own and the
 * settings that give a promise up, and the metrics.
 */
class MigrationProtocolShowTest {
  @Test
  void listsTheKnobsThePromisesAndTheChecks() {
    CheckCommandTest.Run r = CheckCommandTest.txlab("protocols", "show", "migration");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("promises: linearizable")
        .contains("checks of its own, after a run: stores-agree")
        .contains("gives up linearizable with cutover=no-drain")
        .contains("gives up stores-agree with strategy=dual-write")
        .containsPattern("strategy +default cdc +dual-write\\|outbox\\|cdc")
        .containsPattern("shadow-reads +default 0% +0%\\|1%\\|10%\\|50%\\|100%")
        .containsPattern("cutover +default drain +drain\\|no-drain")
        .containsPattern("backfill-bug +default none +none\\|skip-updates")
        .containsPattern("old-disk-cap +default 16MiB")
        .contains("cdc_lag_ms_p99")
        .contains("retained_log_bytes_max")
        .contains("old_store_write_refusals")
        .contains("shadow_mismatches")
        .contains("divergent_keys")
        .contains("backfill_rows")
        .contains("duplicates_applied");
  }

  @Test
  void aKnobValueOutOfItsChoicesIsRefusedNamingTheField() {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("run", "migrate-strangler", "--set", "cutover=sometimes");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("cutover").contains("drain|no-drain").contains("sometimes");
  }

  @Test
  void aMigrationStepWithoutANumberIsRefusedNamingTheLine() {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("run", "migrate-strangler", "--fault", "at 3s phase two");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("at 3s phase two").contains("expected a phase number");
  }

  @Test
  void itRunsOnTheSimulatorOnlyAndTheLiveHostSaysSoBeforeStartingAnything() {
    CheckCommandTest.Run r = CheckCommandTest.txlab("run", "migrate-outbox", "--host", "live");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("runs on the simulator only");
    assertThat(r.out()).doesNotContain("starting");
  }

  @Test
  void aStepToAPhaseThatDoesNotExistIsRefused() {
    CheckCommandTest.Run seven =
        CheckCommandTest.txlab("run", "migrate-strangler", "--fault", "at 3s phase 7");
    assertThat(seven.status()).isEqualTo(2);
    assertThat(seven.err()).contains("at 3s phase 7").contains("has phases 1–3, not 7");
    CheckCommandTest.Run none = CheckCommandTest.txlab("run", "lin-kv", "--fault", "at 3s phase 1");
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err()).contains("protocol raft-kv has no migration phases");
  }
}
