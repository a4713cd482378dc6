package dev.txlab.coordinator.cluster;

import dev.txlab.coordinator.protocol.WaitStory;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The 2PC protocols' {@link WaitStory}s: from the probe's events, time-stamped with the host's true
 * time, each transaction whose participants stayed prepared and in doubt longer than the blocked
 * threshold (or still were when the run ended) — its coordinator's moments (every vote yes, the
 * decision logged), each participant's (locks granted, prepared, the decision learned), the keys
 * each participant locked and how long it held them.
 *
 * <p>Memory stays bounded by what is in flight, not by the run: a transaction's record is kept
 * while it is open; once its client has moved to a later attempt and none of its participants is
 * still in doubt, the record is judged and dropped, and only the {@link #STORIES_MAX} longest waits
 * are kept. Like {@link TxnMetrics}, the first event per (shard, transaction) counts: replicas
 * report as they apply, and a restarted replica replays its log.
 */
public final class TxnWaitStories implements TxnProbe {
  /** The longest waits kept for the report. */
  public static final int STORIES_MAX = 12;

  private static final class Part {
    long grantedAt = -1;
    long preparedAt = -1;
    long decidedAt = -1;
    long prepareTs;
    TxnDecision decision;
    final TreeSet<String> writes = new TreeSet<>();
    final TreeSet<String> reads = new TreeSet<>();
  }

  private static final class Rec {
    final TxnId txn;
    Address coordinator;
    long coordPreparedAt = -1;
    long coordDecidedAt = -1;
    TxnDecision decision;
    long commitTs;
    final TreeMap<ShardId, Part> parts = new TreeMap<>();

    Rec(TxnId txn) {
      this.txn = txn;
    }

    boolean inDoubt() {
      for (Part p : parts.values()) {
        if (p.preparedAt >= 0 && p.decidedAt < 0) {
          return true;
        }
      }
      return false;
    }
  }

  private final LongSupplier clock;
  private final long thresholdNanos;
  private final TreeMap<TxnId, Rec> open = new TreeMap<>();

  /** The client's latest attempt seen, so its earlier records can be judged. */
  private final TreeMap<String, TxnId> latest = new TreeMap<>();

  private final List<WaitStory> kept = new ArrayList<>();

  public TxnWaitStories(LongSupplier clock, long thresholdNanos) {
    this.clock = clock;
    this.thresholdNanos = thresholdNanos;
  }

  private Rec rec(TxnId txn) {
    TxnId last = latest.get(txn.client());
    if (last == null || last.compareTo(txn) < 0) {
      latest.put(txn.client(), txn);
      // The client moved on: its earlier transactions are over unless a participant is in doubt.
      List<TxnId> done = new ArrayList<>();
      for (Rec r : open.subMap(new TxnId(txn.client(), 0, 0), txn).values()) {
        if (!r.inDoubt()) {
          done.add(r.txn);
        }
      }
      for (TxnId d : done) {
        judge(open.remove(d), clock.getAsLong());
      }
    }
    return open.computeIfAbsent(txn, Rec::new);
  }

  private Part part(ShardId shard, TxnId txn) {
    return rec(txn).parts.computeIfAbsent(shard, s -> new Part());
  }

  @Override
  public void lockGranted(ShardId shard, TxnId txn) {
    Part p = part(shard, txn);
    if (p.grantedAt < 0 && p.decidedAt < 0) {
      p.grantedAt = clock.getAsLong();
    }
  }

  @Override
  public void locksHeld(ShardId shard, TxnId txn, List<MicroOp> ops) {
    Part p = part(shard, txn);
    for (MicroOp op : ops) {
      (op.isWrite() ? p.writes : p.reads).add(op.key());
    }
  }

  @Override
  public void participantPrepared(ShardId shard, TxnId txn, long prepareTs) {
    Part p = part(shard, txn);
    if (p.preparedAt < 0 && p.decidedAt < 0) {
      p.preparedAt = clock.getAsLong();
      p.prepareTs = prepareTs;
    }
  }

  @Override
  public void participantDecided(ShardId shard, TxnId txn, TxnDecision decision, long commitTs) {
    Part p = part(shard, txn);
    if (p.decidedAt < 0) {
      p.decidedAt = clock.getAsLong();
      p.decision = decision;
    }
  }

  @Override
  public void coordinatorPrepared(Address coordinator, TxnId txn) {
    Rec r = rec(txn);
    if (r.coordPreparedAt < 0) {
      r.coordPreparedAt = clock.getAsLong();
      r.coordinator = coordinator;
    }
  }

  @Override
  public void coordinatorDecided(
      Address coordinator, TxnId txn, TxnDecision decision, long commitTs) {
    Rec r = rec(txn);
    if (r.coordDecidedAt < 0) {
      r.coordDecidedAt = clock.getAsLong();
      r.decision = decision;
      r.commitTs = commitTs;
      if (r.coordinator == null) {
        r.coordinator = coordinator;
      }
    }
  }

  /** Keeps the record's story if it waited long enough; -1 ends mean "still, at {@code now}". */
  private void judge(Rec r, long now) {
    long wait = 0;
    List<ShardId> waited = new ArrayList<>();
    for (Map.Entry<ShardId, Part> e : r.parts.entrySet()) {
      Part p = e.getValue();
      if (p.preparedAt >= 0) {
        long w = (p.decidedAt >= 0 ? p.decidedAt : now) - p.preparedAt;
        if (w > thresholdNanos || p.decidedAt < 0) {
          waited.add(e.getKey());
        }
        wait = Math.max(wait, w);
      }
    }
    if (waited.isEmpty()) {
      return;
    }
    kept.add(story(r, wait, waited));
    kept.sort(Comparator.comparingLong(WaitStory::waitNanos).reversed());
    if (kept.size() > STORIES_MAX) {
      kept.remove(kept.size() - 1);
    }
  }

  private static WaitStory story(Rec r, long wait, List<ShardId> waited) {
    List<WaitStory.Lane> lanes = new ArrayList<>();
    List<WaitStory.Mark> marks = new ArrayList<>();
    List<WaitStory.Hold> holds = new ArrayList<>();
    String coordWhere = r.coordinator == null ? "" : r.coordinator.toString();
    lanes.add(
        new WaitStory.Lane(
            "coordinator",
            coordWhere,
            r.coordinator == null ? "" : r.coordinator.node().toString()));
    if (r.coordPreparedAt >= 0) {
      marks.add(
          new WaitStory.Mark(0, r.coordPreparedAt, "votes all yes", "every participant prepared"));
    }
    // What the participants learned; a coordinator that crashed before its decision was durable
    // chose one thing and, restarted, answered another (presumed abort).
    TxnDecision learned = null;
    for (Part p : r.parts.values()) {
      if (p.decision != null) {
        learned = p.decision;
      }
    }
    boolean lost = r.decision != null && learned != null && learned != r.decision;
    if (r.coordDecidedAt >= 0) {
      marks.add(
          new WaitStory.Mark(
              0,
              r.coordDecidedAt,
              lost ? r.decision.name() + " (lost)" : r.decision.name(),
              (lost
                      ? "chose "
                          + r.decision.name()
                          + ", but the decision was not durable when the coordinator went down:"
                          + " the participants learned "
                          + learned.name()
                      : "decision logged")
                  + (r.decision == TxnDecision.COMMIT ? "; commit timestamp " + r.commitTs : "")));
    }
    int locks = 0;
    for (Map.Entry<ShardId, Part> e : r.parts.entrySet()) {
      Part p = e.getValue();
      int lane = lanes.size();
      lanes.add(new WaitStory.Lane(e.getKey().toString(), "", ""));
      String what = lockText(p);
      locks += p.writes.size() + p.reads.size();
      if (p.grantedAt >= 0) {
        holds.add(new WaitStory.Hold(lane, "lock", what, p.grantedAt, p.decidedAt));
        marks.add(new WaitStory.Mark(lane, p.grantedAt, "locked", what));
      }
      if (p.preparedAt >= 0) {
        holds.add(
            new WaitStory.Hold(lane, "in-doubt", "prepared, in doubt", p.preparedAt, p.decidedAt));
        marks.add(
            new WaitStory.Mark(
                lane, p.preparedAt, "PREPARED", "voted yes, prepare timestamp " + p.prepareTs));
      }
      if (p.decidedAt >= 0) {
        marks.add(
            new WaitStory.Mark(
                lane, p.decidedAt, p.decision.name(), "learned the decision, released its locks"));
      }
    }
    marks.sort(Comparator.comparingLong(WaitStory.Mark::atNanos));
    List<String> names = new ArrayList<>();
    waited.forEach(s -> names.add(s.toString()));
    String summary =
        String.format(
            java.util.Locale.ROOT,
            "%s: in doubt %.2f s on %s, holding %d lock%s; %s",
            r.txn,
            wait / 1e9,
            String.join(", ", names),
            locks,
            locks == 1 ? "" : "s",
            r.coordDecidedAt < 0
                ? (learned == null
                    ? "its coordinator never decided"
                    : "the participants learned " + learned.name())
                : lost
                    ? String.format(
                        java.util.Locale.ROOT,
                        "its coordinator chose %s at %.3f s, lost it, and the participants learned %s",
                        r.decision.name(),
                        r.coordDecidedAt / 1e9,
                        learned.name())
                    : String.format(
                        java.util.Locale.ROOT,
                        "its coordinator decided %s at %.3f s",
                        r.decision.name(),
                        r.coordDecidedAt / 1e9));
    return new WaitStory(r.txn.toString(), summary, wait, lanes, marks, holds);
  }

  private static String lockText(Part p) {
    List<String> parts = new ArrayList<>();
    if (!p.writes.isEmpty()) {
      parts.add(String.join(" ", p.writes) + " (write)");
    }
    if (!p.reads.isEmpty()) {
      parts.add(String.join(" ", p.reads) + " (read)");
    }
    int keys = p.writes.size() + p.reads.size();
    return parts.isEmpty()
        ? "locks"
        : (keys == 1 ? "lock on key " : "locks on keys ") + String.join(", ", parts);
  }

  /**
   * The stories, longest wait first: every judged record's, and those still open now (a participant
   * still in doubt when the run ended is told with its hold open).
   */
  public List<WaitStory> stories() {
    // Judge the open records into a copy: the run may go on after a look.
    List<WaitStory> saved = new ArrayList<>(kept);
    long now = clock.getAsLong();
    for (Rec r : open.values()) {
      judge(r, now);
    }
    List<WaitStory> out = List.copyOf(kept);
    kept.clear();
    kept.addAll(saved);
    return out;
  }
}
