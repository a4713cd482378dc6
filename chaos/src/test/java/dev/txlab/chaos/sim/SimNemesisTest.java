package dev.txlab.chaos.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.fault.Link;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.chaos.schedule.Schedule;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.cluster.SimCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The simulator, driven by {@link SimNemesis}, matches the reference meaning of a fault plan
 * ({@code NemesisState}) after every event — links cut, nodes down or paused — and is fully healed
 * at the end of every plan, whatever the plan's windows overlap in.
 */
class SimNemesisTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void simulatorMatchesThePlanAfterEveryEvent() throws FaultSyntaxException {
    List<String> lines =
        List.of(
            "random combined every ~2s for ~1500ms",
            "every 3s for 2s isolate leader:shard-0",
            "at 1s for 4s partition n1,n2|n3,n4,n5",
            "at 2s for 3s pause n4",
            "at 3s for 2s kill n2",
            "at 4s for 3s clock-skew n3 +40ms",
            "at 5s for 2s loss 20%");
    for (long seed = 1; seed <= 8; seed++) {
      SimCluster cluster = new SimCluster(SimCluster.Config.defaults(seed));
      List<String> mismatches = new ArrayList<>();
      List<SimNemesis> holder = new ArrayList<>();
      SimNemesis nemesis =
          new SimNemesis(
              cluster,
              new SplittableRandom(seed),
              (at, event, result) -> compare(cluster, holder.get(0), event, mismatches));
      holder.add(nemesis);
      List<FaultEvent> plan =
          Schedule.parse(lines).plan(nemesis.view(), 10 * SECOND, new SplittableRandom(seed + 100));
      nemesis.schedule(plan);
      cluster.sim().runUntilTime(12 * SECOND);
      assertThat(mismatches).as("seed %d", seed).isEmpty();
      assertThat(nemesis.appliedEvents()).as("seed %d", seed).isEqualTo(plan.size());
      assertThat(nemesis.state().isHealed())
          .as("seed %d: %s", seed, nemesis.state().describe())
          .isTrue();
      assertThat(cluster.control().cutLinks()).isEmpty();
      for (NodeId n : cluster.serverNodes()) {
        assertThat(cluster.control().isUp(n)).as("%s up at the end", n).isTrue();
        assertThat(cluster.sim().clockErrorNanos(n))
            .as("%s's clock honest at the end", n)
            .isLessThan(SECOND / 100);
      }
    }
  }

  @Test
  void operatorStepsReachTheClusterInOrderAndAClusterWithoutPhasesSaysSo()
      throws FaultSyntaxException {
    SimCluster cluster = new SimCluster(SimCluster.Config.defaults(1));
    SimNemesis.Target plain = SimNemesis.of(cluster);
    List<String> handed = new ArrayList<>();
    SimNemesis.Target withPhases =
        new SimNemesis.Target() {
          @Override
          public dev.txlab.node.sim.SimControl control() {
            return plain.control();
          }

          @Override
          public List<NodeId> serverNodes() {
            return plain.serverNodes();
          }

          @Override
          public List<String> shards() {
            return plain.shards();
          }

          @Override
          public java.util.Optional<String> leaderOf(String shard) {
            return plain.leaderOf(shard);
          }

          @Override
          public java.util.Optional<String> coordinator() {
            return plain.coordinator();
          }

          @Override
          public dev.txlab.node.sim.LinkConfig baseLink() {
            return plain.baseLink();
          }

          @Override
          public dev.txlab.node.time.EpsilonModel epsilon() {
            return plain.epsilon();
          }

          @Override
          public java.util.Optional<String> operatorStep(int phase, boolean rollback) {
            handed.add((rollback ? "rollback " : "") + phase);
            return java.util.Optional.empty();
          }
        };
    List<String> lines = List.of("at 1s phase 1", "at 2s phase 2", "at 3s rollback phase 2");
    List<String> results = new ArrayList<>();
    SimNemesis nemesis =
        new SimNemesis(
            withPhases,
            new SplittableRandom(1),
            (at, event, result) -> results.add(String.valueOf(result.isResolved())));
    nemesis.schedule(
        Schedule.parse(lines).plan(nemesis.view(), 5 * SECOND, new SplittableRandom(2)));
    cluster.sim().runUntilTime(4 * SECOND);
    assertThat(handed).containsExactly("1", "2", "rollback 2");
    assertThat(results).containsExactly("true", "true", "true");

    SimCluster other = new SimCluster(SimCluster.Config.defaults(1));
    List<String> reasons = new ArrayList<>();
    SimNemesis without =
        new SimNemesis(
            SimNemesis.of(other),
            new SplittableRandom(1),
            (at, event, result) -> reasons.add(result.isResolved() ? "applied" : result.reason()));
    without.schedule(
        Schedule.parse(List.of("at 1s phase 1"))
            .plan(without.view(), 5 * SECOND, new SplittableRandom(2)));
    other.sim().runUntilTime(2 * SECOND);
    assertThat(reasons).containsExactly("this cluster has no migration phases");
  }

  private static void compare(
      SimCluster cluster, SimNemesis nemesis, FaultEvent event, List<String> mismatches) {
    TreeSet<String> simCut = new TreeSet<>();
    cluster.control().cutLinks().forEach(l -> simCut.add(l.from() + "->" + l.to()));
    TreeSet<String> stateCut = new TreeSet<>();
    for (Link l : nemesis.state().cutLinks()) {
      stateCut.add(l.from() + "->" + l.to());
    }
    if (!simCut.equals(stateCut)) {
      mismatches.add(
          event.text() + ": links cut in the simulator " + simCut + " but in the plan " + stateCut);
    }
    for (NodeId n : cluster.serverNodes()) {
      boolean down = nemesis.state().down().contains(n.toString());
      if (down == cluster.control().isUp(n)) {
        mismatches.add(event.text() + ": " + n + " should be " + (down ? "down" : "up"));
      }
    }
    if (event.fault() instanceof Fault.ClockSkew && event.cause() == FaultEvent.Cause.START) {
      // Some node (the one the skew resolved to) must now be off by the skew.
      long skew = ((Fault.ClockSkew) event.fault()).skewNanos();
      boolean found = false;
      for (NodeId n : cluster.serverNodes()) {
        found |= Math.abs(cluster.sim().clockErrorNanos(n) - skew) < 1_000_000;
      }
      if (!found) {
        mismatches.add(event.text() + ": no clock is off by " + skew + " ns");
      }
    }
  }
}
