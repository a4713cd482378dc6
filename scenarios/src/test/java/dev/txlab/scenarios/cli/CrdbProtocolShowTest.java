package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code txlab protocols show crdb}: every knob the design has, what it promises and what not. */
class CrdbProtocolShowTest {
  @Test
  void listsTheKnobsThePromiseAndWhatItDoesNotPromise() {
    CheckCommandTest.Run r = CheckCommandTest.txlab("protocols", "show", "cockroachdb");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("crdb (also: cockroachdb)")
        .contains("promises: serializable")
        .contains("does not promise: strict-serializable — transactions on disjoint keys")
        .contains("a single key stays linearizable")
        .containsPattern("max-offset +default 500ms")
        .containsPattern("read-refresh +default on +on\\|off\\|unchecked")
        .containsPattern("observed-timestamps +default on +on\\|off")
        .containsPattern("clock-guard +default on +on\\|off")
        .contains("uncertainty_restarts")
        .contains("write_too_old_pushes")
        .contains("refresh_failures")
        .contains("txn_pushes")
        .contains("deadlocks");
  }
}
