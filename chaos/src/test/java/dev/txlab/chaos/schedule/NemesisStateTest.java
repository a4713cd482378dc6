package dev.txlab.chaos.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.chaos.fault.ClusterSnapshot;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultForms;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.fault.FixedClusterView;
import dev.txlab.chaos.fault.Link;
import dev.txlab.chaos.fault.RandomFaultsAccess;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The reference meaning of events: what each does to the cluster, and what its undo undoes. */
class NemesisStateTest {
  private ClusterSnapshot view =
      FixedClusterView.of(5, 2).withLeader("shard-1", "n3").withCoordinator("n1");
  private final SplittableRandom random = new SplittableRandom(1);
  private final NemesisState state = new NemesisState();

  @Test
  void undoingOnePartitionLeavesAnOverlappingOneInPlace() throws FaultSyntaxException {
    apply(start(0, "partition n1|n2"));
    apply(start(1, "partition one-way n4->n5"));
    apply(undo(2, "heal", 0));
    assertThat(state.cutLinks()).containsExactly(new Link("n4", "n5"));
    apply(start(3, "heal"));
    assertThat(state.isHealed()).isTrue();
  }

  @Test
  void theUndoOfARoleFaultActsOnTheNodesItsStartChose() throws FaultSyntaxException {
    apply(start(0, "kill coordinator"));
    assertThat(state.down()).containsExactly("n1");
    view = view.withCoordinator("n2"); // a new coordinator takes over while n1 is down
    apply(undo(1, "restart coordinator", 0));
    assertThat(state.down()).isEmpty();
    apply(start(2, "clock-skew leader:shard-1 +40ms"));
    view = view.withLeader("shard-1", "n4");
    apply(undo(3, "clock-reset leader:shard-1", 2));
    assertThat(state.clockFaults()).isEmpty();
  }

  @Test
  void clockPartsComposeAndAWindowEndingResetsOnlyItsOwnPart() throws FaultSyntaxException {
    apply(start(0, "clock-skew n1 +40ms"));
    apply(start(1, "clock-drift n1 200ppm"));
    apply(start(2, "clock-strobe n1 4ms/10ms"));
    assertThat(state.clockFaults().get("n1"))
        .extracting(Fault::text)
        .containsExactly(
            "clock-skew n1 +40ms", "clock-drift n1 200ppm", "clock-strobe n1 4ms/10ms");
    apply(undo(3, "clock-reset n1", 2));
    assertThat(state.describe())
        .containsExactly("n1: clock-skew n1 +40ms", "n1: clock-drift n1 200ppm");
    // A later skew replaced the first: the first one's window ending leaves the new one alone.
    apply(start(4, "truetime-violation n1 15ms"));
    apply(undo(5, "clock-reset n1", 0));
    assertThat(state.describe())
        .containsExactly("n1: truetime-violation n1 15ms", "n1: clock-drift n1 200ppm");
    apply(start(6, "clock-reset n1"));
    assertThat(state.isHealed()).isTrue();
  }

  @Test
  void aTriggeredKillIsArmedUntilItFiresAndItsUndoRestartsTheVictim() throws FaultSyntaxException {
    apply(start(0, "kill coordinator after prepare"));
    assertThat(state.down()).isEmpty();
    assertThat(state.describe()).containsExactly("armed kill coordinator after prepare");
    state.fire(0, "n2");
    assertThat(state.down()).containsExactly("n2");
    apply(undo(1, "restart coordinator", 0));
    assertThat(state.isHealed()).isTrue();
  }

  @Test
  void aTriggerThatNeverFiredIsDisarmedByItsUndoOrTheFinalHeal() throws FaultSyntaxException {
    apply(start(0, "kill coordinator after decide"));
    apply(undo(1, "restart coordinator", 0));
    assertThat(state.isHealed()).isTrue();
    apply(start(2, "kill coordinator after prepare"));
    apply(start(3, "restart all"));
    assertThat(state.isHealed()).isTrue();
  }

  @Test
  void aRoleWithNobodyInItChangesNothingAndSaysWhy() throws FaultSyntaxException {
    assertThat(state.apply(start(0, "isolate leader:shard-2"), view, random).reason())
        .isEqualTo("shard-2 has no leader right now");
    assertThat(state.apply(undo(1, "heal", 0), view, random).isResolved()).isTrue();
    assertThat(state.isHealed()).isTrue();
  }

  @Test
  void describeListsWhatIsInEffect() throws FaultSyntaxException {
    apply(start(0, "kill n3"));
    apply(start(1, "pause n2"));
    apply(start(2, "partition one-way n1->n2"));
    apply(start(3, "clock-skew n4 -5ms"));
    apply(start(4, "delay 50ms±10ms"));
    apply(start(5, "loss 20%"));
    assertThat(state.describe())
        .containsExactly(
            "down n3",
            "paused n2",
            "cut n1->n2",
            "n4: clock-skew n4 -5ms",
            "delay 50ms±10ms",
            "loss 20%");
    for (Fault heal : FinalHeal.faults()) {
      state.apply(
          new FaultEvent(
              6 + FinalHeal.faults().indexOf(heal), 10, heal, FaultEvent.Cause.FINAL_HEAL, -1),
          view,
          random);
    }
    assertThat(state.describe()).isEmpty();
  }

  @Test
  void everyFaultKindIsHandledAndTheFinalHealUndoesIt() {
    Set<Class<?>> seen = new HashSet<>();
    SplittableRandom draws = new SplittableRandom(11);
    int applied = 0;
    while (seen.size() < Fault.class.getPermittedSubclasses().length) {
      Fault fault = RandomFaultsAccess.next(draws);
      seen.add(fault.getClass());
      // Random faults name nodes n1..n39 and shards beyond this cluster; unresolved is fine,
      // throwing is not.
      new NemesisState()
          .apply(new FaultEvent(0, 0, fault, FaultEvent.Cause.START, -1), view, random);
      applied++;
    }
    assertThat(applied).isPositive();
  }

  @Test
  void everyHelpExampleParsesToItsOwnText() throws FaultSyntaxException {
    Set<Class<?>> kinds = new HashSet<>();
    for (FaultForms.Form form : FaultForms.ALL) {
      Fault fault = Fault.parse(form.example());
      assertThat(fault.text()).isEqualTo(form.example());
      kinds.add(fault.getClass());
    }
    assertThat(kinds).containsExactlyInAnyOrder(Fault.class.getPermittedSubclasses());
    assertThat(FaultForms.help())
        .contains("  kill coordinator after prepare  crash the coordinator");
  }

  private void apply(FaultEvent event) {
    assertThat(state.apply(event, view, random).isResolved()).as(event.text()).isTrue();
  }

  private static FaultEvent start(int index, String fault) throws FaultSyntaxException {
    return new FaultEvent(index, index, Fault.parse(fault), FaultEvent.Cause.START, -1);
  }

  private static FaultEvent undo(int index, String fault, int undoes) throws FaultSyntaxException {
    return new FaultEvent(index, index, Fault.parse(fault), FaultEvent.Cause.UNDO, undoes);
  }
}
