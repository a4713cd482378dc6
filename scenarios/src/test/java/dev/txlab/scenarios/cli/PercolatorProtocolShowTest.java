package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code txlab protocols show percolator}: every knob the design has, what it promises and what
 * not, and that it serves its oracle's timestamps.
 */
class PercolatorProtocolShowTest {
  @Test
  void listsTheKnobsThePromiseAndWhatItDoesNotPromise() {
    CheckCommandTest.Run r = CheckCommandTest.txlab("protocols", "show", "tidb");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("percolator (also: tidb)")
        .contains("promises: snapshot-isolation")
        .contains("does not promise: serializable — only write-write conflicts are checked")
        .contains("the tso workload")
        .containsPattern("tso-window +default 3s")
        .containsPattern("tso-persist +default on +on\\|off")
        .containsPattern("tso-batch +default 64 +1\\|8\\|16\\|64\\|256")
        .containsPattern("lock-ttl +default 3s")
        .contains("tso_requests")
        .contains("tso_wait_ms_p99")
        .contains("locks_resolved_forward")
        .contains("locks_resolved_back")
        .contains("write_conflicts")
        .contains("lock_wait_ms_p99");
  }
}
