package dev.txlab.coordinator.saga;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One service's data and its local transactions, pure: what a service's Raft group replicates. A
 * {@link ServiceCommand.Step} appends to a ledger — refused if it would take a balance or a stock
 * below zero — and, with idempotency, remembers its outcome under the step's key, so a retried or
 * duplicated step is answered from memory instead of applied twice. With the {@code semantic-lock}
 * countermeasure a forward step leaves a pending flag on its key until the saga ends ({@link
 * ServiceCommand.Release}), and a read of a flagged key is refused, as is another saga's forward
 * step on it (refused at once, so the saga compensates: waiting could deadlock two sagas); with
 * {@code reread} a compensation re-reads the ledger and applies only if the step it undoes is there
 * and not yet undone.
 */
public final class ServiceState {
  /** How the service treats steps and reads. */
  public record Config(boolean idempotency, boolean semanticLock, boolean reread) {}

  /** A step's outcomes. */
  public static final String OK = "ok";

  public static final String REFUSED = "refused";
  public static final String NOTHING_TO_UNDO = "nothing-to-undo";
  public static final String PENDING = "pending";

  /** A read's answer: the ledgers' texts (elements separated by spaces), or the flagged key. */
  public record ReadResult(List<String> values, String lockedKey) {}

  private final Config config;
  private TreeMap<String, List<Long>> ledgers = new TreeMap<>();
  private TreeMap<String, String> done = new TreeMap<>();
  private TreeMap<String, TreeSet<String>> pending = new TreeMap<>();
  private long applied;

  public ServiceState(Config config) {
    this.config = config;
  }

  /** Applies one command; a step answers its outcome, a read a {@link ReadResult}. */
  public Object apply(ServiceCommand command) {
    applied++;
    if (command instanceof ServiceCommand.Step s) {
      return step(s);
    }
    if (command instanceof ServiceCommand.Release r) {
      for (String k : r.keys()) {
        TreeSet<String> p = pending.get(k);
        if (p != null && p.remove(r.sagaId()) && p.isEmpty()) pending.remove(k);
      }
      return OK;
    }
    ServiceCommand.Read r = (ServiceCommand.Read) command;
    List<String> values = new ArrayList<>();
    for (String k : r.keys()) {
      if (config.semanticLock() && pending.containsKey(k)) return new ReadResult(List.of(), k);
      values.add(text(ledgers.getOrDefault(k, List.of())));
    }
    return new ReadResult(values, null);
  }

  private String step(ServiceCommand.Step s) {
    if (config.idempotency() && done.containsKey(s.stepKey())) return done.get(s.stepKey());
    List<Long> ledger = ledgers.computeIfAbsent(s.key(), k -> new ArrayList<>());
    String out;
    if (!s.compensation()) {
      TreeSet<String> flags = pending.get(s.key());
      if (config.semanticLock()
          && flags != null
          && !flags.equals(new TreeSet<>(Set.of(s.sagaId())))) {
        // Another saga's pending flag: refused at once (waiting could deadlock two sagas).
        out = PENDING;
      } else if (SagaKeys.isLedger(s.key())
          && balance(s.key()) + SagaKeys.amountOf(s.element()) < 0) {
        out = REFUSED;
      } else {
        ledger.add(s.element());
        if (config.semanticLock()) {
          pending.computeIfAbsent(s.key(), k -> new TreeSet<>()).add(s.sagaId());
        }
        out = OK;
      }
    } else if (config.reread() && count(ledger, s.undoes()) <= count(ledger, s.element())) {
      out = NOTHING_TO_UNDO;
    } else {
      ledger.add(s.element());
      out = OK;
    }
    if (config.idempotency()) done.put(s.stepKey(), out);
    return out;
  }

  private static long count(List<Long> ledger, long element) {
    long n = 0;
    for (long e : ledger) if (e == element) n++;
    return n;
  }

  /** A ledger's quantity now (its initial one plus the signed amounts of its elements). */
  public long balance(String key) {
    long b = SagaKeys.initialOf(key);
    for (long e : ledgers.getOrDefault(key, List.of())) b += SagaKeys.amountOf(e);
    return b;
  }

  /** Every ledger, as it stands. */
  public Map<String, List<Long>> ledgers() {
    TreeMap<String, List<Long>> out = new TreeMap<>();
    ledgers.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return out;
  }

  /** The keys flagged pending now, with the sagas that flagged them. */
  public Map<String, List<String>> pendingFlags() {
    TreeMap<String, List<String>> out = new TreeMap<>();
    pending.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return out;
  }

  /** How many commands it has applied. */
  public long appliedCount() {
    return applied;
  }

  static String text(List<Long> ledger) {
    StringBuilder b = new StringBuilder();
    for (long e : ledger) {
      if (b.length() > 0) b.append(' ');
      b.append(e);
    }
    return b.toString();
  }

  /** An immutable copy of the state. */
  public Object snapshot() {
    return new Snap(ledgers(), Map.copyOf(done), pendingFlags(), applied);
  }

  /** The state's snapshot (package-visible for the live codec). */
  record Snap(
      Map<String, List<Long>> ledgers,
      Map<String, String> done,
      Map<String, List<String>> pending,
      long applied) {}

  /** Replaces the state with {@code snapshot}'s. */
  public void restore(Object snapshot) {
    Snap s = (Snap) snapshot;
    ledgers = new TreeMap<>();
    s.ledgers().forEach((k, v) -> ledgers.put(k, new ArrayList<>(v)));
    done = new TreeMap<>(s.done());
    pending = new TreeMap<>();
    s.pending().forEach((k, v) -> pending.put(k, new TreeSet<>(v)));
    applied = s.applied();
  }
}
