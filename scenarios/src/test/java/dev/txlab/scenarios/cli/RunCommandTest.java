package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code txlab run} and {@code txlab scenarios}: the run directory, the result object, bad input.
 */
class RunCommandTest {
  @TempDir Path dir;

  @Test
  void runWritesTheDirectoryAndTheResultObject() throws Exception {
    Path out = dir.resolve("run");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run",
            "lin-kv",
            "--seed",
            "3",
            "--set",
            "duration=4s",
            "--set",
            "converge=2s",
            "--out",
            out.toString(),
            "--json");
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("scenario").asText()).isEqualTo("lin-kv");
    assertThat(j.get("seed").asLong()).isEqualTo(3);
    assertThat(j.get("valid").asBoolean()).isTrue();
    assertThat(j.get("checks").get("linearizable").get("valid").asBoolean()).isTrue();
    assertThat(j.get("trace_sha256").asText()).hasSize(64);
    assertThat(j.get("replay").asText())
        .isEqualTo("./txlab run lin-kv --seed 3 --set duration=4s --set converge=2s");
    assertThat(j.get("out").asText()).isEqualTo(out.toString());
    for (String stat : new String[] {"events", "messages", "sim_seconds", "wall_seconds"}) {
      assertThat(j.get("stats").has(stat)).as(stat).isTrue();
    }
    for (String f :
        new String[] {
          "history.edn",
          "results.json",
          "trace.jsonl.gz",
          "scenario.yaml",
          "report.html",
          "linearizability.html"
        }) {
      assertThat(out.resolve(f)).as(f).exists();
    }
    assertThat(Files.readString(out.resolve("scenario.yaml")))
        .contains("seed: 3")
        .contains("duration: 4s");
    // The history is Jepsen EDN, one op per line, and txlab reads it back as valid.
    CheckCommandTest.Run again =
        CheckCommandTest.txlab("check", out.resolve("history.edn").toString());
    assertThat(again.status()).as(again.out() + again.err()).isZero();
  }

  @Test
  void faultsFromTheCommandLineJoinTheScheduleAndTheReplay() throws Exception {
    Path out = dir.resolve("f");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run",
            "lin-kv",
            "--seed",
            "2",
            "--set",
            "duration=4s",
            "--fault",
            "at 1s for 2s isolate leader:shard-1",
            "--out",
            out.toString(),
            "--json");
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("replay").asText()).endsWith("--fault 'at 1s for 2s isolate leader:shard-1'");
    assertThat(j.get("faults").toString()).contains("isolate leader:shard-1");
    assertThat(Files.readString(out.resolve("scenario.yaml")))
        .contains("at 1s for 2s isolate leader:shard-1");
  }

  @Test
  void scenarioAsRunReplaysTheSameTrace() throws Exception {
    Path a = dir.resolve("a");
    CheckCommandTest.Run first =
        CheckCommandTest.txlab(
            "run",
            "lin-kv",
            "--seed",
            "5",
            "--set",
            "duration=3s",
            "--out",
            a.toString(),
            "--json");
    Path b = dir.resolve("b");
    CheckCommandTest.Run second =
        CheckCommandTest.txlab(
            "run", a.resolve("scenario.yaml").toString(), "--out", b.toString(), "--json");
    ObjectMapper m = new ObjectMapper();
    assertThat(m.readTree(second.out()).get("trace_sha256").asText())
        .isEqualTo(m.readTree(first.out()).get("trace_sha256").asText());
  }

  @Test
  void badScenariosAreRefusedNamingLineAndField() throws Exception {
    assertBad(
        "name: x\nnodez: 3\n", "s.yaml:2:", "field nodez: unknown field (did you mean 'nodes'?)");
    assertBad("name: x\nnodes: three\n", "s.yaml:2:", "field nodes: expected a whole number");
    assertBad("name: x\nduration: 10\n", "s.yaml:2:", "field duration: expected a duration");
    assertBad(
        "name: x\nnodes: 2\nreplicas: 3\n",
        "s.yaml:3:",
        "impossible placement: 3 replicas need at least 3 nodes");
    assertBad("name: x\nfaults:\n  - at 5s kill n9\n", "s.yaml:3:", "field faults[0]:");
    assertBad("name: x\nfaults:\n  - at 5s explode n1\n", "s.yaml:3:", "field faults[0]:");
    assertBad(
        "name: x\nreads: sometimes\n",
        "s.yaml:2:",
        "field reads: reads must be readindex|lease|local|follower|readindex-any, not 'sometimes'");
    assertBad("name: x\nexpect: [ops_done > 3]\n", "s.yaml:2:", "unknown metric 'ops_done'");
    // Metrics are the protocol's: Spanner's commit wait is not something crdb reports.
    assertBad(
        "name: x\nprotocol: crdb\nworkload: {name: list-append}\nexpect: [commit_wait_ms_p50 < 5]\n",
        "s.yaml:4:",
        "unknown metric 'commit_wait_ms_p50' for protocol crdb");
    // The tso workload needs a protocol with a timestamp oracle.
    assertBad(
        "name: x\nprotocol: crdb\nworkload: {name: tso}\n",
        "s.yaml:2:",
        "protocol crdb has no timestamp oracle for the tso workload; protocols with one:"
            + " percolator");
    assertBad(
        "name: x\nworkload: {rate: fast}\n",
        "s.yaml:2:",
        "field workload.rate: expected a whole number");
    assertBad("name: x\nnetwork: {latency: soon}\n", "s.yaml:2:", "field network.latency:");
    assertBad("name: [x\n", "s.yaml:", "malformed YAML");
  }

  @Test
  void badPlacementsAreRefusedNamingLineAndField() throws Exception {
    String shape = "name: x\nnodes: 4\nshards: 2\nreplicas: 3\n";
    assertBad(
        shape + "placement: {shard-0: [n1, n2, n3]}\n",
        "s.yaml:5:",
        "placement must place every shard; shard-1 is missing");
    assertBad(
        shape + "placement: {shard-0: [n1, n2, n3], shard-1: [n1, n2]}\n",
        "s.yaml:5:",
        "impossible placement: shard-1 needs 3 nodes");
    assertBad(
        shape + "placement: {shard-0: [n1, n2, n9], shard-1: [n1, n2, n3]}\n",
        "s.yaml:5:",
        "unknown node 'n9'");
    assertBad(
        shape + "placement: {shard-0: [n1, n1, n2], shard-1: [n1, n2, n3]}\n",
        "s.yaml:5:",
        "shard-0 is placed twice on n1");
    assertBad(
        shape
            + "placement: {shard-0: [n1, n2, n3], shard-1: [n1, n2, n3], shard-2: [n1, n2, n3]}\n",
        "s.yaml:5:",
        "field placement.shard-2: unknown field");
  }

  @Test
  void badTransactionalScenariosAreRefusedNamingLineAndField() throws Exception {
    String txn = "name: x\nworkload: {name: list-append}\n";
    assertBad(
        txn + "protocol: paxos\n",
        "s.yaml:3:",
        "field protocol: unknown protocol 'paxos'; known: classic, 2pc, ");
    assertBad(
        txn + "protocol: spaner\n",
        "s.yaml:3:",
        "unknown protocol 'spaner' (did you mean 'spanner'?)");
    assertBad(
        txn + "protocol: raft-kv\n",
        "s.yaml:3:",
        "protocol raft-kv serves single-key operations, not the list-append workload; protocols for it: classic, ");
    assertBad(
        txn + "reads: local\n",
        "s.yaml:3:",
        "'reads' is a knob of raft-kv, not of protocol spanner (its knobs: commit-wait, coordinator, read-only, staleness, lock-wait, cooperative-termination, invariant-scan)");
    assertBad(txn + "commit-wait: maybe\n", "s.yaml:3:", "commit-wait must be on|off, not 'maybe'");
    assertBad(txn + "staleness: a-bit\n", "s.yaml:3:", "field staleness: expected a duration");
    assertBad(
        txn + "consistency: [serialisable]\n",
        "s.yaml:3:",
        "unknown consistency model 'serialisable'");
    assertBad(
        txn + "clocks: {offsets: {servers: fast}}\n",
        "s.yaml:3:",
        "field clocks.offsets.servers: expected a clock offset such as +4ms");
    assertBad(
        txn + "clocks: {offsets: {n9: +1ms}}\n",
        "s.yaml:3:",
        "field clocks.offsets.n9: unknown field");
    assertBad(txn + "faults: [at 1s isolate leader:shard-7]\n", "s.yaml:3:", "field faults[0]:");
    assertBad(txn + "expect: [bank-total valid]\n", "s.yaml:3:", "unknown check 'bank-total'");
    assertBad(
        "name: x\nworkload: {name: bank, accounts: 1}\n",
        "s.yaml:2:",
        "field workload.accounts: must be between 2 and 1000");
    assertBad(
        "name: x\nworkload: {name: bank, active-keys: 3}\n",
        "s.yaml:2:",
        "field workload.active-keys: unknown field");
    assertBad(
        "name: x\nworkload: {name: ledger}\n",
        "s.yaml:2:",
        "field workload.name: expected one of register, list-append, rw-register, bank");
  }

  private void assertBad(String yaml, String location, String message) throws Exception {
    Path f = dir.resolve("s.yaml");
    Files.writeString(f, yaml);
    Path out = dir.resolve("never");
    CheckCommandTest.Run r = CheckCommandTest.txlab("run", f.toString(), "--out", out.toString());
    assertThat(r.status()).as(yaml).isEqualTo(2);
    assertThat(r.err())
        .as(yaml)
        .contains(f.getParent().resolve(location).toString())
        .contains(message);
    assertThat(out).as("nothing is written for a bad scenario").doesNotExist();
  }

  @Test
  void badOverridesAndNamesExitTwo() {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab(
            "run", "lin-kv", "--set", "nodes=lots", "--out", dir.resolve("x").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--set nodes=lots: field nodes: expected a whole number");
    CheckCommandTest.Run n = CheckCommandTest.txlab("run", "no-such-scenario");
    assertThat(n.status()).isEqualTo(2);
    assertThat(n.err()).contains("no scenario named 'no-such-scenario'");
    CheckCommandTest.Run f =
        CheckCommandTest.txlab(
            "run", "lin-kv", "--fault", "at 5s kill n9", "--out", dir.resolve("y").toString());
    assertThat(f.status()).isEqualTo(2);
    assertThat(f.err()).contains("--fault at 5s kill n9").contains("n9");
    assertThat(dir.resolve("y")).doesNotExist();
    CheckCommandTest.Run h = CheckCommandTest.txlab("run", "lin-kv", "--host", "mars");
    assertThat(h.status()).isEqualTo(2);
    assertThat(h.err()).contains("mars");
  }

  @Test
  void scenariosListAndShow() {
    CheckCommandTest.Run l = CheckCommandTest.txlab("scenarios", "list");
    assertThat(l.status()).isZero();
    assertThat(l.out()).contains("lin-kv").contains("linearizable");
    CheckCommandTest.Run s = CheckCommandTest.txlab("scenarios", "show", "lin-kv");
    assertThat(s.out()).contains("name: lin-kv").contains("narrative:");
    assertThat(CheckCommandTest.txlab("scenarios", "show", "nope").status()).isEqualTo(2);
  }

  /**
   * With no expectations the verdicts decide the exit status: an invalid history is not a success.
   */
  @Test
  void withoutExpectationsAnInvalidRunExitsOne(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    CheckCommandTest.Run invalid =
        CheckCommandTest.txlab(
            "run", "commit-wait-off", "--set", "expect=[]", "--out", tmp.resolve("a").toString());
    assertThat(invalid.status()).as(invalid.out() + invalid.err()).isEqualTo(1);
    CheckCommandTest.Run valid =
        CheckCommandTest.txlab(
            "run",
            "commit-wait-off",
            "--set",
            "expect=[]",
            "--set",
            "commit-wait=on",
            "--out",
            tmp.resolve("b").toString());
    assertThat(valid.status()).as(valid.out() + valid.err()).isEqualTo(0);
  }

  /** A fault that would start after the faults end is refused, not silently dropped. */
  @Test
  void aFaultAfterTheEndIsRefused() throws Exception {
    assertBad(
        "name: x\nduration: 10s\nfaults: [at 12s kill n1]\n",
        "s.yaml:3:",
        "it starts after the faults end: the run has 10s with faults (duration), then 5s to converge");
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("run", "quickstart", "--fault", "at 100s kill n1");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains("--fault at 100s kill n1")
        .contains("it starts after the faults end");
  }
}
