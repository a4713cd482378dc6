package dev.txlab.chaos.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.chaos.fault.ClusterSnapshot;
import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.fault.FixedClusterView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Plans: timed entries expand as written, generators are pure functions of the seed, and every plan
 * ends with the cluster healed.
 */
class PlanTest {
  private static final long SECOND = Durations.NANOS_PER_SECOND;
  private static final ClusterView FIVE = FixedClusterView.of(5, 3);

  @Test
  void entriesExpandIntoStartsUndosAndTheFinalHeal() throws FaultSyntaxException {
    Schedule schedule =
        Schedule.parse(
            List.of(
                "at 5s for 10s partition n1,n2",
                "every 10s for 3s isolate leader:shard-1",
                "at 5s kill coordinator after prepare"));
    List<FaultEvent> plan = schedule.plan(FIVE, 35 * SECOND, new SplittableRandom(1));
    assertThat(Schedule.planText(plan))
        .isEqualTo(
            String.join(
                "\n",
                "at 5s partition n1,n2",
                "at 5s kill coordinator after prepare",
                "at 10s isolate leader:shard-1",
                "at 13s heal",
                "at 15s heal",
                "at 20s isolate leader:shard-1",
                "at 23s heal",
                "at 30s isolate leader:shard-1",
                "at 33s heal",
                "at 35s heal",
                "at 35s net-reset",
                "at 35s clock-reset all",
                "at 35s resume all",
                "at 35s restart all",
                ""));
    // Each undo points at the start it undoes.
    assertThat(plan.get(3).undoesIndex()).isEqualTo(2);
    assertThat(plan.get(4).undoesIndex()).isEqualTo(0);
    assertThat(plan.get(1).cause()).isEqualTo(FaultEvent.Cause.START);
    assertThat(plan.get(13).cause()).isEqualTo(FaultEvent.Cause.FINAL_HEAL);
  }

  @Test
  void aWindowEndingAsAnotherFaultStartsIsUndoneFirst() throws FaultSyntaxException {
    List<FaultEvent> plan =
        Schedule.parse(List.of("at 5s partition n2|n3", "at 0s for 5s partition n1|n2"))
            .plan(FIVE, 10 * SECOND, new SplittableRandom(1));
    assertThat(plan.subList(0, 3))
        .extracting(FaultEvent::text)
        .containsExactly("at 0s partition n1|n2", "at 5s heal", "at 5s partition n2|n3");
  }

  @Test
  void faultsDueAtOrAfterTheHealAreLeftToTheFinalHeal() throws FaultSyntaxException {
    List<FaultEvent> plan =
        Schedule.parse(List.of("at 50s kill n1", "at 30s for 20s pause n2", "at 40s loss 5%"))
            .plan(FIVE, 40 * SECOND, new SplittableRandom(1));
    assertThat(plan)
        .extracting(FaultEvent::text)
        .containsExactly(
            "at 30s pause n2",
            "at 40s heal",
            "at 40s net-reset",
            "at 40s clock-reset all",
            "at 40s resume all",
            "at 40s restart all");
  }

  @Test
  void randomShapesInEntriesAreRealizedPerOccurrence() throws FaultSyntaxException {
    List<FaultEvent> plan =
        Schedule.parse(List.of("every 10s for 5s partition halves"))
            .plan(FIVE, 60 * SECOND, new SplittableRandom(3));
    Set<String> shapes = new HashSet<>();
    for (FaultEvent event : plan) {
      if (event.cause() == FaultEvent.Cause.START) {
        assertThat(event.fault()).isInstanceOf(Fault.Partition.class);
        shapes.add(event.fault().text());
      }
    }
    assertThat(shapes).hasSizeGreaterThan(1);
  }

  @Test
  void oneSeedGivesOnePlanAndOtherSeedsOthers() throws FaultSyntaxException {
    Schedule schedule = Schedule.parse(List.of("random combined every ~10s for ~5s"));
    Set<String> plans = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      String once =
          Schedule.planText(schedule.plan(FIVE, 300 * SECOND, new SplittableRandom(seed)));
      String again =
          Schedule.planText(schedule.plan(FIVE, 300 * SECOND, new SplittableRandom(seed)));
      assertThat(again).as("seed %d", seed).isEqualTo(once);
      plans.add(once);
    }
    assertThat(plans).hasSize(20);
  }

  @Test
  void aSeedPinsThePlanTextExactly() throws FaultSyntaxException {
    // A change in how generators draw changes every recorded run's faults; this golden plan
    // makes such a change visible in review instead of silent.
    List<FaultEvent> plan =
        Schedule.parse(List.of("random kill,halves every ~10s for ~4s"))
            .plan(FixedClusterView.of(3, 1), 30 * SECOND, new SplittableRandom(42));
    assertThat(Schedule.planText(plan))
        .isEqualTo(
            String.join(
                "\n",
                "at 4.726s kill n3",
                "at 7.795s restart n3",
                "at 14.86s kill n1",
                "at 17.847s restart n1",
                "at 22.267s partition n1|n2,n3",
                "at 24.848s heal",
                "at 30s heal",
                "at 30s net-reset",
                "at 30s clock-reset all",
                "at 30s resume all",
                "at 30s restart all",
                ""));
  }

  @Test
  void appendedLinesDoNotChangeWhatEarlierGeneratorsDraw() throws FaultSyntaxException {
    Schedule base = Schedule.parse(List.of("random partitions every ~8s for ~3s"));
    Schedule more = base.with(List.of(ScheduleLine.parse("at 7s kill coordinator after prepare")));
    List<String> baseStarts = startsOfLine(base.plan(FIVE, 120 * SECOND, new SplittableRandom(9)));
    List<String> moreStarts = startsOfLine(more.plan(FIVE, 120 * SECOND, new SplittableRandom(9)));
    moreStarts.remove("at 7s kill coordinator after prepare");
    assertThat(moreStarts).isEqualTo(baseStarts);
  }

  @Test
  void everyGeneratorEndsHealedAndFaultsInBetween() {
    ClusterSnapshot view =
        FixedClusterView.of(5, 3)
            .withLeader("shard-1", "n2")
            .withLeader("shard-2", "n4")
            .withLeader("shard-3", "n5")
            .withCoordinator("n1");
    for (NemesisKind kind : NemesisKind.values()) {
      for (long seed = 0; seed < 30; seed++) {
        Schedule schedule = Schedule.of(RandomNemesis.of(kind));
        long healAtNanos = 120 * SECOND;
        List<FaultEvent> plan = schedule.plan(view, healAtNanos, new SplittableRandom(seed));
        NemesisState state = new NemesisState();
        SplittableRandom applyRandom = new SplittableRandom(seed);
        boolean faulted = false;
        long previousNanos = 0;
        for (FaultEvent event : plan) {
          assertThat(event.atNanos()).isGreaterThanOrEqualTo(previousNanos);
          previousNanos = event.atNanos();
          if (event.cause() != FaultEvent.Cause.FINAL_HEAL) {
            assertThat(event.atNanos()).isLessThan(healAtNanos);
          }
          assertThat(state.apply(event, view, applyRandom).isResolved())
              .as("%s seed %d: %s", kind, seed, event)
              .isTrue();
          faulted |= !state.isHealed();
        }
        assertThat(faulted).as("%s seed %d injects something", kind, seed).isTrue();
        assertThat(state.describe()).as("%s seed %d", kind, seed).isEmpty();
        assertThat(state.isHealed()).isTrue();
        assertThat(plan.get(plan.size() - 1).text()).isEqualTo("at 2m restart all");
      }
    }
  }

  @Test
  void generatedFaultsAreUndoneWithinTheirWindowsAndPrintAsSchedulableLines()
      throws FaultSyntaxException {
    List<FaultEvent> plan =
        Schedule.parse(List.of("random combined every ~10s for ~5s"))
            .plan(FIVE, 600 * SECOND, new SplittableRandom(5));
    int starts = 0;
    for (FaultEvent event : plan) {
      ScheduleEntry reread = ScheduleEntry.parse(event.text());
      assertThat(reread.fault()).isEqualTo(event.fault());
      assertThat(reread.startNanos()).isEqualTo(event.atNanos());
      if (event.cause() == FaultEvent.Cause.UNDO) {
        FaultEvent start = plan.get(event.undoesIndex());
        long windowNanos = event.atNanos() - start.atNanos();
        assertThat(windowNanos).isBetween(5 * SECOND / 2, 15 * SECOND / 2);
        assertThat(start.fault().undo()).contains(event.fault());
      }
      if (event.cause() == FaultEvent.Cause.START) {
        starts++;
      }
    }
    // About one fault every 10 s over 600 s.
    assertThat(starts).isBetween(45, 75);
  }

  @Test
  void problemsWithTheClusterAreNamedBeforeARun() throws FaultSyntaxException {
    assertThat(Schedule.parse(List.of("at 5s kill n9")).problemWith(FIVE))
        .contains("'at 5s kill n9': node 'n9' is not in the cluster (n1, n2, n3, n4, n5)");
    assertThat(Schedule.parse(List.of("at 5s isolate leader:shard-7")).problemWith(FIVE))
        .contains(
            "'at 5s isolate leader:shard-7': shard 'shard-7' is not in the cluster (shard-1,"
                + " shard-2, shard-3)");
    ClusterView two = FixedClusterView.of(2, 1);
    assertThat(Schedule.parse(List.of("random bridge")).problemWith(two))
        .contains(
            "'random bridge every ~10s for ~5s': 'bridge' needs at least 3 nodes; the cluster has"
                + " 2 node(s) and 1 shard(s)");
    assertThat(Schedule.parse(List.of("at 1s partition bridge")).problemWith(two))
        .contains("'at 1s partition bridge': needs at least 3 nodes; the cluster has 2");
    // A mix simply leaves out what cannot act on a small cluster.
    assertThat(Schedule.parse(List.of("random combined")).problemWith(two)).isEmpty();
    assertThatThrownBy(
            () ->
                Schedule.parse(List.of("at 5s kill n9"))
                    .plan(FIVE, SECOND, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n9");
  }

  @Test
  void aPlanThatWouldFloodTheRunIsRefused() throws FaultSyntaxException {
    Schedule flood = Schedule.parse(List.of("every 1ms kill n1"));
    assertThatThrownBy(
            () -> flood.plan(FIVE, 2 * Durations.NANOS_PER_HOUR, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'every 1ms kill n1' makes the plan longer than 1000000 events before 2h");
  }

  @Test
  void aGeneratorThatWouldFloodTheRunIsRefused() throws FaultSyntaxException {
    Schedule flood = Schedule.parse(List.of("random kill every ~2ms for ~1ms"));
    assertThatThrownBy(
            () -> flood.plan(FIVE, 1 * Durations.NANOS_PER_HOUR, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'random kill every ~2ms for ~1ms' makes more than 100000 faults before 1h");
  }

  private static List<String> startsOfLine(List<FaultEvent> plan) {
    List<String> texts = new ArrayList<>();
    for (FaultEvent event : plan) {
      if (event.cause() == FaultEvent.Cause.START) {
        texts.add(event.text());
      }
    }
    return texts;
  }
}
