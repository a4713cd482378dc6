package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.sim.SimNemesis;
import dev.txlab.coordinator.protocol.CoordinatorPhase;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.ProtocolRegistry;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.sim.LinkConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import dev.txlab.node.time.EpsilonModel;
import dev.txlab.scenarios.workload.WorkloadDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The simulator host's adapter: the scenario's protocol, looked up in the {@link ProtocolRegistry}
 * and built on the simulator ({@link Protocol#onSimulator}), with the scenario's {@link
 * WorkloadDriver} driving it through the protocol's client processes — single-key clients for the
 * register workload, transaction clients for list-append, rw-register and the bank. Nothing here
 * names a protocol or a workload.
 */
final class ProtocolSimDeployment implements SimDeployment {
  private final SimProtocolCluster cluster;

  ProtocolSimDeployment(Scenario s, long seed) {
    Protocol protocol = ProtocolRegistry.get(s.protocol());
    this.cluster =
        protocol.onSimulator(
            new Topology(s.nodes(), s.shards(), s.replicas(), s.placementNodes()),
            s.knobs(),
            SimRun.simConfig(s, seed));
  }

  @Override
  public Simulator sim() {
    return cluster.sim();
  }

  @Override
  public List<NodeId> serverNodes() {
    return cluster.serverNodes();
  }

  /**
   * One driver for all clients, created from the workload's spec; each client process gets the
   * driver's operations and records into its observer. Keys start at 0: a simulated cluster is new.
   */
  @Override
  public WorkloadDriver addClients(Scenario.WorkloadSpec w, List<String> clientIds) {
    WorkloadDriver driver =
        WorkloadDriver.create(
            w.driverSpec(), cluster.shardMap(), 0, cluster.sim()::nowNanos, clientIds);
    long thinkNanos = (long) ((double) w.clients() * SimRun.SECOND_NANOS / w.rate());
    for (int i = 0; i < clientIds.size(); i++) {
      String id = clientIds.get(i);
      int client = i;
      Address a =
          driver.match(
              r ->
                  cluster.addKvClient(
                      r.operations(), r.observer(), thinkNanos, w.timeout().toNanos()),
              t -> cluster.addTxnClient(() -> t.operations(client), t.observer(), thinkNanos));
      if (!a.toString().equals(id)) {
        throw new IllegalStateException("client address " + a + " is not the expected " + id);
      }
    }
    return driver;
  }

  @Override
  public void onCoordinatorPhase(BiConsumer<Fault.TxnPhase, Address> hook) {
    cluster.onCoordinatorPhase(
        (phase, coordinator) ->
            hook.accept(
                phase == CoordinatorPhase.PREPARE ? Fault.TxnPhase.PREPARE : Fault.TxnPhase.DECIDE,
                coordinator));
  }

  @Override
  public long settleNanos(Scenario.WorkloadSpec w) {
    // A transaction's last attempt may wait out its lock wait, then the coordinator: a second more.
    return w.timeout().toNanos() + (w.transactional() ? 2 : 1) * SimRun.SECOND_NANOS;
  }

  @Override
  public Map<String, Double> metrics() {
    return cluster.metrics();
  }

  @Override
  public Map<String, long[]> distributions() {
    return cluster.distributions();
  }

  @Override
  public List<dev.txlab.coordinator.protocol.WaitStory> waitStories() {
    return cluster.waitStories();
  }

  @Override
  public List<String> raftViolations() {
    return cluster.raftViolations();
  }

  @Override
  public List<dev.txlab.coordinator.protocol.ProtocolCheck> protocolChecks() {
    return cluster.protocolChecks();
  }

  @Override
  public Map<String, List<String>> findings() {
    return cluster.findings();
  }

  @Override
  public List<dev.txlab.coordinator.protocol.TimeSeries> timeSeries() {
    return cluster.timeSeries();
  }

  /**
   * The cluster as the nemesis sees it: every node a fault may hit, the shards, who leads and
   * coordinates now.
   */
  @Override
  public SimNemesis.Target target() {
    List<NodeId> nodes = cluster.faultableNodes();
    List<String> shards = new ArrayList<>();
    for (ShardId s : cluster.shardMap().allShards()) {
      shards.add(s.component());
    }
    return new SimNemesis.Target() {
      @Override
      public SimControl control() {
        return cluster.control();
      }

      @Override
      public List<NodeId> serverNodes() {
        return nodes;
      }

      @Override
      public List<String> shards() {
        return shards;
      }

      @Override
      public Optional<String> leaderOf(String shard) {
        return cluster.leaderOf(shard).map(NodeId::toString);
      }

      @Override
      public Optional<String> coordinator() {
        return cluster.coordinatorNode().map(NodeId::toString);
      }

      @Override
      public LinkConfig baseLink() {
        return cluster.simConfig().defaultLink();
      }

      @Override
      public EpsilonModel epsilon() {
        return cluster.simConfig().epsilon();
      }

      @Override
      public Optional<String> operatorStep(int phase, boolean rollback) {
        return cluster.operatorStep(phase, rollback);
      }
    };
  }
}
