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
