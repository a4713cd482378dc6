package dev.txlab.node.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import dev.txlab.node.api.TrueTimeInterval;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatorTest {
  static final long MS = 1_000_000L;
  static final NodeId N1 = NodeId.of("n1"), N2 = NodeId.of("n2"), N3 = NodeId.of("n3");
  static final Address A = Address.of(N1, "a"), B = Address.of(N2, "b");

  record Ping(int n) implements Message {}

  record Tick() implements Timer {}

  /** Sends {@code count} pings to B at start; B records what arrives and when. */
  static final class Sender implements Process {
    final Env env;
    final int count;

    Sender(Env env, int count) {
      this.env = env;
      this.count = count;
    }

    @Override
    public void onStart() {
      for (int i = 0; i < count; i++) env.send(B, new Ping(i));
    }

    @Override
    public void onMessage(Address from, Message message) {}

    @Override
    public void onTimer(Timer timer) {}
  }

  static final class Receiver implements Process {
    final Env env;
    final List<Integer> got;
    final List<TrueTimeInterval> intervals;

    Receiver(Env env, List<Integer> got, List<TrueTimeInterval> intervals) {
      this.env = env;
      this.got = got;
      this.intervals = intervals;
    }

    @Override
    public void onStart() {}

    @Override
    public void onMessage(Address from, Message message) {
      got.add(((Ping) message).n());
      intervals.add(env.trueTime());
    }

    @Override
    public void onTimer(Timer timer) {}
  }

  static Simulator world(
      SimConfig config, int count, List<Integer> got, List<TrueTimeInterval> tts) {
    Simulator sim = new Simulator(config);
    sim.addProcess(B, env -> new Receiver(env, got, tts));
    sim.addProcess(A, env -> new Sender(env, count));
    return sim;
  }

  @Test
  void lossAndDuplicationHappenAtRoughlyTheConfiguredRates() {
    List<Integer> got = new ArrayList<>();
    SimConfig c =
        SimConfig.defaults(1).withDefaultLink(LinkConfig.lan().withLoss(0.2).withDuplication(0.1));
    Simulator sim = world(c, 10_000, got, new ArrayList<>());
    sim.runFor(100 * MS);
    long distinct = got.stream().distinct().count();
    assertThat(distinct).isBetween(7_700L, 8_300L);
    assertThat(got.size() - distinct).isBetween(600L, 1_000L);
  }

  @Test
  void reorderingAndLatencyBounds() {
    List<Integer> got = new ArrayList<>();
    SimConfig c =
        SimConfig.defaults(1).withDefaultLink(LinkConfig.of(new Latency.Uniform(MS, 2 * MS)));
    Simulator sim = world(c, 100, got, new ArrayList<>());
    sim.runFor(MS - 1);
    assertThat(got).isEmpty();
    sim.runFor(MS + 1);
    assertThat(got).hasSize(100).isNotEqualTo(got.stream().sorted().toList()); // jitter reorders
  }

  @Test
  void aCutLinkDropsMessagesOneWay() {
    List<Integer> got = new ArrayList<>();
    Simulator sim = new Simulator(SimConfig.defaults(1));
    sim.addNode(N1);
    sim.addNode(N2);
    sim.cut(PartitionShapes.oneWay(N1, N2));
    sim.addProcess(B, env -> new Receiver(env, got, new ArrayList<>()));
    sim.addProcess(A, env -> new Sender(env, 5));
    sim.runFor(10 * MS);
    assertThat(got).isEmpty();
    assertThat(sim.stats().drops()).containsEntry("partition", 5L);
    assertThat(sim.cutLinks()).containsExactly(new SimLink(N1, N2));
  }

  @Test
  void partitionShapes() {
    Set<NodeId> five =
        Set.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"), NodeId.of("n4"), NodeId.of("n5"));
    assertThat(PartitionShapes.halves(five))
        .hasSize(12)
        .contains(new SimLink(NodeId.of("n1"), NodeId.of("n4")));
    assertThat(PartitionShapes.isolate(NodeId.of("n3"), five)).hasSize(8);
    Set<SimLink> ring = PartitionShapes.majorityRing(five);
    for (NodeId n : five) {
      long reachable =
          five.stream().filter(m -> !m.equals(n) && !ring.contains(new SimLink(n, m))).count();
      assertThat(reachable).as("node %s sees itself plus two: a majority", n).isEqualTo(2);
    }
    Set<SimLink> bridge = PartitionShapes.bridge(five);
    assertThat(bridge)
        .doesNotContain(
            new SimLink(NodeId.of("n3"), NodeId.of("n1")),
            new SimLink(NodeId.of("n3"), NodeId.of("n5")));
    assertThat(bridge).contains(new SimLink(NodeId.of("n1"), NodeId.of("n5")));
  }

  @Test
  void honestClocksHandOutIntervalsContainingTrueTime() {
    List<TrueTimeInterval> tts = new ArrayList<>();
    Simulator sim = world(SimConfig.defaults(5), 50, new ArrayList<>(), tts);
    sim.runFor(10 * MS);
    assertThat(tts)
        .hasSize(50)
        .allSatisfy(tt -> assertThat(tt.epsilonNanos()).isGreaterThanOrEqualTo(MS - 1));
  }

  @Test
  void aClockFaultMayViolateTrueTimeAndIsCounted() {
    List<TrueTimeInterval> tts = new ArrayList<>();
    Simulator sim = world(SimConfig.defaults(5), 3, new ArrayList<>(), tts);
    sim.setClockOffset(N2, 50 * MS);
    sim.runFor(10 * MS);
    assertThat(tts).hasSize(3).allSatisfy(tt -> assertThat(tt.contains(sim.nowNanos())).isFalse());
    assertThat(sim.stats().trueTimeLies()).isEqualTo(3);
    // The honest drift keeps running on top of the offset: within a few µs after 10 ms.
    assertThat(sim.clockErrorNanos(N2))
        .isCloseTo(50 * MS, org.assertj.core.data.Offset.offset(10_000L));
  }

  @Test
  void aLyingIntervalWithoutAFaultFailsTheRunNamingTheSeed() {
    List<TrueTimeInterval> tts = new ArrayList<>();
    SimConfig honest = SimConfig.defaults(9);
    // An ε model far tighter than the clocks' offsets: the simulator must refuse to hand it out.
    Simulator sim =
        world(
            honest.withEpsilon(new dev.txlab.node.time.EpsilonModel.Constant(0)),
            3,
            new ArrayList<>(),
            tts);
    assertThatThrownBy(() -> sim.runFor(10 * MS))
        .isInstanceOf(SimulationException.class)
        .hasMessageStartingWith("seed 9 ")
        .hasMessageContaining("excludes true time");
  }

  @Test
  void shrinkingEpsilonIsAFaultThatIsCountedNotAsserted() {
    List<TrueTimeInterval> tts = new ArrayList<>();
    Simulator sim = world(SimConfig.defaults(9), 3, new ArrayList<>(), tts);
    sim.setEpsilon(new dev.txlab.node.time.EpsilonModel.Constant(0));
    sim.runFor(10 * MS);
    assertThat(tts).hasSize(3);
    assertThat(sim.stats().trueTimeLies()).isPositive();
  }

  @Test
  void capsFailLoudlyWithTheSeed() {
    Simulator sim = new Simulator(SimConfig.defaults(11).withCaps(10, Long.MAX_VALUE));
    sim.addProcess(
        A,
        env ->
            new Process() {
              @Override
              public void onStart() {
                env.setTimer(1, new Tick());
              }

              @Override
              public void onMessage(Address from, Message message) {}

              @Override
              public void onTimer(Timer timer) {
                env.setTimer(1, new Tick());
              }
            });
    assertThatThrownBy(() -> sim.runFor(MS))
        .isInstanceOf(SimulationException.class)
        .hasMessageStartingWith("seed 11 ")
        .hasMessageContaining("event cap");
  }

  @Test
  void pausedNodesReceiveLater() {
    List<Integer> got = new ArrayList<>();
    Simulator sim = new Simulator(SimConfig.defaults(1));
    sim.addProcess(B, env -> new Receiver(env, got, new ArrayList<>()));
    sim.pause(N2);
    sim.addProcess(A, env -> new Sender(env, 3));
    sim.runFor(50 * MS);
    assertThat(got).isEmpty();
    sim.resume(N2);
    sim.runFor(MS);
    assertThat(got).hasSize(3);
  }

  @Test
  void simDiskLosesWhatWasNotSynced() {
    SimDisk d = new SimDisk();
    d.put("a", "1");
    d.logAppend("e1");
    d.sync();
    assertThat(d.takeSyncRequest()).isTrue();
    d.completeSync();
    d.put("a", "2");
    d.logAppend("e2");
    d.logCompactThrough(1);
    assertThat(d.logFirstIndex()).isEqualTo(2);
    d.crash();
    assertThat(d.get("a", String.class)).isEqualTo("1");
    assertThat(d.logLastIndex()).isEqualTo(1);
    assertThat(d.logGet(1, String.class)).isEqualTo("e1");
    assertThat(d.writesLost()).isEqualTo(3);
  }

  @Test
  void traceDigestIsStableForOneSeedAndDiffersAcrossSeeds() {
    String d1 = digest(3), d2 = digest(3), d3 = digest(4);
    assertThat(d1).isEqualTo(d2).hasSize(64);
    assertThat(d3).isNotEqualTo(d1);
  }

  private static String digest(long seed) {
    Simulator sim = world(SimConfig.defaults(seed), 100, new ArrayList<>(), new ArrayList<>());
    sim.runFor(10 * MS);
    return sim.trace().digestHex();
  }
}
