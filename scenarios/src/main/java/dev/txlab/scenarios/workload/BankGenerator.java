package dev.txlab.scenarios.workload;

import dev.txlab.checker.history.Keyword;
import dev.txlab.node.api.RandomSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bank transfers over a fixed set of accounts whose total never changes. Each account is a
 * list-append key holding the ledger of its transfers: a transfer of {@code a} from account {@code
 * x} to {@code y} is one transaction {@code [[:append x -e] [:append y e]]} where {@code e = id ×
 * 100 + a} is unique (so the list-append checker can order every write), and a balance is the
 * initial balance plus the signed amounts of its ledger. A read is one transaction reading every
 * account. The invariant: every committed read sees balances summing to {@code accounts × initial}.
 * Balances may go negative (Jepsen's bank with negative balances allowed): the total is what
 * transfers must conserve.
 *
 * <p>Deterministic: everything random comes from the source handed to {@link #next}.
 */
public final class BankGenerator implements TxnSource {
  /** Transfer amounts are 1..MAX_TRANSFER, and an element's last two digits. */
  public static final int MAX_TRANSFER = 5;

  private static final Keyword APPEND = Keyword.of("append");

  private final int accounts;
  private final double readFraction;
  private long nextId = 1;
  private boolean stopped;

  public BankGenerator(int accounts, double readFraction) {
    if (accounts < 2 || !(readFraction >= 0 && readFraction <= 1)) {
      throw new IllegalArgumentException(
          "a bank needs at least 2 accounts and a read fraction in [0, 1]");
    }
    this.accounts = accounts;
    this.readFraction = readFraction;
  }

  @Override
  public void stop() {
    stopped = true;
  }

  /** The next transaction (a transfer or a read of every account), or null once stopped. */
  @Override
  public List<Object> next(int client, RandomSource random) {
    if (stopped) {
      return null;
    }
    List<Object> txn = new ArrayList<>();
    if (random.chance(readFraction)) {
      for (long a = 0; a < accounts; a++) {
        txn.add(java.util.Arrays.asList(TxnGenerator.READ, a, null));
      }
      return txn;
    }
    long from = random.nextInt(accounts);
    long to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
    long amount = 1 + random.nextInt(MAX_TRANSFER);
    long element = nextId++ * 100 + amount;
    txn.add(List.of(APPEND, from, -element));
    txn.add(List.of(APPEND, to, element));
    return txn;
  }

  /** The signed amount a ledger element moves: negative for the paying account. */
  public static long amountOf(long element) {
    return Long.signum(element) * (Math.abs(element) % 100);
  }

  /**
   * The balances a committed read saw, if it read every account ({@code [:r k [ledger…]]} for
   * each); null if the transaction is not such a read.
   */
  public static Map<Long, Long> balances(List<?> mops, int accounts, long initial) {
    TreeMap<Long, Long> out = new TreeMap<>();
    for (Object o : mops) {
      List<?> m = (List<?>) o;
      if (!(m.get(0) instanceof Keyword k)
          || !k.name().equals("r")
          || !(m.get(1) instanceof Long key)) {
        return null;
      }
      long balance = initial;
      if (m.get(2) instanceof List<?> ledger) {
        for (Object e : ledger) {
          balance += amountOf((Long) e);
        }
      } else if (m.get(2) != null) {
        return null;
      }
      out.put(key, balance);
    }
    return out.size() == accounts ? out : null;
  }
}
