package dev.txlab.node.raft;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Message;
import java.util.List;

/**
 * Raft's messages, named and shaped as in the paper's Figure 2 and §7 (InstallSnapshot), plus
 * TimeoutNow for leader transfer (thesis §3.10). Compact constructors check structure only; whether
 * a peer's claims make sense is judged by the receiver.
 */
public sealed interface RaftMessage extends Message {
  long term();

  /**
   * Asks for a vote. With {@code preVote} (thesis §9.6) it only asks whether the receiver
   * <em>would</em> vote in {@code term}, changing nobody's state. {@code leadershipTransfer} marks
   * an election started by TimeoutNow, which voters grant even while they still hear a leader.
   */
  record RequestVote(
      long term,
      Address candidateId,
      long lastLogIndex,
      long lastLogTerm,
      boolean preVote,
      boolean leadershipTransfer)
      implements RaftMessage {
    public RequestVote {
      if (term < 1 || candidateId == null || lastLogIndex < 0 || lastLogTerm < 0) {
        throw new IllegalArgumentException("malformed RequestVote");
      }
    }
  }

  record RequestVoteReply(long term, boolean voteGranted, boolean preVote) implements RaftMessage {}

  /**
   * Replicates entries and doubles as heartbeat. {@code readSeq} numbers the leader's heartbeat
   * rounds; followers echo it so the leader knows a majority still followed it after a point in
   * time (ReadIndex, thesis §6.4, and leases).
   */
  record AppendEntries(
      long term,
      Address leaderId,
      long prevLogIndex,
      long prevLogTerm,
      List<LogEntry> entries,
      long leaderCommit,
      long readSeq)
      implements RaftMessage {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("AppendEntries[")
          .append("term=")
          .append(term)
          .append(", leaderId=")
          .append(leaderId)
          .append(", prevLogIndex=")
          .append(prevLogIndex)
          .append(", prevLogTerm=")
          .append(prevLogTerm)
          .append(", entries=")
          .append(entries)
          .append(", leaderCommit=")
          .append(leaderCommit)
          .append(", readSeq=")
          .append(readSeq)
          .append(']')
          .toString();
    }

    public AppendEntries {
      if (term < 1 || leaderId == null || prevLogIndex < 0 || prevLogTerm < 0 || leaderCommit < 0) {
        throw new IllegalArgumentException("malformed AppendEntries");
      }
      entries = List.copyOf(entries);
    }
  }

  /**
   * On success {@code matchIndex} is the last index known to match the leader. On failure {@code
   * conflictIndex} is where the leader should retry from.
   */
  record AppendEntriesReply(
      long term, boolean success, long matchIndex, long conflictIndex, long readSeq)
      implements RaftMessage {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("AppendEntriesReply[")
          .append("term=")
          .append(term)
          .append(", success=")
          .append(success)
          .append(", matchIndex=")
          .append(matchIndex)
          .append(", conflictIndex=")
          .append(conflictIndex)
          .append(", readSeq=")
          .append(readSeq)
          .append(']')
          .toString();
    }
  }

  /**
   * The whole snapshot in one message (the paper's offset/done chunking is not needed in memory).
   */
  record InstallSnapshot(
      long term,
      Address leaderId,
      long lastIncludedIndex,
      long lastIncludedTerm,
      Object data,
      long readSeq)
      implements RaftMessage {
    public InstallSnapshot {
      if (term < 1
          || leaderId == null
          || lastIncludedIndex < 1
          || lastIncludedTerm < 1
          || data == null) {
        throw new IllegalArgumentException("malformed InstallSnapshot");
      }
    }
  }

  record InstallSnapshotReply(long term, long lastIncludedIndex, long readSeq)
      implements RaftMessage {}

  /** Leader transfer: "start an election now, skipping the wait". */
  record TimeoutNow(long term, Address leaderId) implements RaftMessage {}

  /**
   * A follower asks the leader it knows in {@code term} for a read index (thesis §6.4, reads on
   * followers). One request carries every read the follower had waiting when it was sent; {@code
   * ctx} names it so the follower can match the reply (unique per follower incarnation).
   */
  record ReadIndexRequest(long term, Address from, long ctx) implements RaftMessage {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("ReadIndexRequest[")
          .append("term=")
          .append(term)
          .append(", from=")
          .append(from)
          .append(", ctx=")
          .append(ctx)
          .append(']')
          .toString();
    }

    public ReadIndexRequest {
      if (term < 1 || from == null)
        throw new IllegalArgumentException("malformed ReadIndexRequest");
    }
  }

  /**
   * The leader's answer to {@link ReadIndexRequest} {@code ctx}: with {@code ok}, {@code readIndex}
   * is its commit index when the request arrived, confirmed since by a majority's heartbeat round;
   * without, it no longer leads (the follower fails the reads it carried).
   */
  record ReadIndexReply(long term, long ctx, long readIndex, boolean ok) implements RaftMessage {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("ReadIndexReply[")
          .append("term=")
          .append(term)
          .append(", ctx=")
          .append(ctx)
          .append(", readIndex=")
          .append(readIndex)
          .append(", ok=")
          .append(ok)
          .append(']')
          .toString();
    }

    public ReadIndexReply {
      if (term < 1 || readIndex < 0) throw new IllegalArgumentException("malformed ReadIndexReply");
    }
  }
}
