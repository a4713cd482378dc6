package dev.txlab.scenarios.workload;

import dev.txlab.checker.history.Keyword;
import dev.txlab.coordinator.saga.SagaKeys;
import dev.txlab.node.api.RandomSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code saga} workload: orders, and reports that read every balance and stock. An order is the
 * flow of {@link SagaKeys#flow} — create the order, charge the customer, reserve the stock,
 * confirm, email — as five appends; balances and stock are small on purpose ({@link
 * SagaKeys#INITIAL_BALANCE}, {@link SagaKeys#INITIAL_STOCK}), so orders soon meet insufficient
 * funds or stock and their sagas compensate. On a protocol that runs transactions (2PC: {@code
 * classic}) the flow is one transaction; on {@code saga}, one saga. Flow numbers are shared by all
 * clients, so every written element is unique.
 */
public final class SagaFlowGenerator implements TxnSource {
  private static final Keyword APPEND = Keyword.of("append");

  private final double reportFraction;
  private long nextFlow = 1;
  private boolean stopped;

  public SagaFlowGenerator(double reportFraction) {
    if (!(reportFraction >= 0 && reportFraction <= 1))
      throw new IllegalArgumentException("a report fraction in [0, 1]");
    this.reportFraction = reportFraction;
  }

  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public List<Object> next(int client, RandomSource random) {
    if (stopped) return null;
    List<Object> txn = new ArrayList<>();
    if (random.chance(reportFraction)) {
      for (int a = 0; a < SagaKeys.ACCOUNTS; a++) {
        txn.add(Arrays.asList(TxnGenerator.READ, SagaKeys.account(a), null));
      }
      for (int p = 0; p < SagaKeys.PRODUCTS; p++) {
        txn.add(Arrays.asList(TxnGenerator.READ, SagaKeys.stock(p), null));
      }
      return txn;
    }
    long f = nextFlow++;
    int account = random.nextInt(SagaKeys.ACCOUNTS);
    int product = random.nextInt(SagaKeys.PRODUCTS);
    int amount = 1 + random.nextInt(SagaKeys.MAX_AMOUNT);
    int quantity = 1 + random.nextInt(SagaKeys.MAX_QUANTITY);
    for (dev.txlab.coordinator.txn.MicroOp m :
        SagaKeys.flow(f, account, product, amount, quantity)) {
      txn.add(List.of(APPEND, Long.parseLong(m.key()), Long.parseLong(m.value())));
    }
    return txn;
  }
}
