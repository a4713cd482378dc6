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
 * transfer §3.10, ReadIndex and leases §6.4).
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

  private record PendingRead(long readId, long readIndex, long readSeq) {}

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
  private final ArrayDeque<long[]> readsAwaitingRound = new ArrayDeque<>();

  private record AwaitingRead(long readId, boolean lease) {}

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
    if (log.term(commitIndex) != currentTerm) {
      // The leader does not yet know the full commit index until an entry of its term commits.
      readsAwaitingTermCommit.add(new AwaitingRead(readId, lease));
      return true;
    }
    admitRead(readId, lease);
    return true;
  }

  private void admitRead(long readId, boolean lease) {
    // A lease rests on followers refusing votes while they hear from us, which only check-quorum
    // makes them do; without it every read takes the ReadIndex path.
    if (lease && config.checkQuorum() && env.localClockNanos() < leaseExpiryLocal) {
      pendingReads.add(new PendingRead(readId, commitIndex, 0));
      serveReads();
      return;
    }
    // Batching: with no round outstanding, start one now; otherwise wait for the next round, which
    // every read that arrives meanwhile shares (broadcastHeartbeat hands it to them).
    readsAwaitingRound.add(new long[] {readId, commitIndex});
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
    if (changed) listener.onRoleChanged(role, currentTerm, leaderId);
  }

  private void becomeFollower(long term, Address leader) {
    boolean wasLeader = role == Role.LEADER;
    if (term > currentTerm) {
      currentTerm = term;
      votedFor = null;
      persistHardState();
    }
    setRole(Role.FOLLOWER, leader);
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
      long[] r = readsAwaitingRound.poll();
      pendingReads.add(new PendingRead(r[0], r[1], readSeq));
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
        for (AwaitingRead r : waiting) admitRead(r.readId(), r.lease());
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
      listener.onReadReady(r.readId());
    }
  }

  private void failReads() {
    List<Long> failed = new ArrayList<>();
    for (PendingRead r : pendingReads) failed.add(r.readId());
    for (long[] r : readsAwaitingRound) failed.add(r[0]);
    for (AwaitingRead r : readsAwaitingTermCommit) failed.add(r.readId());
    readsAwaitingRound.clear();
    pendingReads.clear();
    readsAwaitingTermCommit.clear();
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
