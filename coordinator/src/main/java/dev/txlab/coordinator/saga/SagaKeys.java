package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.txn.MicroOp;
import java.util.ArrayList;
import java.util.List;

/**
 * The order flow's data, as the {@code saga} workload writes it and the {@code saga} protocol's
 * services hold it: every item is a list-append key (a ledger), so the services' reads can be
 * checked as a list-append history. Keys are numbers in four ranges, one per service:
 *
 * <ul>
 *   <li>{@code payments}: a customer's account {@code 1_000_000 + a}; a charge of {@code m} for
 *       flow {@code f} appends {@code -(f×100 + m)}, its refund {@code +(f×100 + m)}; the balance
 *       is {@link #INITIAL_BALANCE} plus the signed amounts (last two digits) of the ledger.
 *   <li>{@code inventory}: a product's stock {@code 2_000_000 + p}, reservations and releases
 *       written the same way, from {@link #INITIAL_STOCK}.
 *   <li>{@code orders}: flow {@code f}'s order {@code 3_000_000 + f}: {@code f×10+1} pending,
 *       {@code f×10+2} confirmed, {@code f×10+3} cancelled.
 *   <li>{@code notifications}: flow {@code f}'s email {@code 4_000_000 + f}: {@code f} per email
 *       sent — irreversible, never compensated.
 * </ul>
 *
 * Balances and stock may not go below zero: a charge or reservation that would is refused (the
 * business failure that makes a saga compensate).
 *
 * <p>Those are offsets from a run's key base, any multiple of {@link #BLOCK} ({@link #base}): 0 on
 * the simulator; a live run's workload starts its keys at a fresh base ({@code keyBase}, rounded up
 * to a block), so a key's service and entity are read from its offset within its block, and one
 * run's flows never meet another's in a cluster that outlives runs.
 */
public final class SagaKeys {
  private SagaKeys() {}

  /** The services, in the order of their shards ({@code shard-0} is payments). */
  public enum Service {
    PAYMENTS,
    INVENTORY,
    ORDERS,
    NOTIFICATIONS;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static final int ACCOUNTS = 6;
  public static final int PRODUCTS = 3;
  public static final long INITIAL_BALANCE = 100;
  public static final long INITIAL_STOCK = 40;
  public static final int MAX_AMOUNT = 9;
  public static final int MAX_QUANTITY = 3;

  static final long SPAN = 1_000_000L;

  /** The keys of one run lie in one block of this size: a base, then the four ranges. */
  public static final long BLOCK = 10 * SPAN;

  /** The base a run whose keys may start at {@code keyBase} uses: the next multiple of a block. */
  public static long base(long keyBase) {
    if (keyBase < 0) throw new IllegalArgumentException("a key base is not negative: " + keyBase);
    return Math.floorDiv(keyBase + BLOCK - 1, BLOCK) * BLOCK;
  }

  static final int PENDING = 1;
  static final int CONFIRMED = 2;
  static final int CANCELLED = 3;

  public static long account(int a) {
    return SPAN + a;
  }

  public static long stock(int p) {
    return 2 * SPAN + p;
  }

  public static long order(long flow) {
    return 3 * SPAN + flow;
  }

  public static long email(long flow) {
    return 4 * SPAN + flow;
  }

  /** The service that holds {@code key}, or null if it is not a key of the flow. */
  public static Service serviceOf(String key) {
    long k;
    try {
      k = Long.parseLong(key);
    } catch (NumberFormatException e) {
      return null;
    }
    if (k < 0) return null;
    long off = k % BLOCK;
    long range = off / SPAN;
    if (range < 1 || range > 4) return null;
    if (range == 1 && off - SPAN >= ACCOUNTS) return null;
    if (range == 2 && off - 2 * SPAN >= PRODUCTS) return null;
    return Service.values()[(int) range - 1];
  }

  /** The flow an email key ({@link #email}, from any base) is for. */
  static long flowOfEmail(String key) {
    return Long.parseLong(key) % BLOCK - 4 * SPAN;
  }

  /** The order key of the flow an email key is for, in the same block. */
  static String orderOfEmail(String key) {
    return Long.toString(Long.parseLong(key) - SPAN);
  }

  /** Whether {@code key} holds a quantity that may not go below zero (an account or a stock). */
  public static boolean isLedger(String key) {
    Service s = serviceOf(key);
    return s == Service.PAYMENTS || s == Service.INVENTORY;
  }

  /** The quantity a ledger starts with. */
  public static long initialOf(String key) {
    Service s = serviceOf(key);
    return s == Service.PAYMENTS ? INITIAL_BALANCE : s == Service.INVENTORY ? INITIAL_STOCK : 0;
  }

  /** The signed quantity a ledger element moves (its last two digits, with its sign). */
  public static long amountOf(long element) {
    return Long.signum(element) * (Math.abs(element) % 100);
  }

  /** The flow a ledger element, order status or email belongs to. */
  public static long flowOf(String key, long element) {
    Service s = serviceOf(key);
    if (s == Service.ORDERS) return element / 10;
    if (s == Service.NOTIFICATIONS) return element;
    return Math.abs(element) / 100;
  }

  /**
   * Flow {@code f} as micro-ops, in the pattern's order: create the order (pending), charge the
   * customer, reserve the stock (the pivot: the last step that may fail), confirm the order, send
   * the email.
   */
  public static List<MicroOp> flow(long f, int account, int product, int amount, int quantity) {
    if (amount < 1 || amount > MAX_AMOUNT || quantity < 1 || quantity > MAX_QUANTITY)
      throw new IllegalArgumentException("amount 1.." + MAX_AMOUNT + ", quantity 1..3");
    List<MicroOp> out = new ArrayList<>();
    out.add(MicroOp.append(Long.toString(order(f)), f * 10 + PENDING));
    out.add(MicroOp.append(Long.toString(account(account)), -(f * 100 + amount)));
    out.add(MicroOp.append(Long.toString(stock(product)), -(f * 100 + quantity)));
    out.add(MicroOp.append(Long.toString(order(f)), f * 10 + CONFIRMED));
    out.add(MicroOp.append(Long.toString(email(f)), f));
    return out;
  }

  /** A report: one read of every account and every product's stock. */
  public static List<MicroOp> report() {
    List<MicroOp> out = new ArrayList<>();
    for (int a = 0; a < ACCOUNTS; a++) out.add(MicroOp.readList(Long.toString(account(a))));
    for (int p = 0; p < PRODUCTS; p++) out.add(MicroOp.readList(Long.toString(stock(p))));
    return out;
  }

  /**
   * What undoes forward step {@code op}: a refund for a charge, a release for a reservation, the
   * cancellation of a pending order; null for a step that cannot be undone (an email) or needs none
   * (a confirmation comes after the pivot, and a saga past its pivot completes).
   */
  public static MicroOp compensation(MicroOp op) {
    Service s = serviceOf(op.key());
    long v = Long.parseLong(op.value());
    if ((s == Service.PAYMENTS || s == Service.INVENTORY) && v < 0) {
      return MicroOp.append(op.key(), -v);
    }
    if (s == Service.ORDERS && v % 10 == PENDING) {
      return MicroOp.append(op.key(), v - PENDING + CANCELLED);
    }
    return null;
  }

  /** Whether an order's ledger element says cancelled. */
  static boolean isCancelled(long orderElement) {
    return orderElement % 10 == CANCELLED;
  }

  /** Whether an order's ledger element says confirmed. */
  static boolean isConfirmed(long orderElement) {
    return orderElement % 10 == CONFIRMED;
  }

  /**
   * Whether {@code ops} is one flow as {@link #flow} writes it (five appends on the flow's keys).
   */
  public static boolean isFlow(List<MicroOp> ops) {
    if (ops.size() != 5) return false;
    for (MicroOp m : ops) {
      if (m.kind() != MicroOp.Kind.APPEND || serviceOf(m.key()) == null) return false;
    }
    return true;
  }

  /** Whether {@code ops} reads only keys of the flow. */
  public static boolean isReport(List<MicroOp> ops) {
    if (ops.isEmpty()) return false;
    for (MicroOp m : ops) {
      if (m.isWrite() || serviceOf(m.key()) == null) return false;
    }
    return true;
  }
}
