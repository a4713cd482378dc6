package dev.txlab.coordinator.single;

import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.coordinator.txn.TxnMessage;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.coordinator.txn.TxnTimer;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.ShardMap;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The classic two-phase-commit coordinator (Gray 1978; Bernstein, Hadzilacos, Goodman ch. 7): one
 * process, not replicated, whose decisions are appended to its own disk and synced before anyone
 * hears them (the step contract releases the sends only after the sync). While it is down, prepared
 * participants cannot learn the outcome and keep their locks: they block. After a restart it
 * reloads its decisions; a transaction it has no decision for was never decided and is aborted when
 * asked (presumed abort).
 *
 * <p>The commit timestamp (for the participants' MVCC versions) is {@code max(prepare timestamps,
 * TT.now().latest)}, and with {@code commit-wait: on} the outcome is announced only once {@code
 * TT.after(s)}, as in the replicated protocol, so the two protocols differ only in who coordinates.
 */
public final class SingleCoordinator implements Process {
  /** One decision on the coordinator's disk. */
  public record DecisionRecord(TxnId txn, TxnDecision decision, long commitTs) {}

  private static final class Collecting {
    final List<ShardId> participants;
    Address client;
    final TreeMap<ShardId, Long> votes = new TreeMap<>();
    long lastSentLocal;

    Collecting(List<ShardId> participants, Address client) {
      this.participants = participants;
      this.client = client;
    }
  }

  private record Announce(List<ShardId> participants, Address client, long waitStartLocal) {}

  private final Env env;
  private final ShardMap shardMap;
  private final TxnKnobs knobs;
  private final TxnProbe probe;
  private final TreeMap<TxnId, TxnMessage.Decide> decisions = new TreeMap<>();
  private final TreeMap<TxnId, Collecting> collecting = new TreeMap<>();
  private final TreeMap<TxnId, Announce> announcing = new TreeMap<>();
  private final long resendNanos;

  /** Decisions in log order; the first {@code durableCount} are known to be on disk. */
  private final java.util.ArrayList<TxnMessage.Decide> decisionLog = new java.util.ArrayList<>();

  private int durableCount;

  public SingleCoordinator(Env env, ShardMap shardMap, TxnKnobs knobs, TxnProbe probe) {
    this.env = env;
    this.shardMap = shardMap;
    this.knobs = knobs;
    this.probe = probe;
    this.resendNanos = 200_000_000L;
  }

  @Override
  public void onStart() {
    for (long i = env.storage().logFirstIndex(); i <= env.storage().logLastIndex(); i++) {
      DecisionRecord r = env.storage().logGet(i, DecisionRecord.class);
      TxnMessage.Decide d = new TxnMessage.Decide(r.txn(), r.decision(), r.commitTs());
      decisions.put(r.txn(), d);
      decisionLog.add(d);
    }
    durableCount = decisionLog.size();
    env.setTimer(resendNanos, new TxnTimer.Tick(0));
  }

  @Override
  public void onMessage(Address from, Message message) {
    markDurable();
    if (message instanceof TxnMessage.Commit m) {
      onCommit(from, m);
    } else if (message instanceof TxnMessage.PrepareReply m) {
      onPrepareReply(m);
    } else if (message instanceof TxnMessage.DecisionQuery m) {
      onDecisionQuery(from, m);
    }
    // Anything else is not for a coordinator; dropped.
  }

  @Override
  public void onTimer(Timer timer) {
    markDurable();
    if (timer instanceof TxnTimer.Tick t) {
      env.setTimer(resendNanos, new TxnTimer.Tick(t.n() + 1));
      long now = env.localClockNanos();
      for (java.util.Map.Entry<TxnId, Collecting> e : collecting.entrySet()) {
        if (now - e.getValue().lastSentLocal >= resendNanos) sendPrepares(e.getKey(), e.getValue());
      }
    } else if (timer instanceof TxnTimer.CommitWait w) {
      maybeAnnounce(w.txn());
    } else {
      throw new IllegalStateException("unexpected timer " + timer);
    }
  }

  private void onCommit(Address from, TxnMessage.Commit m) {
    if (decisions.containsKey(m.txn())) {
      announcing.putIfAbsent(m.txn(), new Announce(m.participants(), from, env.localClockNanos()));
      maybeAnnounce(m.txn());
      return;
    }
    Collecting c = collecting.get(m.txn());
    if (c != null) {
      c.client = from;
      return;
    }
    c = new Collecting(m.participants(), from);
    collecting.put(m.txn(), c);
    sendPrepares(m.txn(), c);
  }

  private void sendPrepares(TxnId txn, Collecting c) {
    c.lastSentLocal = env.localClockNanos();
    for (ShardId s : c.participants) {
      if (c.votes.containsKey(s)) continue;
      for (Address r : shardMap.replicasOf(s))
        env.send(r, new TxnMessage.Prepare(txn, null, c.participants));
    }
  }

  private void onPrepareReply(TxnMessage.PrepareReply m) {
    Collecting c = collecting.get(m.txn());
    if (c == null) return;
    if (!m.yes()) {
      decide(m.txn(), c, TxnDecision.ABORT, 0);
      return;
    }
    c.votes.put(m.shard(), m.prepareTs());
    if (c.votes.size() < c.participants.size()) return;
    probe.coordinatorPrepared(env.self(), m.txn());
    long s = env.trueTime().latest();
    for (long ts : c.votes.values()) s = Math.max(s, ts);
    decide(m.txn(), c, TxnDecision.COMMIT, s);
  }

  private void decide(TxnId txn, Collecting c, TxnDecision d, long s) {
    collecting.remove(txn);
    // Durable before anyone hears it: the host syncs this step's writes before releasing its sends.
    env.storage().logAppend(new DecisionRecord(txn, d, s));
    env.storage().sync();
    decisions.put(txn, new TxnMessage.Decide(txn, d, s));
    decisionLog.add(decisions.get(txn));
    probe.coordinatorDecided(env.self(), txn, d, s);
    announcing.put(txn, new Announce(c.participants, c.client, env.localClockNanos()));
    maybeAnnounce(txn);
  }

  private void maybeAnnounce(TxnId txn) {
    Announce a = announcing.get(txn);
    TxnMessage.Decide d = decisions.get(txn);
    if (a == null || d == null) return;
    if (d.decision() == TxnDecision.COMMIT && knobs.commitWait()) {
      long remaining =
          dev.txlab.coordinator.txn.CommitWait.remainingNanos(d.commitTs(), env.trueTime());
      if (remaining > 0) {
        env.setTimer(remaining, new TxnTimer.CommitWait(txn, d.commitTs()));
        return;
      }
    }
    announcing.remove(txn);
    if (d.decision() == TxnDecision.COMMIT)
      probe.commitWaited(env.self(), txn, env.localClockNanos() - a.waitStartLocal());
    for (ShardId s : a.participants()) for (Address r : shardMap.replicasOf(s)) env.send(r, d);
    if (a.client() != null)
      env.send(a.client(), new TxnMessage.Outcome(txn, d.decision(), d.commitTs()));
  }

  private void onDecisionQuery(Address from, TxnMessage.DecisionQuery m) {
    TxnMessage.Decide d = decisions.get(m.txn());
    if (d == null) {
      if (collecting.containsKey(m.txn())) return; // still counting votes
      // Never heard of it, or forgot it in a crash before deciding: presumed abort, made durable.
      Collecting none = new Collecting(List.of(), null);
      decide(m.txn(), none, TxnDecision.ABORT, 0);
      d = decisions.get(m.txn());
    }
    if (d.decision() == TxnDecision.ABORT
        || !knobs.commitWait()
        || env.trueTime().after(d.commitTs())) env.send(from, d);
  }

  /**
   * A host delivers no event to a process while its sync is in flight (step contract), so when a
   * handler starts, every write of earlier steps is durable.
   */
  private void markDurable() {
    durableCount = decisionLog.size();
  }

  /**
   * Every decision, including one whose sync may still be in flight (it may yet be lost in a
   * crash).
   */
  public NavigableMap<TxnId, TxnMessage.Decide> decisions() {
    return Collections.unmodifiableNavigableMap(decisions);
  }

  /**
   * The decisions known to be on disk, in decision order: what this coordinator can never take
   * back.
   */
  public List<TxnMessage.Decide> durableDecisions() {
    return List.copyOf(decisionLog.subList(0, durableCount));
  }
}
