package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.sim.SimNemesis;
import dev.txlab.checker.history.Op;
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
import dev.txlab.scenarios.workload.BankGenerator;
import dev.txlab.scenarios.workload.HistoryRecorder;
import dev.txlab.scenarios.workload.RegisterWorkload;
import dev.txlab.scenarios.workload.TxnGenerator;
import dev.txlab.scenarios.workload.TxnHistoryRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The simulator host's adapter: the scenario's protocol, looked up in the {@link ProtocolRegistry}
 * and built on the simulator ({@link Protocol#onSimulator}), with the scenario's workload driving
 * it — the register workload for a protocol that serves single keys; list-append, rw-register or
 * the bank's transfers for one that serves transactions. Nothing here names a protocol.
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

  @Override
  public SimClients addClients(Scenario.WorkloadSpec w, List<String> clientIds) {
    return w.transactional() ? addTxnClients(w, clientIds) : addKvClients(w, clientIds);
  }

  private static void expect(Address a, String id) {
    if (!a.toString().equals(id)) {
      throw new IllegalStateException("client address " + a + " is not the expected " + id);
    }
  }

  private SimClients addKvClients(Scenario.WorkloadSpec w, List<String> clientIds) {
    RegisterWorkload workload =
        new RegisterWorkload(RegisterWorkload.keysFor(cluster.shardMap(), w.keysPerShard()));
    long thinkNanos = (long) ((double) w.clients() * SimRun.SECOND_NANOS / w.rate());
    HistoryRecorder recorder = new HistoryRecorder(cluster.sim()::nowNanos, clientIds);
    for (String id : clientIds) {
      expect(cluster.addKvClient(workload, recorder, thinkNanos, w.timeout().toNanos()), id);
    }
    return new SimClients() {
      @Override
      public void stop() {
        workload.stop();
      }

      @Override
      public void nemesis(String f, Object value) {
        recorder.nemesis(f, value);
      }

      @Override
      public List<Op> events() {
        return recorder.events();
      }

      @Override
      public long okAfter(long nanos) {
        return recorder.okOpsAfter(nanos);
      }

      @Override
      public Map<String, Double> counts(long healAtNanos) {
        Map<String, Double> m = new TreeMap<>();
        m.put("ops", (double) (recorder.okOps() + recorder.failOps() + recorder.infoOps()));
        m.put("ops_ok", (double) recorder.okOps());
        m.put("ops_fail", (double) recorder.failOps());
        m.put("ops_info", (double) recorder.infoOps());
        m.put("ops_ok_after_heal", (double) recorder.okOpsAfter(healAtNanos));
        return m;
      }
    };
  }

  private SimClients addTxnClients(Scenario.WorkloadSpec w, List<String> clientIds) {
    boolean listAppend = !w.name().equals("rw-register");
    TxnGenerator generator =
        w.bank()
            ? null
            : new TxnGenerator(
                listAppend ? TxnGenerator.Kind.LIST_APPEND : TxnGenerator.Kind.RW_REGISTER,
                w.activeKeysInUse(),
                w.writesPerKey(),
                1,
                w.txnLengthMax(),
                0.5);
    BankGenerator bank = w.bank() ? new BankGenerator(w.accounts(), 0.5) : null;
    TxnHistoryRecorder recorder = new TxnHistoryRecorder(cluster.sim()::nowNanos, clientIds);
    long thinkNanos = (long) ((double) w.clients() * SimRun.SECOND_NANOS / w.rate());
    for (String id : clientIds) {
      expect(
          cluster.addTxnClient(
              () ->
                  random -> {
                    List<Object> txn = bank != null ? bank.next(random) : generator.next(random);
                    return txn == null ? null : TxnHistoryRecorder.toMicroOps(txn, listAppend);
                  },
              recorder,
              thinkNanos),
          id);
    }
    return new SimClients() {
      @Override
      public void stop() {
        if (bank != null) {
          bank.stop();
        } else {
          generator.stop();
        }
      }

      @Override
      public void nemesis(String f, Object value) {
        recorder.nemesis(f, value);
      }

      @Override
      public List<Op> events() {
        return recorder.events();
      }

      @Override
      public long okAfter(long nanos) {
        return recorder.okAfter(nanos);
      }

      @Override
      public Map<String, Double> counts(long healAtNanos) {
        Map<String, Double> m = new TreeMap<>();
        m.put("txns", (double) (recorder.okTxns() + recorder.failTxns() + recorder.infoTxns()));
        m.put("txns_ok", (double) recorder.okTxns());
        m.put("txns_fail", (double) recorder.failTxns());
        m.put("txns_info", (double) recorder.infoTxns());
        m.put("txns_ok_after_heal", (double) recorder.okAfter(healAtNanos));
        return m;
      }
    };
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
  public List<String> raftViolations() {
    return cluster.raftViolations();
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
    };
  }
}
