package dev.txlab.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.coordinator.protocol.WaitStory;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 2PC protocols' stories of transactions that waited, from probe events alone. */
class TxnWaitStoriesTest {
  private static final long MS = 1_000_000L;
  private static final Address COORD = Address.of(NodeId.of("c0"), "coord");
  private static final ShardId S0 = ShardId.of(0);
  private static final ShardId S1 = ShardId.of(1);

  private long now;
  private final TxnWaitStories stories = new TxnWaitStories(() -> now, 1000 * MS);

  /** A transaction locked at 10 ms, prepared at 20 ms and decided {@code decidedAtMs}. */
  private void run(
      TxnId t, long startMs, long decidedAtMs, TxnDecision coordinator, TxnDecision learned) {
    now = startMs * MS;
    for (ShardId s : List.of(S0, S1)) {
      // Every replica reports; only the first report per shard counts.
      for (int replica = 0; replica < 3; replica++) {
        stories.lockGranted(s, t);
        stories.locksHeld(s, t, List.of(MicroOp.append("k" + s.index(), 1), MicroOp.readList("r")));
      }
    }
    now += 10 * MS;
    stories.participantPrepared(S0, t, 7);
    stories.participantPrepared(S1, t, 8);
    stories.coordinatorPrepared(COORD, t);
    stories.coordinatorDecided(COORD, t, coordinator, 9);
    if (decidedAtMs >= 0) {
      now = decidedAtMs * MS;
      for (int replica = 0; replica < 3; replica++) {
        stories.participantDecided(S0, t, learned, 9);
        stories.participantDecided(S1, t, learned, 9);
        now += 5 * MS;
      }
    }
  }

  @Test
  void aTransactionInDoubtPastTheThresholdIsToldWithItsLanesLocksAndMoments() {
    TxnId t = new TxnId("c1/client", 1, 0);
    run(t, 100, 3000, TxnDecision.COMMIT, TxnDecision.COMMIT);
    List<WaitStory> out = stories.stories();
    assertThat(out).hasSize(1);
    WaitStory s = out.get(0);
    assertThat(s.txn()).isEqualTo("c1/client:1.0");
    assertThat(s.waitNanos()).isEqualTo((3000 - 110) * MS);
    assertThat(s.lanes())
        .extracting(WaitStory.Lane::name)
        .containsExactly("coordinator", S0.toString(), S1.toString());
    assertThat(s.lanes().get(0).node()).isEqualTo("c0");
    assertThat(s.holds())
        .filteredOn(h -> h.kind().equals("lock"))
        .extracting(WaitStory.Hold::lane, WaitStory.Hold::startNanos, WaitStory.Hold::endNanos)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, 100 * MS, 3000 * MS),
            org.assertj.core.groups.Tuple.tuple(2, 100 * MS, 3000 * MS));
    assertThat(s.holds().get(0).what()).isEqualTo("locks on keys k0 (write), r (read)");
    assertThat(s.marks())
        .extracting(WaitStory.Mark::label)
        .contains("votes all yes", "COMMIT", "PREPARED", "locked");
    assertThat(s.summary()).contains("in doubt 2.89 s", "holding 4 locks", "decided COMMIT");
  }

  @Test
  void aQuickTransactionIsNotToldAndItsRecordGoesWhenItsClientMovesOn() {
    run(new TxnId("c1/client", 1, 0), 100, 300, TxnDecision.COMMIT, TxnDecision.COMMIT);
    run(new TxnId("c1/client", 2, 0), 400, 500, TxnDecision.ABORT, TxnDecision.ABORT);
    assertThat(stories.stories()).isEmpty();
  }

  @Test
  void oneStillInDoubtAtTheEndIsToldWithItsHoldsOpen() {
    run(new TxnId("c2/client", 4, 1), 100, -1, TxnDecision.COMMIT, null);
    // Its client gave up and went on: the in-doubt record stays.
    run(new TxnId("c2/client", 5, 0), 200, 250, TxnDecision.COMMIT, TxnDecision.COMMIT);
    now = 5000 * MS;
    List<WaitStory> out = stories.stories();
    assertThat(out).extracting(WaitStory::txn).containsExactly("c2/client:4.1");
    assertThat(out.get(0).holds()).allMatch(h -> h.endNanos() == -1);
    assertThat(out.get(0).waitNanos()).isEqualTo((5000 - 110) * MS);
  }

  @Test
  void aDecisionTheParticipantsNeverLearnedIsToldAsLost() {
    run(new TxnId("c3/client", 1, 0), 100, 9000, TxnDecision.COMMIT, TxnDecision.ABORT);
    WaitStory s = stories.stories().get(0);
    assertThat(s.summary()).contains("chose COMMIT", "lost it", "learned ABORT");
    assertThat(s.marks()).extracting(WaitStory.Mark::label).contains("COMMIT (lost)");
  }

  @Test
  void onlyTheLongestWaitsAreKept() {
    for (int i = 1; i <= TxnWaitStories.STORIES_MAX + 5; i++) {
      run(
          new TxnId("c" + i + "/client", 1, 0),
          0,
          1200 + 10L * i,
          TxnDecision.COMMIT,
          TxnDecision.COMMIT);
      // Each client moves on, so each record is judged as it goes.
      run(
          new TxnId("c" + i + "/client", 2, 0),
          2000 + 10L * i,
          2100 + 10L * i,
          TxnDecision.COMMIT,
          TxnDecision.COMMIT);
    }
    List<WaitStory> out = stories.stories();
    assertThat(out).hasSize(TxnWaitStories.STORIES_MAX);
    assertThat(out.get(0).txn()).isEqualTo("c" + (TxnWaitStories.STORIES_MAX + 5) + "/client:1.0");
    assertThat(out).isSortedAccordingTo((a, b) -> Long.compare(b.waitNanos(), a.waitNanos()));
  }
}
