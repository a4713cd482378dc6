package dev.txlab.scenarios.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.ShardMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The workload driver both hosts use: each workload's operations have the right shape, what clients
 * report is recorded and counted, and stop ends the stream.
 */
class WorkloadDriverTest {
  private static final ShardMap SHARDS =
      new ShardMap(List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3")), 3, 3);
  private static final List<String> CLIENTS = List.of("c1/client", "c2/client");

  private final long[] now = {0};

  private WorkloadDriver driver(String name, long keyBase) {
    return WorkloadDriver.create(
        new WorkloadDriver.Spec(name, 2, 3, 4, 3, 5), SHARDS, keyBase, () -> now[0], CLIENTS);
  }

  private static RegisterDriver register(WorkloadDriver d) {
    return d.match(r -> r, t -> null);
  }

  private static TxnDriver txns(WorkloadDriver d) {
    return d.match(r -> null, t -> t);
  }

  @Test
  void eachWorkloadHasItsShapeAndItsCheckerWorkload() {
    assertThat(register(driver("register", 0))).isNotNull();
    assertThat(driver("register", 0).unit()).isEqualTo("ops");
    assertThat(driver("register", 0).checkerWorkload()).isEqualTo("cas-register");
    for (String name : List.of("list-append", "rw-register", "bank")) {
      assertThat(txns(driver(name, 0))).as(name).isNotNull();
      assertThat(driver(name, 0).unit()).isEqualTo("txns");
    }
    assertThat(driver("list-append", 0).checkerWorkload()).isEqualTo("list-append");
    assertThat(driver("rw-register", 0).checkerWorkload()).isEqualTo("rw-register");
    assertThat(driver("bank", 0).checkerWorkload())
        .as("bank ledgers are list-append keys")
        .isEqualTo("list-append");
    assertThatThrownBy(() -> new WorkloadDriver.Spec("counter", 2, 3, 4, 3, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void registerOperationsUseKeysPerShardFromTheKeyBase() {
    long base = 1_700_000_000_000L;
    RegisterDriver d = register(driver("register", base));
    RandomSource random = new RandomSource(1);
    Set<String> keys = new HashSet<>();
    Set<Class<?>> kinds = new HashSet<>();
    for (int i = 0; i < 600; i++) {
      KvOp op = d.operations().next(random);
      keys.add(op.key());
      kinds.add(op.getClass());
      assertThat(Long.parseLong(op.key())).isGreaterThanOrEqualTo(base);
    }
    assertThat(kinds).containsExactlyInAnyOrder(KvOp.Get.class, KvOp.Put.class, KvOp.Cas.class);
    assertThat(keys).hasSize(6);
    Map<Integer, Integer> perShard = new HashMap<>();
    keys.forEach(k -> perShard.merge(SHARDS.shardOf(k).index(), 1, Integer::sum));
    assertThat(perShard).containsOnly(Map.entry(0, 2), Map.entry(1, 2), Map.entry(2, 2));
  }

  @Test
  void transactionsAreMicroOpsOfTheirWorkloadWithKeysFromTheKeyBase() {
    long base = 5_000;
    Map<String, Set<MicroOp.Kind>> expected =
        Map.of(
            "list-append", Set.of(MicroOp.Kind.APPEND, MicroOp.Kind.READ_LIST),
            "rw-register", Set.of(MicroOp.Kind.WRITE, MicroOp.Kind.READ));
    for (Map.Entry<String, Set<MicroOp.Kind>> e : expected.entrySet()) {
      TxnWorkload ops = txns(driver(e.getKey(), base)).operations(0);
      RandomSource random = new RandomSource(2);
      Set<MicroOp.Kind> kinds = new HashSet<>();
      for (int i = 0; i < 500; i++) {
        List<MicroOp> txn = ops.next(random);
        assertThat(txn).hasSizeBetween(1, 3);
        for (MicroOp m : txn) {
          kinds.add(m.kind());
          assertThat(Long.parseLong(m.key())).isGreaterThanOrEqualTo(base);
        }
      }
      assertThat(kinds).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void aTransactionDriverDrawsAsItsGeneratorDoes() {
    // The simulator's runs depend on it: the driver adds no random draw of its own.
    TxnWorkload ops = txns(driver("list-append", 0)).operations(0);
    TxnGenerator g = new TxnGenerator(TxnGenerator.Kind.LIST_APPEND, 3, 4, 1, 3, 0.5);
    RandomSource a = new RandomSource(9);
    RandomSource b = new RandomSource(9);
    for (int i = 0; i < 200; i++) {
      List<MicroOp> txn = ops.next(a);
      List<Object> jepsen = g.next(0, b);
      assertThat(txn).hasSameSizeAs(jepsen);
      for (int j = 0; j < txn.size(); j++) {
        assertThat(txn.get(j).key()).isEqualTo(String.valueOf(((List<?>) jepsen.get(j)).get(1)));
      }
    }
  }

  @Test
  void bankTransfersBetweenTwoAccountsOrReadsThemAll() {
    long base = 100;
    TxnWorkload ops = txns(driver("bank", base)).operations(0);
    RandomSource random = new RandomSource(3);
    Set<String> accounts = new HashSet<>();
    for (long a = base; a < base + 5; a++) {
      accounts.add(Long.toString(a));
    }
    int transfers = 0;
    int reads = 0;
    for (int i = 0; i < 1000; i++) {
      List<MicroOp> txn = ops.next(random);
      if (txn.get(0).kind() == MicroOp.Kind.READ_LIST) {
        reads++;
        assertThat(txn).allMatch(m -> m.kind() == MicroOp.Kind.READ_LIST);
        assertThat(txn.stream().map(MicroOp::key).toList())
            .containsExactlyInAnyOrderElementsOf(accounts);
        continue;
      }
      transfers++;
      assertThat(txn).hasSize(2).allMatch(m -> m.kind() == MicroOp.Kind.APPEND);
      MicroOp from = txn.get(0);
      MicroOp to = txn.get(1);
      assertThat(accounts).contains(from.key(), to.key());
      assertThat(from.key()).isNotEqualTo(to.key());
      long out = Long.parseLong(from.value());
      long in = Long.parseLong(to.value());
      assertThat(BankGenerator.amountOf(out) + BankGenerator.amountOf(in)).isZero();
      assertThat(BankGenerator.amountOf(in)).isBetween(1L, (long) BankGenerator.MAX_TRANSFER);
    }
    assertThat(transfers).isBetween(400, 600);
    assertThat(reads).isEqualTo(1000 - transfers);
  }

  @Test
  void registerCountsAddUpAndOnlyLaterSuccessesCountAfterTheHeal() {
    RegisterDriver d = register(driver("register", 0));
    ClientObserver o = d.observer();
    RandomSource random = new RandomSource(4);
    List<Outcome> outcomes =
        List.of(Outcome.OK, Outcome.FAIL, Outcome.INFO, Outcome.OK, Outcome.OK, Outcome.FAIL);
    for (int i = 0; i < outcomes.size(); i++) {
      now[0] = i * 10L;
      KvOp op = d.operations().next(random);
      o.invoked("c1/client", i, op);
      o.completed("c1/client", i, op, outcomes.get(i), op instanceof KvOp.Get ? "3" : null);
    }
    assertThat(d.tally()).isEqualTo(new WorkloadDriver.Tally(3, 2, 1));
    assertThat(d.counts(25))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "ops", 6.0,
                "ops_ok", 3.0,
                "ops_fail", 2.0,
                "ops_info", 1.0,
                "ops_ok_after_heal", 2.0));
    assertThat(d.events()).hasSize(12);
    assertThat(d.events().stream().filter(e -> e.type() == OpType.INVOKE)).hasSize(6);
  }

  @Test
  void transactionCountsAddUpAndNemesisEventsAreRecorded() {
    TxnDriver d = txns(driver("rw-register", 0));
    TxnObserver o = d.observer();
    RandomSource random = new RandomSource(5);
    List<Outcome> outcomes = List.of(Outcome.INFO, Outcome.OK, Outcome.FAIL, Outcome.OK);
    for (int i = 0; i < outcomes.size(); i++) {
      now[0] = i * 10L;
      List<MicroOp> txn = d.operations(0).next(random);
      o.invoked("c2/client", i, txn);
      o.completed("c2/client", i, txn, outcomes.get(i), null);
    }
    now[0] = 15;
    d.nemesis("kill", "kill n1");
    assertThat(d.counts(15))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "txns", 4.0,
                "txns_ok", 2.0,
                "txns_fail", 1.0,
                "txns_info", 1.0,
                "txns_ok_after_heal", 1.0));
    List<Op> nemesis = new ArrayList<>();
    d.events().stream().filter(Op::isNemesis).forEach(nemesis::add);
    assertThat(nemesis).hasSize(2).allMatch(e -> e.f().equals("kill") && e.timeNanos() == 15);
    assertThat(nemesis.get(1).value()).isEqualTo("kill n1");
    // A client whose transaction is in doubt continues as a new process.
    assertThat(d.events().get(2).process()).isEqualTo(1 + CLIENTS.size());
  }

  @Test
  void stopEndsEveryStream() {
    for (String name : WorkloadDriver.NAMES) {
      WorkloadDriver d = driver(name, 0);
      RandomSource random = new RandomSource(6);
      Object before = d.match(r -> r.operations().next(random), t -> t.operations(0).next(random));
      assertThat(before).as(name).isNotNull();
      d.stop();
      Object after = d.match(r -> r.operations().next(random), t -> t.operations(0).next(random));
      assertThat(after).as(name + " after stop").isNull();
    }
  }
}
