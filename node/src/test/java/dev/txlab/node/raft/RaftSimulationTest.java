package dev.txlab.node.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.sim.LinkConfig;
import dev.txlab.node.sim.PartitionShapes;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One Raft group under the simulator, with the safety monitor after every step. */
class RaftSimulationTest {
  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  static final class Group {
    final Simulator sim;
    final List<Address> members = new ArrayList<>();
    final RaftSafetyMonitor monitor = new RaftSafetyMonitor(true);

    Group(long seed, int n, RaftConfig base, SimConfig simConfig) {
      sim = new Simulator(simConfig);
      for (int i = 1; i <= n; i++) members.add(Address.of(NodeId.of("n" + i), "raft"));
      RaftConfig config =
          new RaftConfig(
              members,
              base.electionTimeoutNanosMin(),
              base.electionTimeoutNanosMax(),
              base.heartbeatIntervalNanos(),
              base.maxEntriesPerMessage(),
              base.maxInflightMessages(),
              base.snapshotThresholdEntries(),
              base.preVote(),
              base.checkQuorum(),
              base.fsync(),
              base.leaseDriftBound());
      sim.addObserver(
          (a, p) -> {
            if (p instanceof RaftTestNode t) monitor.observe("g", t.raft);
          });
      for (Address a : members) sim.addProcess(a, env -> new RaftTestNode(env, config));
    }

    Group(long seed, int n) {
      this(
          seed, n, RaftConfig.defaults(List.of(Address.parse("x/raft"))), SimConfig.defaults(seed));
    }

    RaftTestNode node(Address a) {
      return (RaftTestNode) sim.process(a);
    }

    List<RaftTestNode> live() {
      return members.stream().map(this::node).filter(x -> x != null).collect(Collectors.toList());
    }

    Address leader() {
      Address best = null;
      long term = -1;
      for (RaftTestNode t : live()) {
        if (t.raft.isLeader() && t.raft.currentTerm() > term) {
          best = t.raft.id();
          term = t.raft.currentTerm();
        }
      }
      return best;
    }

    void propose(String item) {
      Address l = leader();
      if (l != null) sim.inject(Address.parse("client/c"), l, new RaftTestNode.Propose(item));
    }
  }

  @Test
  void electsOneLeaderAndReplicates() {
    Group g = new Group(1, 3);
    assertThat(g.sim.runUntil(() -> g.leader() != null, 5 * S)).isTrue();
    for (int i = 0; i < 20; i++) {
      g.propose("x" + i);
      g.sim.runFor(10 * MS);
    }
    g.sim.runFor(S);
    for (RaftTestNode t : g.live()) assertThat(t.machine.items).hasSize(20).startsWith("x0", "x1");
  }

  @Test
  void survivesPartitionsCrashesAndLossThenConverges() {
    for (long seed = 1; seed <= 5; seed++) {
      Group g =
          new Group(
              seed,
              5,
              RaftConfig.defaults(List.of(Address.parse("x/raft")))
                  .withSnapshotThresholdEntries(50),
              SimConfig.defaults(seed)
                  .withDefaultLink(
                      LinkConfig.lan()
                          .withLoss(0.05)
                          .withDuplication(0.05)
                          .withReordering(0.1, 5 * MS)));
      var rnd = new dev.txlab.node.api.RandomSource(seed).fork("test");
      List<NodeId> nodes = new ArrayList<>(g.sim.nodes());
      int proposed = 0;
      for (int round = 0; round < 40; round++) {
        int fault = rnd.nextInt(6);
        NodeId victim = nodes.get(rnd.nextInt(nodes.size()));
        switch (fault) {
          case 0 -> g.sim.cut(PartitionShapes.halves(g.sim.nodes()));
          case 1 -> g.sim.cut(PartitionShapes.isolate(victim, g.sim.nodes()));
          case 2 -> g.sim.crash(victim);
          case 3 -> {
            for (NodeId n : nodes) g.sim.restart(n);
          }
          case 4 -> g.sim.cut(PartitionShapes.majorityRing(g.sim.nodes()));
          default -> g.sim.healAll();
        }
        for (int i = 0; i < 10; i++) {
          g.propose("s" + seed + "-" + proposed++);
          g.sim.runFor(20 * MS);
        }
      }
      g.sim.healAll();
      for (NodeId n : nodes) g.sim.restart(n);
      g.sim.runFor(3 * S);
      // Proposals cross a lossy network: retry until the last one is in (liveness after healing).
      for (int i = 0;
          i < 50 && (g.leader() == null || !g.node(g.leader()).machine.items.contains("final"));
          i++) {
        g.propose("final");
        g.sim.runFor(100 * MS);
      }
      g.sim.runFor(3 * S);
      List<String> reference = g.node(g.leader()).machine.items;
      assertThat(reference).as("seed " + seed).contains("final");
      for (RaftTestNode t : g.live())
        assertThat(t.machine.items).as("seed " + seed).isEqualTo(reference);
    }
  }
}
