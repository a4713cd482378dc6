package dev.txlab.coordinator.txn;

import java.util.Locale;
import java.util.TreeMap;

/**
 * The transaction protocol's guarantee knobs, by their scenario names.
 *
 * @param commitWait {@code commit-wait: on|off}: wait until {@code TT.after(s)} before anyone
 *     learns the outcome (Spanner §4.1.2). Off breaks external consistency under clock uncertainty.
 * @param replicatedCoordinator {@code coordinator: replicated|single}: the coordinator is the
 *     leader of a participant's Raft group (Spanner), or one non-replicated process (classic 2PC)
 * @param snapshotReads {@code read-only: snapshot|locking}
 * @param stalenessNanos {@code staleness}: snapshot reads at {@code TT.now().latest - staleness}
 * @param woundWait {@code lock-wait: wound-wait|no-wait}
 * @param cooperativeTermination {@code cooperative-termination: on|off}: an in-doubt participant
 *     also asks the other participants
 * @param fullInvariantScan {@code invariant-scan: incremental|full}: each participant's state
 *     machine checks its invariants on what a step touched (the default), or on everything after
 *     every step (slower; for a run that looks suspicious)
 */
public record TxnKnobs(
    boolean commitWait,
    boolean replicatedCoordinator,
    boolean snapshotReads,
    long stalenessNanos,
    boolean woundWait,
    boolean cooperativeTermination,
    boolean fullInvariantScan) {
  public TxnKnobs {
    if (stalenessNanos < 0) throw new IllegalArgumentException("staleness must be >= 0");
  }

  /** Spanner-style: commit wait on, replicated coordinator, snapshot reads, wound-wait. */
  public static TxnKnobs spanner() {
    return new TxnKnobs(true, true, true, 0, true, false, false);
  }

  /** Classic 2PC: a single coordinator, locking reads, no cooperative termination. */
  public static TxnKnobs classic2pc() {
    return new TxnKnobs(true, false, false, 0, true, false, false);
  }

  public TxnKnobs withKnob(String name, String value) {
    boolean cw = commitWait;
    boolean rc = replicatedCoordinator;
    boolean sr = snapshotReads;
    long st = stalenessNanos;
    boolean ww = woundWait;
    boolean ct = cooperativeTermination;
    boolean fs = fullInvariantScan;
    switch (name) {
      case "commit-wait" -> cw = onOff(name, value);
      case "coordinator" -> rc = choice(name, value, "replicated", "single");
      case "read-only" -> sr = choice(name, value, "snapshot", "locking");
      case "staleness" -> st = parseMillis(value);
      case "lock-wait" -> ww = choice(name, value, "wound-wait", "no-wait");
      case "cooperative-termination" -> ct = onOff(name, value);
      case "invariant-scan" -> fs = choice(name, value, "full", "incremental");
      default ->
          throw new IllegalArgumentException(
              "unknown knob '"
                  + name
                  + "' (known: commit-wait, coordinator, read-only, staleness, lock-wait,"
                  + " cooperative-termination, invariant-scan)");
    }
    return new TxnKnobs(cw, rc, sr, st, ww, ct, fs);
  }

  /**
   * The knobs of the 2PC protocols, with this record's values as their defaults: declared once,
   * here, for both {@code spanner} and {@code classic}.
   */
  public java.util.List<dev.txlab.coordinator.protocol.Knob> declared() {
    TreeMap<String, String> d = knobs();
    return java.util.List.of(
        dev.txlab.coordinator.protocol.Knob.choice(
            "commit-wait",
            d.get("commit-wait"),
            java.util.List.of("on", "off"),
            "wait out TrueTime's uncertainty before anyone learns a commit (Spanner §4.1.2); off breaks external consistency"),
        dev.txlab.coordinator.protocol.Knob.choice(
            "coordinator",
            d.get("coordinator"),
            java.util.List.of("replicated", "single"),
            "the coordinator is the leader of a participant's Raft group, or one unreplicated process (classic 2PC: blocks when it dies)"),
        dev.txlab.coordinator.protocol.Knob.choice(
            "read-only",
            d.get("read-only"),
            java.util.List.of("snapshot", "locking"),
            "read-only transactions read a snapshot at TT.now().latest without locks, or lock like writers"),
        dev.txlab.coordinator.protocol.Knob.duration(
            "staleness",
            d.get("staleness"),
            "snapshot reads this far in the past; above zero, reads may miss recent commits (not strict)"),
        dev.txlab.coordinator.protocol.Knob.choice(
            "lock-wait",
            d.get("lock-wait"),
            java.util.List.of("wound-wait", "no-wait"),
            "an older transaction wounds a younger lock holder and a younger one waits, or any conflict aborts"),
        dev.txlab.coordinator.protocol.Knob.choice(
            "cooperative-termination",
            d.get("cooperative-termination"),
            java.util.List.of("on", "off"),
            "an in-doubt participant also asks the other participants for the decision"),
        dev.txlab.coordinator.protocol.Knob.choice(
            "invariant-scan",
            d.get("invariant-scan"),
            java.util.List.of("incremental", "full"),
            "participants check their invariants on what each step touched, or on everything after every step (slower; for a suspicious run)"));
  }

  /**
   * The knobs from their scenario values (every one present, as a protocol's settings give them).
   */
  public static TxnKnobs of(java.util.Map<String, String> settings) {
    TxnKnobs k = spanner();
    for (java.util.Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
      k = k.withKnob(e.getKey(), e.getValue());
    }
    return k;
  }

  public TreeMap<String, String> knobs() {
    TreeMap<String, String> k = new TreeMap<>();
    k.put("commit-wait", commitWait ? "on" : "off");
    k.put("coordinator", replicatedCoordinator ? "replicated" : "single");
    k.put("read-only", snapshotReads ? "snapshot" : "locking");
    k.put("staleness", String.format(Locale.ROOT, "%dms", stalenessNanos / 1_000_000));
    k.put("lock-wait", woundWait ? "wound-wait" : "no-wait");
    k.put("cooperative-termination", cooperativeTermination ? "on" : "off");
    k.put("invariant-scan", fullInvariantScan ? "full" : "incremental");
    return k;
  }

  private static boolean onOff(String name, String value) {
    return choice(name, value, "on", "off");
  }

  private static boolean choice(String name, String value, String yes, String no) {
    if (value.equals(yes)) return true;
    if (value.equals(no)) return false;
    throw new IllegalArgumentException(
        name + " must be " + yes + "|" + no + ", not '" + value + "'");
  }

  /** {@code 250ms}, {@code 2s} or a bare number of milliseconds. */
  private static long parseMillis(String value) {
    try {
      if (value.endsWith("ms"))
        return Long.parseLong(value.substring(0, value.length() - 2)) * 1_000_000L;
      if (value.endsWith("s"))
        return Long.parseLong(value.substring(0, value.length() - 1)) * 1_000_000_000L;
      return Long.parseLong(value) * 1_000_000L;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "staleness must be a duration like 250ms or 2s, not '" + value + "'");
    }
  }
}
