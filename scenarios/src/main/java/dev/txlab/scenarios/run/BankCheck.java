package dev.txlab.scenarios.run;

import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import dev.txlab.scenarios.workload.BankGenerator;
import java.util.List;
import java.util.Map;

/** The {@code bank-total} check, shared by simulated and live runs. */
public final class BankCheck {
  private BankCheck() {}

  /**
   * The bank's invariant: every committed read of all accounts sees balances summing to the total
   * the bank started with. Reports the first read that does not, with what it saw.
   */
  public static Check check(
      History history, int accounts, long initialBalance, Map<String, Double> figures) {
    long total = accounts * initialBalance;
    long reads = 0;
    long bad = 0;
    long min = initialBalance;
    String first = null;
    for (dev.txlab.checker.history.Operation op : history.operations()) {
      if (!op.isOk() || !(op.completion().value() instanceof List<?> mops)) {
        continue;
      }
      Map<Long, Long> balances = BankGenerator.balances(mops, accounts, initialBalance);
      if (balances == null) {
        continue;
      }
      reads++;
      long sum = 0;
      for (long b : balances.values()) {
        sum += b;
        min = Math.min(min, b);
      }
      if (sum != total && bad++ == 0) {
        first =
            "the read at index "
                + op.completion().index()
                + " (process "
                + op.process()
                + ") saw balances "
                + balances
                + " summing to "
                + sum
                + ", not "
                + total;
      }
    }
    figures.put("bank_reads", (double) reads);
    figures.put("bank_total_violations", (double) bad);
    figures.put("bank_balance_min", (double) min);
    if (bad > 0) {
      return new Check(
          Validity.INVALID,
          List.of("wrong-total"),
          bad + " of " + reads + " reads saw the wrong total; " + first);
    }
    return new Check(
        reads > 0 ? Validity.VALID : Validity.UNKNOWN,
        List.of(),
        reads
            + " reads of all "
            + accounts
            + " accounts, each summing to "
            + total
            + " (lowest balance seen "
            + min
            + ")");
  }
}
