package dev.txlab.chaos.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.chaos.fault.ClusterSnapshot;
import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.Percent;
import dev.txlab.chaos.schedule.FaultEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The live nemesis gives a plan the simulator's meaning: each node ends up cut from exactly the
 * peers the reference state says, partitions add up and a window's end undoes only its own cuts, a
 * killed node comes back with the settings the plan still wants, what the live host cannot do is
 * refused without touching the state, and an armed kill that fired is recorded on the node that
 * halted.
 */
class LiveNemesisTest {
  /** A cluster that does what it is told and remembers it, as real nodes would. */
  static class FakeCluster implements LiveControl {
    final List<String> nodes = List.of("n1", "n2", "n3", "n4", "n5");
    final TreeSet<String> down = new TreeSet<>();
    final TreeSet<String> paused = new TreeSet<>();
    final TreeMap<String, SortedSet<String>> cuts = new TreeMap<>();
    final TreeMap<String, List<Fault>> clocks = new TreeMap<>();
    final TreeMap<String, String> links = new TreeMap<>();
    final TreeMap<String, Fault.TxnPhase> armed = new TreeMap<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public List<String> nodes() {
      return nodes;
    }

    @Override
    public ClusterView view() {
      return new ClusterSnapshot(nodes, List.of("shard-0"), new TreeMap<>(), "n3");
    }

    @Override
    public boolean hasAdmin() {
      return true;
    }

    @Override
    public boolean isUp(String node) {
      return !down.contains(node);
    }

    /** A node that dies by itself loses everything it was told, as a real process does. */
    void crash(String node) {
      down.add(node);
      paused.remove(node);
      cuts.remove(node);
      clocks.remove(node);
      links.remove(node);
      armed.remove(node);
    }

    @Override
    public void kill(String node) {
      calls.add("kill " + node);
      crash(node);
    }

    @Override
    public void restart(String node) {
      calls.add("restart " + node);
      down.remove(node);
    }

    @Override
    public void pause(String node, boolean p) {
      calls.add((p ? "pause " : "resume ") + node);
      if (p) {
        paused.add(node);
      } else {
        paused.remove(node);
      }
    }

    @Override
    public void cutOff(String node, SortedSet<String> peers) {
      calls.add("cut " + node + " " + peers);
      cuts.put(node, new TreeSet<>(peers));
    }

    @Override
    public void linkFaults(String node, Fault.Delay delay, Percent loss, Percent duplicate) {
      calls.add("link " + node);
      links.put(node, delay.text() + " " + loss.text() + " " + duplicate.text());
    }

    @Override
    public void clock(String node, List<Fault> faults) {
      calls.add("clock " + node);
      clocks.put(node, faults);
    }

    @Override
    public void armKill(String node, Fault.TxnPhase phase) {
      calls.add("arm " + node + " " + phase);
      if (phase == null) {
        armed.remove(node);
      } else {
        armed.put(node, phase);
      }
    }

    SortedSet<String> cutsOf(String n) {
      return cuts.getOrDefault(n, new TreeSet<>());
    }
  }

  /** A server that keeps client sessions (PostgreSQL's shape): it can drop them. */
  static final class SessionServer extends FakeCluster {
    @Override
    public void disconnectClients(String node) {
      calls.add("disconnect " + node);
    }
  }

  /**
   * {@code disconnect-clients} is an action, not a state: a target that keeps sessions gets the
   * call on the role's node and the reference state does not change; txlab's nodes refuse it,
   * saying why.
   */
  @Test
  void disconnectingClientsActsOnceAndLeavesTheStateAlone() throws Exception {
    SessionServer server = new SessionServer();
    LiveNemesis n = new LiveNemesis(server, new SplittableRandom(1));
    LiveNemesis.Applied a =
        n.apply(
            new FaultEvent(
                0, 0, Fault.parse("disconnect-clients coordinator"), FaultEvent.Cause.START, -1));
    assertThat(a.result().isResolved()).isTrue();
    assertThat(a.result().value()).containsExactly("n3");
    assertThat(server.calls).containsExactly("disconnect n3");
    assertThat(n.state().isHealed()).isTrue();

    LiveNemesis.Applied refused = start("disconnect-clients n1");
    assertThat(refused.result().isResolved()).isFalse();
    assertThat(refused.result().reason()).contains("no client sessions");
    assertThat(cluster.calls).isEmpty();
  }

  private final FakeCluster cluster = new FakeCluster();
  private final LiveNemesis nemesis = new LiveNemesis(cluster, new SplittableRandom(1));
  private int index;

  private LiveNemesis.Applied start(String fault) throws Exception {
    return nemesis.apply(
        new FaultEvent(index++, 0, Fault.parse(fault), FaultEvent.Cause.START, -1));
  }

  private LiveNemesis.Applied undo(int startIndex, String fault) throws Exception {
    return nemesis.apply(
        new FaultEvent(index++, 0, Fault.parse(fault), FaultEvent.Cause.UNDO, startIndex));
  }

  @Test
  void overlappingPartitionsAddUpAndEachWindowUndoesOnlyItsOwnCuts() throws Exception {
    start("partition n1,n2|n3,n4,n5");
    start("isolate n5");
    assertThat(cluster.cutsOf("n1")).containsExactly("n3", "n4", "n5");
    assertThat(cluster.cutsOf("n5")).containsExactly("n1", "n2", "n3", "n4");
    assertThat(cluster.cutsOf("n3")).containsExactly("n1", "n2", "n5");
    undo(0, "heal");
    assertThat(cluster.cutsOf("n1")).containsExactly("n5");
    assertThat(cluster.cutsOf("n3")).containsExactly("n5");
    assertThat(cluster.cutsOf("n5")).containsExactly("n1", "n2", "n3", "n4");
    start("heal");
    for (String n : cluster.nodes()) {
      assertThat(cluster.cutsOf(n)).as(n).isEmpty();
    }
    assertThat(nemesis.state().isHealed()).isTrue();
  }

  @Test
  void aRestartedNodeGetsBackTheSettingsThePlanStillWants() throws Exception {
    start("partition n1|n2,n3,n4,n5");
    start("clock-skew n2 +40ms");
    start("loss 20%");
    int kill = index;
    start("kill n2");
    assertThat(cluster.down).containsExactly("n2");
    undo(kill, "restart n2");
    assertThat(cluster.down).isEmpty();
    assertThat(cluster.cutsOf("n2")).containsExactly("n1");
    assertThat(cluster.clocks.get("n2"))
        .extracting(Fault::text)
        .containsExactly("clock-skew n2 +40ms");
    assertThat(cluster.links.get("n2")).contains("20%");
  }

  @Test
  void aNodeThatDiedByItselfIsRestartedByTheNextReconcileAndReconfigured() throws Exception {
    start("partition n1,n2|n3,n4,n5");
    cluster.crash("n4");
    nemesis.reconcile();
    assertThat(cluster.calls).contains("restart n4");
    assertThat(cluster.cutsOf("n4")).containsExactly("n1", "n2");
  }

  @Test
  void whatTheLiveHostCannotDoIsRefusedAndLeavesTheStateAlone() throws Exception {
    LiveNemesis.Applied a = start("partition one-way n1->n2");
    assertThat(a.result().isResolved()).isFalse();
    assertThat(a.summary()).contains("not applied").contains("one direction");
    assertThat(start("reorder 10%").result().isResolved()).isFalse();
    assertThat(start("clock-strobe n1 10ms/100ms").result().isResolved()).isFalse();
    assertThat(nemesis.state().isHealed()).isTrue();
    assertThat(cluster.calls).isEmpty();
  }

  @Test
  void anArmedKillThatFiredIsRecordedOnTheNodeThatHaltedAndItsWindowRestartsIt() throws Exception {
    int arm = index;
    start("kill coordinator after prepare");
    assertThat(cluster.armed).as("the coordinator's node only").containsOnlyKeys("n3");
    cluster.crash("n3"); // n3 reached the phase and halted itself
    nemesis.reconcile();
    assertThat(nemesis.state().down()).containsExactly("n3");
    assertThat(cluster.down).containsExactly("n3"); // not restarted: the plan wants it down
    assertThat(cluster.armed).isEmpty();
    undo(arm, "restart coordinator");
    assertThat(cluster.down).isEmpty();
    assertThat(nemesis.state().isHealed()).isTrue();
  }
}
