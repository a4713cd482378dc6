package dev.txlab.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.Keyword;
import dev.txlab.checker.history.Op;
import dev.txlab.node.api.RandomSource;
import dev.txlab.scenarios.workload.BankGenerator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The bank workload: transfers conserve money, ledgers are unique, and a wrong total is caught. */
class BankTest {

  @Test
  void transfersConserveTheTotalAndLedgerElementsAreUnique() {
    BankGenerator g = new BankGenerator(5, 0.3);
    RandomSource r = new RandomSource(7);
    Set<Long> seen = new HashSet<>();
    int transfers = 0;
    for (int i = 0; i < 2000; i++) {
      List<Object> txn = g.next(0, r);
      List<?> first = (List<?>) txn.get(0);
      if (((Keyword) first.get(0)).name().equals("r")) {
        assertThat(txn).hasSize(5);
        continue;
      }
      transfers++;
      List<?> to = (List<?>) txn.get(1);
      long out = (Long) first.get(2);
      long in = (Long) to.get(2);
      assertThat(BankGenerator.amountOf(out) + BankGenerator.amountOf(in)).isZero();
      assertThat(BankGenerator.amountOf(in)).isBetween(1L, (long) BankGenerator.MAX_TRANSFER);
      assertThat(first.get(1)).isNotEqualTo(to.get(1));
      assertThat(seen.add(out) && seen.add(in)).as("every ledger element is new").isTrue();
    }
    assertThat(transfers).isBetween(1200, 1600);
    g.stop();
    assertThat(g.next(0, r)).isNull();
  }

  @Test
  void balancesAreTheInitialPlusTheLedger() {
    List<Object> read =
        List.of(
            java.util.Arrays.asList(Keyword.of("r"), 0L, List.of(-103L, 205L)),
            java.util.Arrays.asList(Keyword.of("r"), 1L, List.of(103L)),
            java.util.Arrays.asList(Keyword.of("r"), 2L, null));
    assertThat(BankGenerator.balances(read, 3, 10))
        .containsExactly(Map.entry(0L, 12L), Map.entry(1L, 13L), Map.entry(2L, 10L));
    assertThat(BankGenerator.balances(read.subList(0, 2), 3, 10))
        .as("not a read of every account")
        .isNull();
  }

  @Test
  void aRealRunKeepsTheTotalAndALostTransferHalfIsCaught() throws Exception {
    Scenario s =
        ScenarioReader.read(
            ScenarioLibrary.bundled("bank-under-partitions"), List.of("duration=6s"));
    RunOutcome o = SimRun.run(s, 3, f -> {}, null);
    assertThat(o.checks().get("bank-total").validity()).isEqualTo(Validity.VALID);
    assertThat(o.metrics().get("bank_reads")).isGreaterThan(20);

    // Mutant: one read loses the last element of one account's ledger, as if half a transfer
    // had not been applied on that shard.
    List<Op> events = new ArrayList<>(o.history().events());
    boolean mutated = false;
    for (int i = 0; i < events.size() && !mutated; i++) {
      Op op = events.get(i);
      if (op.type() != dev.txlab.checker.history.OpType.OK
          || !(op.value() instanceof List<?> mops)) {
        continue;
      }
      if (BankGenerator.balances(mops, s.workload().accounts(), s.workload().initialBalance())
          == null) {
        continue;
      }
      List<Object> changed = new ArrayList<>(mops);
      for (int m = 0; m < changed.size() && !mutated; m++) {
        List<?> mop = (List<?>) changed.get(m);
        if (mop.get(2) instanceof List<?> ledger && !ledger.isEmpty()) {
          changed.set(
              m,
              java.util.Arrays.asList(
                  mop.get(0), mop.get(1), List.copyOf(ledger.subList(0, ledger.size() - 1))));
          mutated = true;
        }
      }
      events.set(i, op.withValue(changed));
    }
    assertThat(mutated).isTrue();
    Map<String, Double> figures = new TreeMap<>();
    Check c =
        BankCheck.check(
            History.of("mutant", events),
            s.workload().accounts(),
            s.workload().initialBalance(),
            figures);
    assertThat(c.validity()).isEqualTo(Validity.INVALID);
    assertThat(c.anomalyTypes()).containsExactly("wrong-total");
    assertThat(c.summary())
        .contains("summing to")
        .contains("not " + s.workload().accounts() * s.workload().initialBalance());
    assertThat(figures.get("bank_total_violations")).isEqualTo(1.0);
  }
}
