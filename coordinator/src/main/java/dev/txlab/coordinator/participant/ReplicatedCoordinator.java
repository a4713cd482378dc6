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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
 *
 * <p>Forgetting (presumed abort's end record, Mohan, Lindsay & Obermarck 1986): a participant's
 * leader acknowledges each decision it has applied ({@link TxnMessage.DecideAck}); once every other
 * participant has, the leader logs {@link TxnCommand.End}, and the shard may forget the record when
 * the client has moved on. Until then the leader announces the decision again, periodically, to the
 * participants that have not acknowledged it — so every record ends, even after a lost announcement
 * or a change of leader. The acknowledgements themselves are leader-local: a new leader collects
 * them again.
 */
public final class ReplicatedCoordinator {
  /** What the coordinator needs from the replica that hosts it. */
  public interface Host {
    boolean isLeader();

    /** Proposes through the shard's Raft group: the entry's index, or negative if refused. */
    long propose(TxnCommand command);

    /** The decision the shard's state machine has applied, or null. */
    TxnStateMachine.Decided decided(TxnId txn);

    /** Whether the shard has forgotten {@code txn} (its client moved past it; see the machine). */
    boolean forgotten(TxnId txn);

    /** The shard's coordinator records awaiting their participants' acknowledgements. */
    NavigableMap<TxnId, List<ShardId>> awaitingEnd();

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

  /** Per record awaiting its end: the participants that acknowledged it to this leader. */
  private final TreeMap<TxnId, TreeSet<ShardId>> acks = new TreeMap<>();

  /** Per record awaiting its end: when this leader last announced it (local clock). */
  private final TreeMap<TxnId, Long> announcedLocal = new TreeMap<>();

  /** Records every participant acknowledged (their End proposed, or to be at the next round). */
  private final TreeSet<TxnId> ended = new TreeSet<>();

  /** Of those, the ones whose End this leader has proposed (not yet applied). */
  private final TreeSet<TxnId> endProposed = new TreeSet<>();

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
    if (host.forgotten(m.txn())) {
      host.drop("commit-for-forgotten-txn"); // the client is long past it
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
    if (host.propose(new TxnCommand.CoordinatorDecide(c.txn, d, s, c.participants)) >= 0) {
      c.decisionProposed = true;
      proposedDecides.add(c.txn);
    }
  }

  /**
   * A participant in doubt asks about a transaction this shard coordinates and has not decided.
   * Collecting no votes for it, this leader will never decide it otherwise (the votes were lost
   * with an earlier leader): presumed abort, through the log.
   */
  public void undecidedQuery(TxnId txn, List<ShardId> participants) {
    if (!host.isLeader() || collecting.containsKey(txn) || proposedDecides.contains(txn)) return;
    // Forgotten: every participant acknowledged its decision (or it aborted here before anyone
    // could prepare it), so this query is a late copy from a participant long since answered.
    if (host.forgotten(txn)) return;
    if (host.propose(new TxnCommand.CoordinatorDecide(txn, TxnDecision.ABORT, 0, participants))
        >= 0) proposedDecides.add(txn);
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
    announce(txn, d, a.participants(), false);
    if (a.client() != null)
      env.send(a.client(), new TxnMessage.Outcome(txn, d.decision(), d.commitTs()));
  }

  /**
   * Sends the decision to every replica of the participants that have not acknowledged it (again:
   * not to this shard, whose replicas have the record in their log).
   */
  private void announce(
      TxnId txn, TxnStateMachine.Decided d, List<ShardId> participants, boolean again) {
    TreeSet<ShardId> acked = acks.get(txn);
    announcedLocal.put(txn, env.localClockNanos());
    for (ShardId s : participants) {
      if ((acked != null && acked.contains(s)) || (again && s.equals(shard))) continue;
      for (Address r : shardMap.replicasOf(s))
        env.send(r, new TxnMessage.Decide(txn, d.decision(), d.commitTs()));
    }
  }

  /** A participant applied a decision this shard coordinated. */
  public void onDecideAck(TxnMessage.DecideAck m) {
    if (!host.isLeader()) return;
    List<ShardId> participants = host.awaitingEnd().get(m.txn());
    if (participants == null || !participants.contains(m.shard())) return;
    TreeSet<ShardId> acked = acks.computeIfAbsent(m.txn(), t -> new TreeSet<>());
    acked.add(m.shard());
    for (ShardId p : participants) if (!p.equals(shard) && !acked.contains(p)) return;
    ended.add(m.txn());
  }

  /**
   * Periodic: logs the end of the records every participant acknowledged, and announces again, to
   * those that have not, the records last announced at least {@code afterNanos} ago (a COMMIT only
   * once its commit wait is over).
   */
  public void endOrReannounce(long nowLocal, long afterNanos) {
    if (!host.isLeader()) return;
    NavigableMap<TxnId, List<ShardId>> awaiting = host.awaitingEnd();
    ended.retainAll(awaiting.keySet());
    endProposed.retainAll(awaiting.keySet());
    acks.keySet().retainAll(awaiting.keySet());
    announcedLocal.keySet().retainAll(awaiting.keySet());
    List<TxnId> toEnd = new ArrayList<>();
    for (TxnId t : ended) if (!endProposed.contains(t)) toEnd.add(t);
    if (!toEnd.isEmpty() && host.propose(new TxnCommand.End(toEnd)) >= 0) endProposed.addAll(toEnd);
    for (Map.Entry<TxnId, List<ShardId>> e : awaiting.entrySet()) {
      TxnId txn = e.getKey();
      if (announcing.containsKey(txn) || ended.contains(txn)) continue;
      Long last = announcedLocal.get(txn);
      if (last != null && nowLocal - last < afterNanos) continue;
      TxnStateMachine.Decided d = host.decided(txn);
      if (d.decision() == TxnDecision.COMMIT
          && knobs.commitWait()
          && !env.trueTime().after(d.commitTs())) continue;
      announce(txn, d, e.getValue(), true);
    }
  }

  /**
   * Leadership lost: what was being collected or announced is forgotten (the log keeps the rest).
   */
  public void leadershipLost() {
    collecting.clear();
    announcing.clear();
    acks.clear();
    announcedLocal.clear();
    ended.clear();
    endProposed.clear();
  }

  /** Transactions whose votes are being collected (tests, status). */
  public int collecting() {
    return collecting.size();
  }
}
