package dev.txlab.coordinator.participant;

import dev.txlab.coordinator.txn.CommitWait;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.coordinator.txn.TxnMessage;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.coordinator.txn.TxnTimer;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ShardMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The coordinator of a transaction, played by the leader of one of its shards ({@code coordinator:
 * replicated}; Spanner §4.2.1): it collects the participants' prepare votes, picks the commit
 * timestamp {@code s ≥ max(prepare timestamps, TT.now().latest)}, logs its decision through its
 * shard's Raft group, and — once commit wait is over ({@code TT.after(s)}) — tells the client and
 * every participant.
 *
 * <p>What it keeps here is leader-local and volatile: the votes being collected and the decisions
 * waiting to be announced. Losing them (a crash, a lost election) costs a retry, never safety,
 * because what decides an outcome is in the log: a new leader that finds a decision applied
 * announces it when asked again; one asked about a transaction it is collecting no votes for will
 * never decide it otherwise, so it logs ABORT (presumed abort) — the log's first decision for a
 * transaction wins, so a racing COMMIT proposal can never override it. The golden scripts in {@code
 * src/test/resources/txn} show each path.
 */
public final class ReplicatedCoordinator {
  /** What the coordinator needs from the replica that hosts it. */
  public interface Host {
    boolean isLeader();

    /** Proposes through the shard's Raft group: the entry's index, or negative if refused. */
    long propose(TxnCommand command);

    /** The decision the shard's state machine has applied, or null. */
    TxnStateMachine.Decided decided(TxnId txn);

    /** Counts a message dropped, by reason. */
    void drop(String reason);
  }

  /** A transaction this leader coordinates: the votes so far. */
  private static final class Collecting {
    final TxnId txn;
    final List<ShardId> participants;
    Address client;
    final TreeMap<ShardId, Long> votes = new TreeMap<>();
    boolean decisionProposed;
    long lastSentLocal;

    Collecting(TxnId txn, List<ShardId> participants, Address client) {
      this.txn = txn;
      this.participants = participants;
      this.client = client;
    }
  }

  /** A decision applied here, to be announced once commit wait is over. */
  private record Announce(List<ShardId> participants, Address client, long waitStartLocal) {}

  private final Env env;
  private final ShardId shard;
  private final ShardMap shardMap;
  private final TxnKnobs knobs;
  private final TxnProbe probe;
  private final Host host;

  /**
   * Transactions with a decision proposed by this leader and not yet applied — shared with the
   * hosting replica, which proposes participant decisions into the same set, so neither proposes
   * twice (the replica clears it when leadership is lost).
   */
  private final Set<TxnId> proposedDecides;

  private final TreeMap<TxnId, Collecting> collecting = new TreeMap<>();
  private final TreeMap<TxnId, Announce> announcing = new TreeMap<>();

  public ReplicatedCoordinator(
      Env env,
      ShardId shard,
      ShardMap shardMap,
      TxnKnobs knobs,
      TxnProbe probe,
      Host host,
      Set<TxnId> proposedDecides) {
    this.env = env;
    this.shard = shard;
    this.shardMap = shardMap;
    this.knobs = knobs;
    this.probe = probe;
    this.host = host;
    this.proposedDecides = proposedDecides;
  }

  /** A client asks to commit: announce a decision already applied, else collect votes. */
  public void onCommit(Address from, TxnMessage.Commit m) {
    if (!host.isLeader()) return;
    if (!m.participants().contains(shard)) {
      host.drop("commit-to-non-participant");
      return;
    }
    TxnStateMachine.Decided d = host.decided(m.txn());
    if (d != null) {
      Announce prior = announcing.get(m.txn());
      if (prior == null)
        announcing.put(m.txn(), new Announce(m.participants(), from, env.localClockNanos()));
      maybeAnnounce(m.txn());
      return;
    }
    Collecting c = collecting.get(m.txn());
    if (c != null) {
      c.client = from;
      return;
    }
    c = new Collecting(m.txn(), m.participants(), from);
    collecting.put(m.txn(), c);
    sendPrepares(c);
  }

  private void sendPrepares(Collecting c) {
    c.lastSentLocal = env.localClockNanos();
    for (ShardId s : c.participants) {
      if (c.votes.containsKey(s)) continue;
      for (Address r : shardMap.replicasOf(s))
        env.send(r, new TxnMessage.Prepare(c.txn, shard, c.participants));
    }
  }

  /** Prepares again to the participants that have not voted, for votes collected this long. */
  public void resendPrepares(long nowLocal, long afterNanos) {
    for (Collecting c : collecting.values()) {
      if (!c.decisionProposed && nowLocal - c.lastSentLocal >= afterNanos) sendPrepares(c);
    }
  }

  /** A vote: any no aborts; all yes commit at the largest of the prepare timestamps and TT.now. */
  public void onPrepareReply(TxnMessage.PrepareReply m) {
    Collecting c = collecting.get(m.txn());
    if (c == null || c.decisionProposed || !host.isLeader()) return;
    if (!m.yes()) {
      proposeDecision(c, TxnDecision.ABORT, 0);
      return;
    }
    c.votes.put(m.shard(), m.prepareTs());
    if (c.votes.size() < c.participants.size()) return;
    probe.coordinatorPrepared(env.self(), c.txn);
    long s = env.trueTime().latest();
    for (long ts : c.votes.values()) s = Math.max(s, ts);
    proposeDecision(c, TxnDecision.COMMIT, s);
  }

  private void proposeDecision(Collecting c, TxnDecision d, long s) {
    if (host.propose(new TxnCommand.CoordinatorDecide(c.txn, d, s)) >= 0) {
      c.decisionProposed = true;
      proposedDecides.add(c.txn);
    }
  }

  /**
   * A participant in doubt asks about a transaction this shard coordinates and has not decided.
   * Collecting no votes for it, this leader will never decide it otherwise (the votes were lost
   * with an earlier leader): presumed abort, through the log.
   */
  public void undecidedQuery(TxnId txn) {
    if (!host.isLeader() || collecting.containsKey(txn) || proposedDecides.contains(txn)) return;
    if (host.propose(new TxnCommand.CoordinatorDecide(txn, TxnDecision.ABORT, 0)) >= 0)
      proposedDecides.add(txn);
  }

  /** The shard applied a decision: if this leader collected its votes, announce it. */
  public void decisionApplied(TxnId txn, TxnDecision decision, long commitTs, boolean leader) {
    Collecting c = collecting.remove(txn);
    if (leader && c != null) {
      probe.coordinatorDecided(env.self(), txn, decision, commitTs);
      announcing.put(txn, new Announce(c.participants, c.client, env.localClockNanos()));
      maybeAnnounce(txn);
    }
  }

  /** A commit-wait timer fired. */
  public void commitWaitOver(TxnId txn) {
    maybeAnnounce(txn);
  }

  /** Tells the client and the participants once commit wait is over (Spanner §4.1.2). */
  private void maybeAnnounce(TxnId txn) {
    Announce a = announcing.get(txn);
    TxnStateMachine.Decided d = host.decided(txn);
    if (a == null || d == null || !host.isLeader()) return;
    if (d.decision() == TxnDecision.COMMIT && knobs.commitWait()) {
      long remaining = CommitWait.remainingNanos(d.commitTs(), env.trueTime());
      if (remaining > 0) {
        env.setTimer(remaining, new TxnTimer.CommitWait(txn, d.commitTs()));
        return;
      }
    }
    announcing.remove(txn);
    if (d.decision() == TxnDecision.COMMIT)
      probe.commitWaited(env.self(), txn, env.localClockNanos() - a.waitStartLocal());
    for (ShardId s : a.participants()) {
      for (Address r : shardMap.replicasOf(s))
        env.send(r, new TxnMessage.Decide(txn, d.decision(), d.commitTs()));
    }
    if (a.client() != null)
      env.send(a.client(), new TxnMessage.Outcome(txn, d.decision(), d.commitTs()));
  }

  /**
   * Leadership lost: what was being collected or announced is forgotten (the log keeps the rest).
   */
  public void leadershipLost() {
    collecting.clear();
    announcing.clear();
  }

  /** Transactions whose votes are being collected (tests, status). */
  public int collecting() {
    return collecting.size();
  }
}
