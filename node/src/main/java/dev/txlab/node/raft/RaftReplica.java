package dev.txlab.node.raft;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Storage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One member of a Raft group (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm", Figure 2, §5–§7; and Ongaro's thesis for pre-vote §9.6, check-quorum and leader
 * transfer §3.10, ReadIndex and leases §6.4, ReadIndex reads on followers through the leader).
 *
 * <p>It is not a process itself: the hosting process (a KV shard replica, a test harness) hands it
 * the {@link RaftMessage}s and {@link RaftTimer}s it receives, proposes commands and asks for
 * reads. It acts only through the host's {@link Env}, so the step contract holds: every change to
 * {@code currentTerm}, {@code votedFor} or the log is written to storage and synced in the step
 * that makes it, and the replies that depend on it (a vote, an AppendEntries success) are held by
 * the host until that sync completes.
 *
 * <p>Invariants kept (checked in {@link #checkInvariants()} and, across replicas, by {@link
 * RaftSafetyMonitor}): {@code lastApplied ≤ commitIndex ≤ lastIndex}; the snapshot never passes
 * {@code lastApplied}; an entry at or below {@code commitIndex} is never truncated; a leader only
 * counts replicas toward committing an entry of its own term (§5.4.2).
 *
 * <p>Time: election deadlines, check-quorum and leases use the node's local clock, so clock faults
 * affect them as they would a real node — that is how an unsafe lease becomes visible.
 */
public final class RaftReplica {
  private static final String HARD_STATE_KEY = "raft/hard-state";
  private static final String SNAPSHOT_KEY = "raft/snapshot";

  /** Leader's view of one follower (Figure 2's nextIndex and matchIndex, plus flow control). */
  private static final class Progress {
    long nextIndex;
    long matchIndex;
    boolean probing = true;
    boolean recentActive;
    long ackedReadSeq;
    long ticksWithoutProgress;
    long snapshotInFlight;
  }

  /**
   * A read the leader confirms. {@code requester} is null for its own reads ({@code readId} is the
   * listener's id) and the follower for a forwarded request ({@code readId} is the request's ctx).
   */
  private record PendingRead(long readId, long readIndex, long readSeq, Address requester) {}

  /** A read admitted while a round was unconfirmed, with the commit index it arrived at. */
  private record RoundRead(long readId, long readIndex, Address requester) {}

  /** A follower's outstanding {@link RaftMessage.ReadIndexRequest} and the reads it carries. */
  private record ForwardedReads(
      long ctx, long term, Address leader, List<Long> readIds, long sentLocalNanos) {}

  /** A follower's read holding the leader's read index, waiting to apply up to it. */
  private record IndexedRead(long readId, long readIndex) {}

  private record SentRound(long readSeq, long sentLocalNanos) {}

  private final Env env;
  private final RaftConfig config;
  private final StateMachine stateMachine;
  private final RaftListener listener;
  private final Storage storage;
  private final Address self;
  private final List<Address> peers;
  private final int majority;

  private RaftLog log;
  private Role role = Role.FOLLOWER;
  private long currentTerm;
  private Address votedFor;
  private Address leaderId;
  private long commitIndex;
  private long lastApplied;
  private final TreeSet<Address> votes = new TreeSet<>();

  private long electionEpoch;
  private boolean electionTimerArmed;
  private long electionDeadlineLocal;
  private long lastLeaderContactLocal;

  // Lookup by address; iteration always goes through followerProgress, in member order.
  private final HashMap<Address, Progress> progress = new HashMap<>();
  private final List<Progress> followerProgress = new ArrayList<>();
  private long quorumCheckDeadlineLocal;
  private Address transferTarget;
  private long transferDeadlineLocal;

  private long readSeq;

  /**
   * Whether this leader sends AppendEntries while its own log write is still being synced (thesis
   * §10.2.1): with fsync on and a host that {@link Env#sendsBeforeSync can}. It then counts itself
   * toward a commit only up to {@link #selfDurableIndex}, which its Persisted timers raise.
   */
  private final boolean parallelAppend;

  /**
   * As leader, the highest index of this term's log known durable here (a Persisted timer fired for
   * it). Counted for itself when {@link #parallelAppend} or in a group of one.
   */
  private long selfDurableIndex;

  /** The highest heartbeat round a majority has acknowledged (ReadIndex confirmation). */
  private long confirmedReadSeq;

  private final ArrayDeque<SentRound> sentRounds = new ArrayDeque<>();
  private long leaseExpiryLocal = Long.MIN_VALUE;
  private final ArrayDeque<PendingRead> pendingReads = new ArrayDeque<>();
  private final ArrayDeque<AwaitingRead> readsAwaitingTermCommit = new ArrayDeque<>();

  /**
   * ReadIndex reads admitted while a heartbeat round was still unconfirmed, with the commit index
   * they arrived at: they wait for the next round (a round sent before a read arrived proves
   * nothing about leadership after it), which goes out once the outstanding one is confirmed, or
   * with the next tick — so one round confirms every read that waits.
   */
  private final ArrayDeque<RoundRead> readsAwaitingRound = new ArrayDeque<>();

  private record AwaitingRead(long readId, boolean lease, Address requester) {}

  // Reads served on a follower through the leader's ReadIndex (thesis §6.4; etcd/raft's ReadIndex
  // on followers). A read waits for the next request while one is outstanding (batching: one
  // request carries every read that waited), then holds the leader's read index until this
  // replica has applied up to it. They all fail when the replica loses its leader or its term
  // changes, when the leader answers it does not lead, or when the outstanding request has had
  // no answer for a minimum election timeout while the leader is still heard from (a lost request
  // or reply; a silent leader ends in an election timeout and a role change, which fails them).

  /** Reads waiting for the next ReadIndexRequest (one is outstanding). */
  private final ArrayDeque<Long> readsAwaitingForward = new ArrayDeque<>();

  /** The outstanding ReadIndexRequest, or null. */
  private ForwardedReads forwarded;

  /** Reads holding a read index from the leader, waiting for lastApplied to reach it. */
  private final ArrayDeque<IndexedRead> readsAwaitingApply = new ArrayDeque<>();

  /**
   * The ctx numbers of this incarnation's requests start above a random base (drawn at the first
   * request, so replicas that never forward draw nothing), so a reply to a request sent before a
   * restart never matches one sent after it.
   */
  private long forwardCtxBase = -1;

  private long forwardCount;

  private long forwardedReadsServed;

  /** A mutant for the tests: serve a forwarded read at the read index without applying up to it. */
  private boolean serveForwardedReadsUnapplied;

  /** Lowest log index written since the safety monitor last looked (for incremental checks). */
  private long changedFromIndex = Long.MAX_VALUE;

  private final TreeMap<String, Long> dropped = new TreeMap<>();
  private boolean started;

  public RaftReplica(Env env, RaftConfig config, StateMachine stateMachine, RaftListener listener) {
    this.env = env;
    this.config = config;
    this.stateMachine = stateMachine;
    this.listener = listener;
    this.storage = env.storage();
    this.self = env.self();
    if (!config.members().contains(self)) {
      throw new IllegalArgumentException(self + " is not a member of " + config.members());
    }
    List<Address> others = new ArrayList<>(config.members());
    others.remove(self);
    this.peers = List.copyOf(others);
    this.majority = Quorum.majority(config.members().size());
    this.parallelAppend = config.fsync() && env.sendsBeforeSync();
  }

  // ================================================================ start and persistence

  /** Rebuilds from storage (first start or restart) and starts as a follower. */
  public void onStart() {
    if (started) throw new IllegalStateException("started twice");
    started = true;
    HardState hs = storage.get(HARD_STATE_KEY, HardState.class);
    if (hs != null) {
      currentTerm = hs.currentTerm();
      votedFor = hs.votedFor();
    }
    Snapshot snap = storage.get(SNAPSHOT_KEY, Snapshot.class);
    if (snap != null) {
      stateMachine.restore(snap.state());
      log = new RaftLog(storage, snap.lastIncludedIndex(), snap.lastIncludedTerm());
      commitIndex = lastApplied = snap.lastIncludedIndex();
    } else {
      log = new RaftLog(storage, 0, 0);
    }
    changedFromIndex = Math.min(changedFromIndex, log.snapshotIndex() + 1);
    // A restarted replica may have promised, before it crashed, not to vote for a while (the
    // lease it gave a leader). It no longer remembers when, so it waits a full timeout.
    lastLeaderContactLocal = env.localClockNanos();
    role = Role.FOLLOWER;
    resetElectionDeadline();
    armElectionTimer(electionDeadlineLocal - env.localClockNanos());
  }

  private void persistHardState() {
    storage.put(HARD_STATE_KEY, new HardState(currentTerm, votedFor));
    syncIfDurable();
  }

  private void syncIfDurable() {
    // Persist before reply: the host releases this step's messages only after the sync, so a vote
    // or an acknowledgement never leaves before the state it promises is on disk.
    if (config.fsync()) storage.sync();
  }

  // ================================================================ client-facing API

  /**
   * Appends {@code command} if this replica leads. Returns the new entry's index, or -1 if it does
   * not lead (or is handing leadership over).
   */
  public long propose(Command command) {
    if (role != Role.LEADER || transferTarget != null) return -1;
    LogEntry e = new LogEntry(currentTerm, log.lastIndex() + 1, command);
    appendToLog(e);
    syncIfDurable();
    for (Address p : peers) maybeSendAppend(p, false);
    if (countsOnlyDurableSelf()) awaitPersisted();
    return e.index();
  }

  /**
   * Asks to serve a linearizable read. With {@code lease} the leader answers from its lease if the
   * lease holds, else falls back to ReadIndex. Returns false if this replica does not lead;
   * otherwise the listener hears {@code onReadReady} or {@code onReadFailed} later (possibly within
   * this call).
   */
  public boolean requestRead(long readId, boolean lease) {
    if (role != Role.LEADER) return false;
    leaderRead(readId, lease, null);
    return true;
  }

  /**
   * Asks to serve a linearizable read on any replica (ReadIndex, thesis §6.4): the leader as {@link
   * #requestRead} without a lease; a follower that knows its term's leader asks it for a read index
   * (batched: reads that arrive while a request is outstanding share the next one) and serves once
   * it has applied up to that index. Returns false if this replica knows no leader (a candidate, a
   * follower between leaders); otherwise the listener hears {@code onReadReady} or {@code
   * onReadFailed} later (possibly within this call).
   */
  public boolean requestReadViaLeader(long readId) {
    if (role == Role.LEADER) return requestRead(readId, false);
    if (role != Role.FOLLOWER || leaderId == null) return false;
    expireForwardedReads();
    readsAwaitingForward.add(readId);
    forwardReads();
    return true;
  }

  /**
   * Makes this replica a mutant for the tests: a follower serves a forwarded read as soon as the
   * leader's read index arrives, without waiting to apply up to it — stale whenever it lags.
   */
  public void serveForwardedReadsUnapplied() {
    serveForwardedReadsUnapplied = true;
  }

  private void leaderRead(long readId, boolean lease, Address requester) {
    if (log.term(commitIndex) != currentTerm) {
      // The leader does not yet know the full commit index until an entry of its term commits.
      readsAwaitingTermCommit.add(new AwaitingRead(readId, lease, requester));
      return;
    }
    admitRead(readId, lease, requester);
  }

  private void admitRead(long readId, boolean lease, Address requester) {
    // A lease rests on followers refusing votes while they hear from us, which only check-quorum
    // makes them do; without it every read takes the ReadIndex path.
    if (lease && config.checkQuorum() && env.localClockNanos() < leaseExpiryLocal) {
      pendingReads.add(new PendingRead(readId, commitIndex, 0, requester));
      serveReads();
      return;
    }
    // Batching: with no round outstanding, start one now; otherwise wait for the next round, which
    // every read that arrives meanwhile shares (broadcastHeartbeat hands it to them).
    readsAwaitingRound.add(new RoundRead(readId, commitIndex, requester));
    if (confirmedReadSeq >= readSeq || peers.isEmpty()) broadcastHeartbeat();
    serveReads();
  }

  /** Starts handing leadership to {@code target} (thesis §3.10). Returns false if not possible. */
  public boolean transferLeadership(Address target) {
    if (role != Role.LEADER || !peers.contains(target) || transferTarget != null) return false;
    transferTarget = target;
    transferDeadlineLocal = env.localClockNanos() + config.electionTimeoutNanosMin();
    // The target may win without our followers' lease promise; stop serving lease reads now.
    leaseExpiryLocal = Long.MIN_VALUE;
    Progress pr = progress.get(target);
    if (pr.matchIndex == log.lastIndex()) {
      env.send(target, new RaftMessage.TimeoutNow(currentTerm, self));
    } else {
      // What the pipeline has in flight to the target may have been lost (a partition, a
      // restart): bring it up to date from what it is known to hold, now, rather than after the
      // silent ticks that re-probe an ordinary follower — the handover is waiting on it.
      if (pr.nextIndex - 1 > pr.matchIndex && pr.snapshotInFlight == 0) {
        pr.nextIndex = pr.matchIndex + 1;
        pr.probing = true;
      }
      maybeSendAppend(target, true);
    }
    return true;
  }

  // ================================================================ dispatch

  public void onMessage(Address from, RaftMessage m) {
    if (!config.members().contains(from)) {
      drop("not-a-member");
      return;
    }
    if (m instanceof RaftMessage.RequestVote rv) {
      onRequestVote(from, rv);
    } else if (m instanceof RaftMessage.RequestVoteReply r) {
      onRequestVoteReply(from, r);
    } else if (m instanceof RaftMessage.AppendEntries ae) {
      onAppendEntries(from, ae);
    } else if (m instanceof RaftMessage.AppendEntriesReply r) {
      onAppendEntriesReply(from, r);
    } else if (m instanceof RaftMessage.InstallSnapshot is) {
      onInstallSnapshot(from, is);
    } else if (m instanceof RaftMessage.InstallSnapshotReply r) {
      onInstallSnapshotReply(from, r);
    } else if (m instanceof RaftMessage.TimeoutNow t) {
      onTimeoutNow(from, t);
    } else if (m instanceof RaftMessage.ReadIndexRequest r) {
      onReadIndexRequest(from, r);
    } else if (m instanceof RaftMessage.ReadIndexReply r) {
      onReadIndexReply(from, r);
    } else {
      throw new IllegalStateException("no handler for " + m.getClass().getName());
    }
  }

  public void onTimer(RaftTimer t) {
    if (t instanceof RaftTimer.ElectionTimeout et) {
      onElectionTimeout(et);
    } else if (t instanceof RaftTimer.HeartbeatTick hb) {
      onHeartbeatTick(hb);
    } else if (t instanceof RaftTimer.Persisted p) {
      if (role == Role.LEADER && p.term() == currentTerm && p.index() > selfDurableIndex) {
        // This term's log only grows while we lead, so what was durable through p.index still is.
        selfDurableIndex = Math.min(p.index(), log.lastIndex());
        advanceCommitIndex();
      }
    } else {
      throw new IllegalStateException("no handler for " + t.getClass().getName());
    }
  }

  // ================================================================ elections

  private void resetElectionDeadline() {
    electionDeadlineLocal =
        env.localClockNanos()
            + env.random()
                .between(config.electionTimeoutNanosMin(), config.electionTimeoutNanosMax());
  }

  private void armElectionTimer(long delayNanos) {
    electionEpoch++;
    electionTimerArmed = true;
    env.setTimer(Math.max(1, delayNanos), new RaftTimer.ElectionTimeout(electionEpoch));
  }

  private void onElectionTimeout(RaftTimer.ElectionTimeout t) {
    if (t.epoch() != electionEpoch) return; // stale
    electionTimerArmed = false;
    if (role == Role.LEADER)
      return; // leaders use the heartbeat tick; the timer is re-armed on step-down
    long now = env.localClockNanos();
    if (now < electionDeadlineLocal) {
      armElectionTimer(electionDeadlineLocal - now);
      return;
    }
    campaign(config.preVote(), false);
  }

  private boolean inLeaderLease() {
    // Check-quorum's companion rule (thesis §4.2.3): within a minimum election timeout of hearing
    // from a leader, a replica neither grants votes nor adopts a candidate's higher term.
    if (role == Role.LEADER) return true;
    return config.checkQuorum()
        && env.localClockNanos() - lastLeaderContactLocal < config.electionTimeoutNanosMin();
  }

  private void campaign(boolean preVote, boolean transfer) {
    votes.clear();
    votes.add(self);
    long term;
    if (preVote) {
      setRole(Role.PRE_CANDIDATE, null);
      term = currentTerm + 1;
    } else {
      currentTerm++;
      votedFor = self;
      persistHardState();
      setRole(Role.CANDIDATE, null);
      term = currentTerm;
    }
    resetElectionDeadline();
    if (!electionTimerArmed) armElectionTimer(electionDeadlineLocal - env.localClockNanos());
    if (votes.size() >= majority) {
      electionWon(preVote);
      return;
    }
    var rv =
        new RaftMessage.RequestVote(term, self, log.lastIndex(), log.lastTerm(), preVote, transfer);
    for (Address p : peers) env.send(p, rv);
  }

  private void electionWon(boolean preVote) {
    if (preVote) campaign(false, false);
    else becomeLeader();
  }

  private void onRequestVote(Address from, RaftMessage.RequestVote m) {
    if (!from.equals(m.candidateId())) {
      drop("vote-candidate-mismatch");
      return;
    }
    boolean upToDate = log.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
    if (m.preVote()) {
      boolean grant = m.term() > currentTerm && upToDate && !inLeaderLease();
      env.send(from, new RaftMessage.RequestVoteReply(grant ? m.term() : currentTerm, grant, true));
      return;
    }
    if (m.term() > currentTerm && inLeaderLease() && !m.leadershipTransfer()) {
      drop("vote-within-lease");
      return;
    }
    if (m.term() > currentTerm) becomeFollower(m.term(), null);
    boolean grant =
        m.term() == currentTerm && (votedFor == null || votedFor.equals(from)) && upToDate;
    if (grant) {
      votedFor = from;
      persistHardState();
      resetElectionDeadline();
    }
    env.send(from, new RaftMessage.RequestVoteReply(currentTerm, grant, false));
  }

  private void onRequestVoteReply(Address from, RaftMessage.RequestVoteReply m) {
    if (m.preVote()) {
      if (role != Role.PRE_CANDIDATE) return;
      if (m.voteGranted() && m.term() == currentTerm + 1) {
        votes.add(from);
        if (votes.size() >= majority) electionWon(true);
      } else if (!m.voteGranted() && m.term() > currentTerm) {
        becomeFollower(m.term(), null);
      }
      return;
    }
    if (m.term() > currentTerm) {
      becomeFollower(m.term(), null);
      return;
    }
    if (role != Role.CANDIDATE || m.term() < currentTerm || !m.voteGranted()) return;
    votes.add(from);
    if (votes.size() >= majority) electionWon(false);
  }

  private void onTimeoutNow(Address from, RaftMessage.TimeoutNow m) {
    if (m.term() != currentTerm || !from.equals(leaderId) || role != Role.FOLLOWER) {
      drop("stale-timeout-now");
      return;
    }
    campaign(false, true);
  }

  // ================================================================ role changes

  private void setRole(Role r, Address leader) {
    boolean changed = r != role || (leader == null ? leaderId != null : !leader.equals(leaderId));
    role = r;
    leaderId = leader;
    if (changed) {
      listener.onRoleChanged(role, currentTerm, leaderId);
      // The leader that was to confirm this replica's forwarded reads is no longer its leader.
      failForwardedReads();
    }
  }

  private void becomeFollower(long term, Address leader) {
    boolean wasLeader = role == Role.LEADER;
    boolean newTerm = term > currentTerm;
    if (newTerm) {
      currentTerm = term;
      votedFor = null;
      persistHardState();
    }
    setRole(Role.FOLLOWER, leader);
    // Even the same leader re-elected: a read index of the old term is not asked for any more.
    if (newTerm) failForwardedReads();
    if (wasLeader) {
      progress.clear();
      followerProgress.clear();
      transferTarget = null;
      leaseExpiryLocal = Long.MIN_VALUE;
      sentRounds.clear();
      failReads();
    }
    if (!electionTimerArmed) {
      resetElectionDeadline();
      armElectionTimer(electionDeadlineLocal - env.localClockNanos());
    }
  }

  private void becomeLeader() {
    setRole(Role.LEADER, self);
    progress.clear();
    followerProgress.clear();
    for (Address p : peers) {
      Progress pr = new Progress();
      pr.nextIndex = log.lastIndex() + 1;
      pr.recentActive = true;
      progress.put(p, pr);
      followerProgress.add(pr);
    }
    leaseExpiryLocal = Long.MIN_VALUE;
    sentRounds.clear();
    quorumCheckDeadlineLocal = env.localClockNanos() + config.electionTimeoutNanosMin();
    // A no-op of the new term lets entries of earlier terms commit (§5.4.2) and ReadIndex start.
    // Counted for itself only through what a Persisted timer of this term reports durable.
    selfDurableIndex = 0;
    appendToLog(new LogEntry(currentTerm, log.lastIndex() + 1, new Command.Noop()));
    syncIfDurable();
    if (countsOnlyDurableSelf()) awaitPersisted();
    broadcastHeartbeat();
    env.setTimer(config.heartbeatIntervalNanos(), new RaftTimer.HeartbeatTick(currentTerm));
  }

  // ================================================================ replication (leader)

  private void broadcastHeartbeat() {
    readSeq++;
    // Every read waiting for a round was admitted before this one is sent: this round serves it.
    while (!readsAwaitingRound.isEmpty()) {
      RoundRead r = readsAwaitingRound.poll();
      pendingReads.add(new PendingRead(r.readId(), r.readIndex(), readSeq, r.requester()));
    }
    sentRounds.add(new SentRound(readSeq, env.localClockNanos()));
    while (sentRounds.size() > 64) sentRounds.poll();
    for (Address p : peers) {
      if (!maybeSendAppend(p, false)) sendHeartbeat(p);
    }
  }

  private void sendHeartbeat(Address p) {
    Progress pr = progress.get(p);
    // A heartbeat claims only what the follower is known to hold, so it never fails on a
    // consistent follower; when that point is compacted, index 0 (term 0) matches everyone.
    long prev = pr.matchIndex;
    long prevTerm = log.term(prev);
    if (prevTerm == RaftLog.UNKNOWN) {
      prev = 0;
      prevTerm = 0;
    }
    sendToFollower(
        p,
        new RaftMessage.AppendEntries(
            currentTerm, self, prev, prevTerm, List.of(), commitIndex, readSeq));
  }

  /**
   * Sends entries to {@code p} if flow control allows: a probing follower gets one message per
   * round trip; a replicating one up to {@code maxInflightMessages} batches ahead of its match
   * index (pipelining). Returns whether a message was sent.
   */
  private boolean maybeSendAppend(Address p, boolean force) {
    Progress pr = progress.get(p);
    if (pr == null) return false;
    if (pr.snapshotInFlight > 0) return false;
    if (pr.nextIndex <= log.snapshotIndex()) {
      sendSnapshot(p, pr);
      return true;
    }
    if (pr.nextIndex > log.lastIndex()) return false;
    long window = (long) config.maxInflightMessages() * config.maxEntriesPerMessage();
    if (!force && !pr.probing && pr.nextIndex - 1 - pr.matchIndex >= window) return false;
    long prev = pr.nextIndex - 1;
    List<LogEntry> entries =
        log.slice(pr.nextIndex, log.lastIndex(), config.maxEntriesPerMessage());
    sendToFollower(
        p,
        new RaftMessage.AppendEntries(
            currentTerm, self, prev, log.term(prev), entries, commitIndex, readSeq));
    if (!pr.probing) pr.nextIndex += entries.size();
    return true;
  }

  private void sendSnapshot(Address p, Progress pr) {
    Snapshot snap = storage.get(SNAPSHOT_KEY, Snapshot.class);
    if (snap == null)
      throw new IllegalStateException(
          "log compacted to " + log.snapshotIndex() + " without a snapshot");
    pr.snapshotInFlight = snap.lastIncludedIndex();
    sendToFollower(
        p,
        new RaftMessage.InstallSnapshot(
            currentTerm,
            self,
            snap.lastIncludedIndex(),
            snap.lastIncludedTerm(),
            snap.state(),
            readSeq));
  }

  private void onHeartbeatTick(RaftTimer.HeartbeatTick t) {
    if (role != Role.LEADER || t.term() != currentTerm) return; // stale
    long now = env.localClockNanos();
    if (config.checkQuorum() && now >= quorumCheckDeadlineLocal) {
      int active = 1;
      for (Progress pr : followerProgress) {
        if (pr.recentActive) active++;
        pr.recentActive = false;
      }
      if (active < majority) {
        env.log("check-quorum failed: stepping down in term " + currentTerm);
        becomeFollower(currentTerm, null);
        return;
      }
      quorumCheckDeadlineLocal = now + config.electionTimeoutNanosMin();
    }
    if (transferTarget != null && now >= transferDeadlineLocal) transferTarget = null;
    for (Progress pr : followerProgress) {
      // A lost message leaves a pipeline waiting forever; after a few silent ticks, probe again.
      if (++pr.ticksWithoutProgress >= 3
          && (pr.nextIndex - 1 > pr.matchIndex || pr.snapshotInFlight > 0)) {
        pr.probing = true;
        pr.nextIndex = pr.matchIndex + 1;
        pr.snapshotInFlight = 0;
        pr.ticksWithoutProgress = 0;
      }
    }
    broadcastHeartbeat();
    env.setTimer(config.heartbeatIntervalNanos(), new RaftTimer.HeartbeatTick(currentTerm));
  }

  private void onAppendEntriesReply(Address from, RaftMessage.AppendEntriesReply m) {
    if (m.term() > currentTerm) {
      becomeFollower(m.term(), null);
      return;
    }
    if (role != Role.LEADER || m.term() < currentTerm) return; // stale
    Progress pr = progress.get(from);
    pr.recentActive = true;
    if (m.success()) {
      if (m.matchIndex() > log.lastIndex()) {
        drop("match-beyond-log");
        return;
      }
      if (m.matchIndex() > pr.matchIndex) {
        pr.matchIndex = m.matchIndex();
        pr.ticksWithoutProgress = 0;
      }
      if (pr.nextIndex <= pr.matchIndex) pr.nextIndex = pr.matchIndex + 1;
      pr.probing = false;
      advanceCommitIndex();
    } else if (m.conflictIndex() <= pr.matchIndex) {
      if (config.fsync()) {
        // A reject overtaken by a later success (reordering): the follower still holds matchIndex.
        drop("stale-reject");
        onReadAck(pr, m.readSeq());
        return;
      }
      // Without fsync the follower really lost entries it acknowledged: start over from its hint.
      drop("follower-lost-entries");
      pr.matchIndex = Math.max(0, m.conflictIndex() - 1);
      pr.nextIndex = Math.max(1, m.conflictIndex());
      pr.probing = true;
    } else {
      // Back off to the follower's hint, never below what it is known to hold.
      pr.nextIndex = Math.max(pr.matchIndex + 1, Math.min(m.conflictIndex(), pr.nextIndex));
      pr.probing = true;
    }
    onReadAck(pr, m.readSeq());
    maybeSendAppend(from, pr.probing);
    if (transferTarget != null && transferTarget.equals(from) && pr.matchIndex == log.lastIndex()) {
      env.send(from, new RaftMessage.TimeoutNow(currentTerm, self));
    }
  }

  private void onInstallSnapshotReply(Address from, RaftMessage.InstallSnapshotReply m) {
    if (m.term() > currentTerm) {
      becomeFollower(m.term(), null);
      return;
    }
    if (role != Role.LEADER || m.term() < currentTerm) return;
    Progress pr = progress.get(from);
    pr.recentActive = true;
    if (m.lastIncludedIndex() > pr.matchIndex && m.lastIncludedIndex() <= log.lastIndex()) {
      pr.matchIndex = m.lastIncludedIndex();
      pr.ticksWithoutProgress = 0;
    }
    pr.nextIndex = Math.max(pr.nextIndex, pr.matchIndex + 1);
    pr.snapshotInFlight = 0;
    pr.probing = false;
    advanceCommitIndex();
    onReadAck(pr, m.readSeq());
    maybeSendAppend(from, false);
  }

  /**
   * A group of one commits an entry by counting only itself, so it must wait until its own copy is
   * durable — not merely appended in this step, which a crash before the sync completes would undo.
   * Followers' acknowledgements come after the leader's sync (the host releases the AppendEntries
   * only then), so larger groups never count a volatile copy.
   */
  private void awaitPersisted() {
    env.setTimer(0, new RaftTimer.Persisted(currentTerm, log.lastIndex()));
  }

  /**
   * Whether the leader counts itself only through {@link #selfDurableIndex}: in a group of one, and
   * when it sends AppendEntries before its own sync (then a follower's acknowledgement no longer
   * implies the leader's copy is durable).
   */
  private boolean countsOnlyDurableSelf() {
    return peers.isEmpty() || parallelAppend;
  }

  /** Leader to follower replication: sent before this step's sync when the host can. */
  private void sendToFollower(Address p, RaftMessage m) {
    if (parallelAppend) env.sendBeforeSync(p, m);
    else env.send(p, m);
  }

  private void advanceCommitIndex() {
    long[] matches = new long[peers.size() + 1];
    int i = 0;
    for (Progress pr : followerProgress) matches[i++] = pr.matchIndex;
    matches[i] = countsOnlyDurableSelf() ? selfDurableIndex : log.lastIndex();
    long n = Quorum.majorityValue(matches);
    // Only entries of the current term are committed by counting replicas (§5.4.2, Figure 8).
    if (n > commitIndex && log.term(n) == currentTerm) {
      commitIndex = n;
      applyCommitted();
      if (!readsAwaitingTermCommit.isEmpty()) {
        List<AwaitingRead> waiting = new ArrayList<>(readsAwaitingTermCommit);
        readsAwaitingTermCommit.clear();
        for (AwaitingRead r : waiting) admitRead(r.readId(), r.lease(), r.requester());
      }
      serveReads();
    }
  }

  // ================================================================ reads

  private void onReadAck(Progress pr, long seq) {
    if (seq <= pr.ackedReadSeq) return;
    pr.ackedReadSeq = seq;
    long[] acked = new long[peers.size() + 1];
    int i = 0;
    for (Progress p : followerProgress) acked[i++] = p.ackedReadSeq;
    acked[i] = readSeq;
    long quorumSeq = Quorum.majorityValue(acked);
    // A majority followed us after round quorumSeq was sent: they will not elect anyone else for a
    // minimum election timeout from when they received it, which is no earlier than when we sent.
    SentRound earned = null;
    while (!sentRounds.isEmpty() && sentRounds.peek().readSeq() <= quorumSeq)
      earned = sentRounds.poll();
    if (earned != null && transferTarget == null) {
      leaseExpiryLocal = Math.max(leaseExpiryLocal, earned.sentLocalNanos() + config.leaseNanos());
    }
    confirmedReadSeq = Math.max(confirmedReadSeq, quorumSeq);
    // The outstanding round is confirmed: the reads that arrived during it get the next one now.
    if (!readsAwaitingRound.isEmpty() && confirmedReadSeq >= readSeq) broadcastHeartbeat();
    serveReads();
  }

  private void serveReads() {
    if (peers.isEmpty()) confirmedReadSeq = readSeq;
    while (!pendingReads.isEmpty()) {
      PendingRead r = pendingReads.peek();
      if (r.readSeq() > confirmedReadSeq || lastApplied < r.readIndex()) return;
      pendingReads.poll();
      if (r.requester() == null) {
        listener.onReadReady(r.readId());
      } else {
        // Depends on nothing this step writes (the read index is committed): no need to wait.
        env.sendBeforeSync(
            r.requester(),
            new RaftMessage.ReadIndexReply(currentTerm, r.readId(), r.readIndex(), true));
      }
    }
  }

  private void failReads() {
    List<Long> failed = new ArrayList<>();
    List<RoundRead> refused = new ArrayList<>();
    for (PendingRead r : pendingReads) {
      if (r.requester() == null) failed.add(r.readId());
      else refused.add(new RoundRead(r.readId(), 0, r.requester()));
    }
    for (RoundRead r : readsAwaitingRound) {
      if (r.requester() == null) failed.add(r.readId());
      else refused.add(r);
    }
    for (AwaitingRead r : readsAwaitingTermCommit) {
      if (r.requester() == null) failed.add(r.readId());
      else refused.add(new RoundRead(r.readId(), 0, r.requester()));
    }
    readsAwaitingRound.clear();
    pendingReads.clear();
    readsAwaitingTermCommit.clear();
    for (long id : failed) listener.onReadFailed(id);
    // Followers waiting on us hear at once that we no longer lead, rather than after a timeout.
    for (RoundRead r : refused) {
      env.send(r.requester(), new RaftMessage.ReadIndexReply(currentTerm, r.readId(), 0, false));
    }
  }

  // ---------------------------------------------------------------- reads on followers

  /** Leader side: a follower's request is one more ReadIndex read, answered by message. */
  private void onReadIndexRequest(Address from, RaftMessage.ReadIndexRequest m) {
    if (!from.equals(m.from())) {
      drop("read-index-from-mismatch");
      return;
    }
    if (m.term() < currentTerm) {
      // Its sender has since heard of a newer term, or will from the new leader: ignored.
      drop("stale-read-index-request");
      return;
    }
    if (m.term() > currentTerm) becomeFollower(m.term(), null);
    if (role != Role.LEADER) {
      env.send(from, new RaftMessage.ReadIndexReply(currentTerm, m.ctx(), 0, false));
      return;
    }
    leaderRead(m.ctx(), false, from);
  }

  /** Follower side: the leader's read index for the outstanding request, or its refusal. */
  private void onReadIndexReply(Address from, RaftMessage.ReadIndexReply m) {
    if (m.term() > currentTerm) {
      becomeFollower(m.term(), null); // fails the forwarded reads
      return;
    }
    ForwardedReads f = forwarded;
    if (f == null
        || m.ctx() != f.ctx()
        || m.term() != f.term()
        || !from.equals(f.leader())
        || role != Role.FOLLOWER) {
      // An older term's, a duplicate, or an answer to a request failed since.
      drop("stale-read-index-reply");
      return;
    }
    forwarded = null;
    if (!m.ok()) {
      // The replica we took for leader says it is not: nothing waiting here can be confirmed.
      List<Long> failed = new ArrayList<>(f.readIds());
      failed.addAll(readsAwaitingForward);
      readsAwaitingForward.clear();
      for (long id : failed) listener.onReadFailed(id);
      return;
    }
    for (long id : f.readIds()) readsAwaitingApply.add(new IndexedRead(id, m.readIndex()));
    serveForwardedReads();
    forwardReads();
  }

  /** Sends the waiting reads to the leader in one request, unless one is outstanding. */
  private void forwardReads() {
    if (forwarded != null || readsAwaitingForward.isEmpty()) return;
    if (role != Role.FOLLOWER || leaderId == null) return;
    if (forwardCtxBase < 0) forwardCtxBase = (1 + env.random().nextLong(1L << 30)) * 1_000_000_000L;
    long ctx = forwardCtxBase + ++forwardCount;
    forwarded =
        new ForwardedReads(
            ctx, currentTerm, leaderId, List.copyOf(readsAwaitingForward), env.localClockNanos());
    readsAwaitingForward.clear();
    env.send(leaderId, new RaftMessage.ReadIndexRequest(currentTerm, self, ctx));
  }

  /**
   * Fails the outstanding request's reads if it has gone unanswered for a minimum election timeout
   * (a lost request or reply; the leader is still heard from, or this would have been an election),
   * then sends the waiting reads in a new one.
   */
  private void expireForwardedReads() {
    if (forwarded == null) return;
    if (env.localClockNanos() - forwarded.sentLocalNanos() < config.electionTimeoutNanosMin()) {
      return;
    }
    List<Long> failed = forwarded.readIds();
    forwarded = null;
    drop("read-index-request-unanswered");
    for (long id : failed) listener.onReadFailed(id);
    forwardReads();
  }

  /** Serves the forwarded reads whose read index this replica has applied. */
  private void serveForwardedReads() {
    while (!readsAwaitingApply.isEmpty()) {
      IndexedRead r = readsAwaitingApply.peek();
      if (lastApplied < r.readIndex() && !serveForwardedReadsUnapplied) return;
      readsAwaitingApply.poll();
      forwardedReadsServed++;
      listener.onReadReady(r.readId());
    }
  }

  /** Fails every read this replica forwards (it lost its leader, or its term changed). */
  private void failForwardedReads() {
    if (forwarded == null && readsAwaitingForward.isEmpty() && readsAwaitingApply.isEmpty()) return;
    List<Long> failed = new ArrayList<>();
    if (forwarded != null) failed.addAll(forwarded.readIds());
    failed.addAll(readsAwaitingForward);
    for (IndexedRead r : readsAwaitingApply) failed.add(r.readId());
    forwarded = null;
    readsAwaitingForward.clear();
    readsAwaitingApply.clear();
    for (long id : failed) listener.onReadFailed(id);
  }

  /** Whether a lease read would be served right now without a round trip. */
  public boolean leaseValid() {
    return role == Role.LEADER && env.localClockNanos() < leaseExpiryLocal;
  }

  // ================================================================ replication (follower)

  private void heardFromLeader(Address leader) {
    lastLeaderContactLocal = env.localClockNanos();
    resetElectionDeadline();
    if (role != Role.FOLLOWER || !leader.equals(leaderId)) setRole(Role.FOLLOWER, leader);
    expireForwardedReads();
  }

  private void onAppendEntries(Address from, RaftMessage.AppendEntries m) {
    if (!from.equals(m.leaderId())) {
      drop("leader-mismatch");
      return;
    }
    if (m.term() < currentTerm) {
      // Tell a deposed leader about the newer term so it steps down.
      env.send(from, new RaftMessage.AppendEntriesReply(currentTerm, false, 0, 0, m.readSeq()));
      return;
    }
    if (m.term() == currentTerm && role == Role.LEADER) {
      if (config.fsync())
        throw new IllegalStateException(
            "two leaders in term " + currentTerm + ": " + self + ", " + from);
      drop("two-leaders"); // possible only when storage lied (fsync: never)
      return;
    }
    if (m.term() > currentTerm || role != Role.FOLLOWER) becomeFollower(m.term(), from);
    heardFromLeader(from);

    long prev = m.prevLogIndex();
    List<LogEntry> entries = m.entries();
    if (prev < log.snapshotIndex()) {
      // Everything up to our snapshot is committed and therefore matches; skip that part.
      int skip = (int) Math.min(entries.size(), log.snapshotIndex() - prev);
      entries = entries.subList(skip, entries.size());
      prev = log.snapshotIndex();
      if (prev > m.prevLogIndex() + m.entries().size()) {
        env.send(
            from,
            new RaftMessage.AppendEntriesReply(
                currentTerm, true, log.snapshotIndex(), 0, m.readSeq()));
        return;
      }
    } else {
      long t = log.term(prev);
      if (t != m.prevLogTerm()) {
        long hint = t == RaftLog.UNKNOWN ? log.lastIndex() + 1 : log.firstIndexOfTerm(prev);
        env.send(
            from, new RaftMessage.AppendEntriesReply(currentTerm, false, 0, hint, m.readSeq()));
        return;
      }
    }
    boolean wrote = false;
    for (LogEntry e : entries) {
      long have = log.term(e.index());
      if (have == e.term()) continue;
      if (have != RaftLog.UNKNOWN) {
        if (e.index() <= commitIndex) {
          if (config.fsync()) {
            throw new IllegalStateException(
                "leader "
                    + from
                    + " conflicts with committed entry "
                    + e.index()
                    + " (commitIndex "
                    + commitIndex
                    + ")");
          }
          drop("conflicts-with-committed"); // possible only when storage lied (fsync: never)
          return;
        }
        log.truncateFrom(e.index());
        changedFromIndex = Math.min(changedFromIndex, e.index());
      }
      appendToLog(e);
      wrote = true;
    }
    if (wrote) syncIfDurable();
    long lastNew = prev + entries.size();
    if (m.leaderCommit() > commitIndex) {
      long c = Math.min(m.leaderCommit(), lastNew);
      if (c > commitIndex) {
        commitIndex = c;
        applyCommitted();
      }
    }
    env.send(from, new RaftMessage.AppendEntriesReply(currentTerm, true, lastNew, 0, m.readSeq()));
  }

  private void onInstallSnapshot(Address from, RaftMessage.InstallSnapshot m) {
    if (!from.equals(m.leaderId())) {
      drop("leader-mismatch");
      return;
    }
    if (m.term() < currentTerm) {
      env.send(from, new RaftMessage.InstallSnapshotReply(currentTerm, 0, m.readSeq()));
      return;
    }
    if (m.term() == currentTerm && role == Role.LEADER) {
      if (config.fsync())
        throw new IllegalStateException(
            "two leaders in term " + currentTerm + ": " + self + ", " + from);
      drop("two-leaders");
      return;
    }
    if (m.term() > currentTerm || role != Role.FOLLOWER) becomeFollower(m.term(), from);
    heardFromLeader(from);
    if (m.lastIncludedIndex() > commitIndex) {
      Snapshot snap = new Snapshot(m.lastIncludedIndex(), m.lastIncludedTerm(), m.data());
      storage.put(SNAPSHOT_KEY, snap);
      log.compactThrough(m.lastIncludedIndex(), m.lastIncludedTerm());
      changedFromIndex = Math.min(changedFromIndex, m.lastIncludedIndex() + 1);
      stateMachine.restore(m.data());
      commitIndex = lastApplied = m.lastIncludedIndex();
      syncIfDurable();
      serveForwardedReads();
    }
    env.send(
        from,
        new RaftMessage.InstallSnapshotReply(
            currentTerm, Math.max(commitIndex, m.lastIncludedIndex()), m.readSeq()));
  }

  // ================================================================ log, apply, snapshots

  private void appendToLog(LogEntry e) {
    log.append(e);
    changedFromIndex = Math.min(changedFromIndex, e.index());
  }

  private void applyCommitted() {
    while (lastApplied < commitIndex) {
      lastApplied++;
      stateMachine.apply(log.entry(lastApplied));
    }
    if (lastApplied - log.snapshotIndex() >= config.snapshotThresholdEntries()) takeSnapshot();
    serveForwardedReads();
  }

  private void takeSnapshot() {
    Snapshot snap = new Snapshot(lastApplied, log.term(lastApplied), stateMachine.snapshot());
    storage.put(SNAPSHOT_KEY, snap);
    log.compactThrough(lastApplied, snap.lastIncludedTerm());
    syncIfDurable();
  }

  private void drop(String reason) {
    dropped.merge(reason, 1L, Long::sum);
  }

  // ================================================================ observation

  public Address id() {
    return self;
  }

  public Role role() {
    return role;
  }

  public boolean isLeader() {
    return role == Role.LEADER;
  }

  public long currentTerm() {
    return currentTerm;
  }

  public Address votedFor() {
    return votedFor;
  }

  /** The leader this replica last heard from in its current term, or null. */
  public Address leaderId() {
    return leaderId;
  }

  public long commitIndex() {
    return commitIndex;
  }

  public long lastApplied() {
    return lastApplied;
  }

  public RaftLog log() {
    return log;
  }

  public List<Address> members() {
    return config.members();
  }

  public RaftConfig config() {
    return config;
  }

  /** Reads this replica served as a follower at its leader's read index, since it started. */
  public long forwardedReadsServed() {
    return forwardedReadsServed;
  }

  /** Counted reasons for dropped peer input. */
  public TreeMap<String, Long> dropped() {
    return new TreeMap<>(dropped);
  }

  /**
   * The lowest log index written since the last call (or {@code Long.MAX_VALUE}), then resets. Lets
   * the safety monitor check only what changed.
   */
  public long takeChangedFromIndex() {
    long c = changedFromIndex;
    changedFromIndex = Long.MAX_VALUE;
    return c;
  }

  /** Local invariants; throws {@link IllegalStateException}. */
  public void checkInvariants() {
    if (log == null) return;
    if (!(lastApplied <= commitIndex))
      throw new IllegalStateException(
          "lastApplied " + lastApplied + " > commitIndex " + commitIndex);
    if (config.fsync() && commitIndex > log.lastIndex()) {
      throw new IllegalStateException(
          "commitIndex " + commitIndex + " beyond lastIndex " + log.lastIndex());
    }
    if (log.snapshotIndex() > lastApplied) {
      throw new IllegalStateException(
          "snapshot " + log.snapshotIndex() + " beyond lastApplied " + lastApplied);
    }
    if (role == Role.LEADER && !self.equals(votedFor)) {
      throw new IllegalStateException("leader of term " + currentTerm + " did not vote for itself");
    }
    if (role == Role.LEADER && log.lastTerm() != currentTerm) {
      throw new IllegalStateException("leader's last entry is not of its term");
    }
  }
}
