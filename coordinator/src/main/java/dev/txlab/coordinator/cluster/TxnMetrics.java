package dev.txlab.coordinator.cluster;

import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * A run's protocol metrics, gathered from {@link TxnProbe} events time-stamped with the host's true
 * (virtual) time. Participant events arrive from every replica; the first per (shard, txn) counts.
 *
 * <p>"Blocked" means a participant stayed prepared and in doubt for longer than {@code
 * blockedThresholdNanos} — holding its locks because it could not learn the decision.
 */
public final class TxnMetrics implements TxnProbe {
  private record Key(ShardId shard, TxnId txn) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = shard.compareTo(o.shard);
      return c != 0 ? c : txn.compareTo(o.txn);
    }
  }

  private final LongSupplier clock;
  private final long blockedThresholdNanos;
  private final java.util.HashMap<Key, Long> grantedAt = new java.util.HashMap<>();
  private final java.util.HashMap<Key, Long> preparedAt = new java.util.HashMap<>();
  private final java.util.HashSet<Key> settled = new java.util.HashSet<>();
  private final ArrayList<Long> lockHoldNanos = new ArrayList<>();
  private final ArrayList<Long> inDoubtNanos = new ArrayList<>();
  private final ArrayList<Long> commitWaitNanos = new ArrayList<>();
  private final TreeMap<TxnId, Long> blockedTxns = new TreeMap<>();
  private final TreeMap<String, Long> abortsByCause = new TreeMap<>();
  private long commits;
  private long aborts;
  private long retries;
  private long unknown;
  private long coordinatorDecisions;

  public TxnMetrics(LongSupplier clock, long blockedThresholdNanos) {
    this.clock = clock;
    this.blockedThresholdNanos = blockedThresholdNanos;
  }

  @Override
  public void lockGranted(ShardId shard, TxnId txn) {
    Key k = new Key(shard, txn);
    if (!settled.contains(k))
      grantedAt.putIfAbsent(k, clock.getAsLong()); // not a replay after a restart
  }

  @Override
  public void participantPrepared(ShardId shard, TxnId txn, long prepareTs) {
    Key k = new Key(shard, txn);
    if (!settled.contains(k)) preparedAt.putIfAbsent(k, clock.getAsLong());
  }

  @Override
  public void participantDecided(ShardId shard, TxnId txn, TxnDecision decision, long commitTs) {
    Key k = new Key(shard, txn);
    if (!settled.add(k)) return;
    long now = clock.getAsLong();
    Long g = grantedAt.remove(k);
    if (g != null) lockHoldNanos.add(now - g);
    Long p = preparedAt.remove(k);
    if (p != null) {
      long d = now - p;
      inDoubtNanos.add(d);
      if (d > blockedThresholdNanos) blockedTxns.merge(txn, d, Math::max);
    }
  }

  @Override
  public void coordinatorDecided(
      Address coordinator, TxnId txn, TxnDecision decision, long commitTs) {
    coordinatorDecisions++;
  }

  @Override
  public void commitWaited(Address coordinator, TxnId txn, long waitNanos) {
    commitWaitNanos.add(waitNanos);
  }

  @Override
  public void clientCommitted(TxnId txn) {
    commits++;
  }

  @Override
  public void clientAborted(TxnId txn, String cause) {
    aborts++;
    abortsByCause.merge(cause, 1L, Long::sum);
  }

  @Override
  public void clientRetried(TxnId txn) {
    retries++;
  }

  @Override
  public void clientUnknown(TxnId txn, String cause) {
    unknown++;
  }

  /**
   * The recorded durations, sorted, in nanoseconds: {@code commit_wait} (per coordinator decision),
   * {@code in_doubt} (prepare to decision, per participant), {@code lock_hold} (first lock to
   * decision, per participant).
   */
  public Map<String, long[]> distributions() {
    Map<String, long[]> out = new java.util.LinkedHashMap<>();
    out.put("commit_wait", sorted(commitWaitNanos));
    out.put("in_doubt", sorted(inDoubtNanos));
    out.put("lock_hold", sorted(lockHoldNanos));
    return out;
  }

  private static long[] sorted(List<Long> values) {
    long[] a = new long[values.size()];
    for (int i = 0; i < a.length; i++) a[i] = values.get(i);
    java.util.Arrays.sort(a);
    return a;
  }

  /** Transactions still prepared somewhere and undecided there, with how long so far. */
  public TreeMap<TxnId, Long> inDoubtNow() {
    TreeMap<TxnId, Long> out = new TreeMap<>();
    long now = clock.getAsLong();
    for (Map.Entry<Key, Long> e : preparedAt.entrySet())
      out.merge(e.getKey().txn(), now - e.getValue(), Math::max);
    return out;
  }

  public long commits() {
    return commits;
  }

  public long aborts() {
    return aborts;
  }

  public long retries() {
    return retries;
  }

  public long unknown() {
    return unknown;
  }

  public TreeMap<String, Long> abortsByCause() {
    return new TreeMap<>(abortsByCause);
  }

  public int blockedTxns() {
    return blockedTxns.size();
  }

  public long blockedNanosMax() {
    long m = 0;
    for (long v : blockedTxns.values()) m = Math.max(m, v);
    return m;
  }

  public List<Long> commitWaitNanos() {
    return List.copyOf(commitWaitNanos);
  }

  public List<Long> inDoubtNanos() {
    return List.copyOf(inDoubtNanos);
  }

  public List<Long> lockHoldNanos() {
    return List.copyOf(lockHoldNanos);
  }

  /** The metrics under stable snake_case names (milliseconds, as the run report prints them). */
  public TreeMap<String, Object> summary() {
    TreeMap<String, Object> m = new TreeMap<>();
    m.put("commits", commits);
    m.put("aborts", aborts);
    for (Map.Entry<String, Long> e : abortsByCause.entrySet())
      m.put("aborts_" + e.getKey().replace('-', '_'), e.getValue());
    m.put("retries", retries);
    m.put("unknown_outcomes", unknown);
    m.put("coordinator_decisions", coordinatorDecisions);
    m.put("blocked_txns", (long) blockedTxns.size());
    m.put("blocked_ms_max", blockedNanosMax() / 1e6);
    putDistribution(m, "commit_wait_ms", commitWaitNanos);
    putDistribution(m, "in_doubt_ms", inDoubtNanos);
    putDistribution(m, "lock_hold_ms", lockHoldNanos);
    return m;
  }

  private static void putDistribution(TreeMap<String, Object> m, String name, List<Long> values) {
    List<Long> v = new ArrayList<>(values);
    Collections.sort(v);
    m.put(name + "_p50", v.isEmpty() ? 0.0 : v.get(v.size() / 2) / 1e6);
    m.put(
        name + "_p99",
        v.isEmpty() ? 0.0 : v.get(Math.min(v.size() - 1, (int) (v.size() * 0.99))) / 1e6);
    m.put(name + "_max", v.isEmpty() ? 0.0 : v.get(v.size() - 1) / 1e6);
  }
}
