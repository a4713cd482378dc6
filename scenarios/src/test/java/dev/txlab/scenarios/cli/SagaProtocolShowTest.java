package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code txlab protocols show saga}: its knobs with their values, what it promises (atomicity in
 * the end, checked by its end checks) and what not (isolation), and that it runs the saga workload.
 */
class SagaProtocolShowTest {
  @Test
  void listsTheKnobsThePromisesAndWhatItDoesNotPromise() {
    CheckCommandTest.Run r = CheckCommandTest.txlab("protocols", "show", "saga");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("atomic in the end, not isolated")
        .contains("(the saga workload only)")
        .contains("promises: no consistency model")
        .contains("checks of its own, after a run: saga-terminal, conserved, irreversible-effects")
        .contains("runs on: the simulator and live nodes")
        .contains("(on live nodes too: on the state their processes tell when the run ends)")
        .contains("fault target 'coordinator' on live nodes: the leader of its own Raft group")
        .contains("does not promise: read-committed — no isolation")
        .containsPattern("style +default orchestration +orchestration")
        .containsPattern("idempotency +default on +on\\|off")
        .containsPattern("countermeasure +default none +none\\|semantic-lock\\|reread")
        .containsPattern("pivot-last +default on +on\\|off")
        .contains("sagas_resumed")
        .contains("double_charges")
        .contains("raft-safety");
  }

  @Test
  void aClusterWithoutFourShardsIsRefusedNamingTheField() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("saga-shards", ".yaml");
    java.nio.file.Files.writeString(
        f, "name: bad\nprotocol: saga\nshards: 3\nworkload:\n  name: saga\nexpect:\n  - valid\n");
    CheckCommandTest.Run r = CheckCommandTest.txlab("run", f.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains(f.getFileName().toString())
        .contains(".yaml:3:")
        .contains("field shards")
        .contains("protocol saga needs shards: 4");
  }

  @Test
  void anotherWorkloadIsRefusedNamingTheProtocolsOwn() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("saga-bad", ".yaml");
    java.nio.file.Files.writeString(
        f,
        "name: bad\nprotocol: saga\nshards: 4\nworkload:\n  name: list-append\nexpect:\n  - valid\n");
    CheckCommandTest.Run r = CheckCommandTest.txlab("run", f.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("protocol saga runs the saga workload, not list-append");
  }
}
