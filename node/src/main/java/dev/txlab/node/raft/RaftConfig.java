package dev.txlab.node.raft;

import dev.txlab.node.api.Address;
import java.util.List;

/**
 * A Raft group's settings, validated at construction. Durations are nanoseconds (units last).
 *
 * @param members every voter of the group, this replica included, in a fixed order
 * @param electionTimeoutNanosMin lower bound of the randomized election timeout; also the time a
 *     follower refuses to vote after hearing from a leader (check-quorum / lease)
 * @param electionTimeoutNanosMax upper bound
 * @param heartbeatIntervalNanos the leader's tick
 * @param maxEntriesPerMessage batching: entries per AppendEntries
 * @param maxInflightMessages pipelining: AppendEntries in flight per follower
 * @param snapshotThresholdEntries compact the log after this many applied entries
 * @param preVote run a pre-vote before a real election (no disruption by rejoining nodes)
 * @param checkQuorum a leader steps down without a majority's acks for an election timeout
 * @param fsync sync storage before replies that depend on it ({@code fsync: never} turns it off)
 * @param leaseDriftBound the clock-rate error a lease tolerates: a lease lasts {@code
 *     electionTimeoutNanosMin × (1 − leaseDriftBound)} from the heartbeat that earned it. Negative
 *     values are unsafe by design (the knob "lease with an unsafe drift bound").
 */
public record RaftConfig(
    List<Address> members,
    long electionTimeoutNanosMin,
    long electionTimeoutNanosMax,
    long heartbeatIntervalNanos,
    int maxEntriesPerMessage,
    int maxInflightMessages,
    long snapshotThresholdEntries,
    boolean preVote,
    boolean checkQuorum,
    boolean fsync,
    double leaseDriftBound) {
  public RaftConfig {
    members = List.copyOf(members);
    if (members.isEmpty() || members.stream().distinct().count() != members.size()) {
      throw new IllegalArgumentException("members must be non-empty and distinct: " + members);
    }
    if (electionTimeoutNanosMin <= 0 || electionTimeoutNanosMax < electionTimeoutNanosMin) {
      throw new IllegalArgumentException(
          "need 0 < electionTimeoutNanosMin <= electionTimeoutNanosMax");
    }
    if (heartbeatIntervalNanos <= 0 || heartbeatIntervalNanos >= electionTimeoutNanosMin) {
      throw new IllegalArgumentException(
          "need 0 < heartbeatIntervalNanos < electionTimeoutNanosMin");
    }
    if (maxEntriesPerMessage < 1 || maxInflightMessages < 1 || snapshotThresholdEntries < 1) {
      throw new IllegalArgumentException("batching, pipelining and snapshot limits must be >= 1");
    }
    if (leaseDriftBound >= 1 || Double.isNaN(leaseDriftBound)) {
      throw new IllegalArgumentException("leaseDriftBound must be < 1: " + leaseDriftBound);
    }
  }

  /**
   * Defaults: 150–300 ms elections, 50 ms heartbeats, 64-entry batches, 4 in flight, snapshot every
   * 1,000.
   */
  public static RaftConfig defaults(List<Address> members) {
    return new RaftConfig(
        members, 150_000_000L, 300_000_000L, 50_000_000L, 64, 4, 1_000, true, true, true, 0.05);
  }

  public RaftConfig withFsync(boolean on) {
    return new RaftConfig(
        members,
        electionTimeoutNanosMin,
        electionTimeoutNanosMax,
        heartbeatIntervalNanos,
        maxEntriesPerMessage,
        maxInflightMessages,
        snapshotThresholdEntries,
        preVote,
        checkQuorum,
        on,
        leaseDriftBound);
  }

  public RaftConfig withLeaseDriftBound(double bound) {
    return new RaftConfig(
        members,
        electionTimeoutNanosMin,
        electionTimeoutNanosMax,
        heartbeatIntervalNanos,
        maxEntriesPerMessage,
        maxInflightMessages,
        snapshotThresholdEntries,
        preVote,
        checkQuorum,
        fsync,
        bound);
  }

  public RaftConfig withSnapshotThresholdEntries(long n) {
    return new RaftConfig(
        members,
        electionTimeoutNanosMin,
        electionTimeoutNanosMax,
        heartbeatIntervalNanos,
        maxEntriesPerMessage,
        maxInflightMessages,
        n,
        preVote,
        checkQuorum,
        fsync,
        leaseDriftBound);
  }

  public RaftConfig withPreVoteAndCheckQuorum(boolean preVote, boolean checkQuorum) {
    return new RaftConfig(
        members,
        electionTimeoutNanosMin,
        electionTimeoutNanosMax,
        heartbeatIntervalNanos,
        maxEntriesPerMessage,
        maxInflightMessages,
        snapshotThresholdEntries,
        preVote,
        checkQuorum,
        fsync,
        leaseDriftBound);
  }

  /** How long a lease lasts from the heartbeat that earned it. */
  public long leaseNanos() {
    return (long) (electionTimeoutNanosMin * (1 - leaseDriftBound));
  }
}
