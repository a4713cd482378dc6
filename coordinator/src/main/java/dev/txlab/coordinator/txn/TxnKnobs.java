package dev.txlab.coordinator.txn;

import java.util.Locale;
import java.util.TreeMap;

/**
 * The transaction protocol's guarantee knobs, by their scenario names.
 *
 * @param commitWait {@code commit-wait: on|off}: wait until {@code TT.after(s)} before anyone learns
 *     the outcome (Spanner §4.1.2). Off breaks external consistency under clock uncertainty.
 * @param replicatedCoordinator {@code coordinator: replicated|single}: the coordinator is the leader
 *     of a participant's Raft group (Spanner), or one non-replicated process (classic 2PC)
 * @param snapshotReads {@code read-only: snapshot|locking}
 * @param stalenessNanos {@code staleness}: snapshot reads at {@code TT.now().latest - staleness}
 * @param woundWait {@code lock-wait: wound-wait|no-wait}
 * @param cooperativeTermination {@code cooperative-termination: on|off}: an in-doubt participant also
 *     asks the other participants
 */
public record TxnKnobs(
    boolean commitWait,
    boolean replicatedCoordinator,
    boolean snapshotReads,
    long stalenessNanos,
    boolean woundWait,
    boolean cooperativeTermination) {
  public TxnKnobs {
    if (stalenessNanos < 0) throw new IllegalArgumentException("staleness must be >= 0");
  }

  /** Spanner-style: commit wait on, replicated coordinator, snapshot reads, wound-wait. */
  public static TxnKnobs spanner() {
    return new TxnKnobs(true, true, true, 0, true, false);
  }

  /** Classic 2PC: a single coordinator, locking reads, no cooperative termination. */
  public static TxnKnobs classic2pc() {
    return new TxnKnobs(true, false, false, 0, true, false);
  }

  public TxnKnobs withKnob(String name, String value) {
    switch (name) {
      case "commit-wait":
        return new TxnKnobs(onOff(name, value), replicatedCoordinator, snapshotReads, stalenessNanos, woundWait, cooperativeTermination);
      case "coordinator":
        return new TxnKnobs(commitWait, choice(name, value, "replicated", "single"), snapshotReads, stalenessNanos, woundWait, cooperativeTermination);
      case "read-only":
        return new TxnKnobs(commitWait, replicatedCoordinator, choice(name, value, "snapshot", "locking"), stalenessNanos, woundWait, cooperativeTermination);
      case "staleness":
        return new TxnKnobs(commitWait, replicatedCoordinator, snapshotReads, parseMillis(value), woundWait, cooperativeTermination);
      case "lock-wait":
        return new TxnKnobs(commitWait, replicatedCoordinator, snapshotReads, stalenessNanos, choice(name, value, "wound-wait", "no-wait"), cooperativeTermination);
      case "cooperative-termination":
        return new TxnKnobs(commitWait, replicatedCoordinator, snapshotReads, stalenessNanos, woundWait, onOff(name, value));
      default:
        throw new IllegalArgumentException("unknown knob '" + name
            + "' (known: commit-wait, coordinator, read-only, staleness, lock-wait, cooperative-termination)");
    }
  }

  public TreeMap<String, String> knobs() {
    TreeMap<String, String> k = new TreeMap<>();
    k.put("commit-wait", commitWait ? "on" : "off");
    k.put("coordinator", replicatedCoordinator ? "replicated" : "single");
    k.put("read-only", snapshotReads ? "snapshot" : "locking");
    k.put("staleness", String.format(Locale.ROOT, "%dms", stalenessNanos / 1_000_000));
    k.put("lock-wait", woundWait ? "wound-wait" : "no-wait");
    k.put("cooperative-termination", cooperativeTermination ? "on" : "off");
    return k;
  }

  private static boolean onOff(String name, String value) {
    return choice(name, value, "on", "off");
  }

  private static boolean choice(String name, String value, String yes, String no) {
    if (value.equals(yes)) return true;
    if (value.equals(no)) return false;
    throw new IllegalArgumentException(name + " must be " + yes + "|" + no + ", not '" + value + "'");
  }

  /** {@code 250ms}, {@code 2s} or a bare number of milliseconds. */
  private static long parseMillis(String value) {
    try {
      if (value.endsWith("ms")) return Long.parseLong(value.substring(0, value.length() - 2)) * 1_000_000L;
      if (value.endsWith("s")) return Long.parseLong(value.substring(0, value.length() - 1)) * 1_000_000_000L;
      return Long.parseLong(value) * 1_000_000L;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("staleness must be a duration like 250ms or 2s, not '" + value + "'");
    }
  }
}
