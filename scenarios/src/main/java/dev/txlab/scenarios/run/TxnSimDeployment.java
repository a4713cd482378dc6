package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.sim.SimNemesis;
import dev.txlab.checker.history.Op;
import dev.txlab.coordinator.cluster.SimTxnCluster;
import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.sim.LinkConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import dev.txlab.node.time.EpsilonModel;
import dev.txlab.scenarios.workload.BankGenerator;
import dev.txlab.scenarios.workload.TxnGenerator;
import dev.txlab.scenarios.workload.TxnHistoryRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A transactional protocol's cluster on the simulator ({@link SimTxnCluster}: Raft-replicated
 * participant shards, and the classic coordinator's node when there is one), driven by an
 * Elle-style list-append or rw-register generator or by the bank's transfers.
 */
final class TxnSimDeployment implements SimDeployment {
  private final SimTxnCluster cluster;

  TxnSimDeployment(Scenario s, long seed) {
    TxnKnobs knobs = TxnKnobs.spanner();
    for (Map.Entry<String, String> k : s.knobs().entrySet()) {
      knobs = knobs.withKnob(k.getKey(), k.getValue());
    }
    this.cluster = new SimTxnCluster(
        SimTxnCluster.Config.defaults(seed)
            .withShape(s.nodes(), s.shards(), s.replicas())
            .withPlacement(s.placementNodes())
            .withKnobs(knobs)
            .withSim(SimRun.simConfig(s, seed)));
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
    boolean listAppend = !w.name().equals("rw-register");
    TxnGenerator generator = w.bank() ? null : new TxnGenerator(
        listAppend ? TxnGenerator.Kind.LIST_APPEND : TxnGenerator.Kind.RW_REGISTER,
        w.activeKeysInUse(), w.writesPerKey(), 1, w.txnLengthMax(), 0.5);
    BankGenerator bank = w.bank() ? new BankGenerator(w.accounts(), 0.5) : null;
    TxnHistoryRecorder recorder = new TxnHistoryRecorder(cluster.sim()::nowNanos, clientIds);
    long thinkNanos = (long) ((double) w.clients() * SimRun.SECOND_NANOS / w.rate());
    for (String id : clientIds) {
      Address a = cluster.addClient(
          () -> random -> {
            List<Object> txn = bank != null ? bank.next(random) : generator.next(random);
            return txn == null ? null : TxnHistoryRecorder.toMicroOps(txn, listAppend);
          },
          recorder,
          thinkNanos);
      if (!a.toString().equals(id)) {
        throw new IllegalStateException("client address " + a + " is not the expected " + id);
      }
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
    cluster.addCoordinatorListener(new SimTxnCluster.CoordinatorListener() {
      @Override
      public void prepared(Address coordinator, TxnId txn) {
        hook.accept(Fault.TxnPhase.PREPARE, coordinator);
      }

      @Override
      public void decided(Address coordinator, TxnId txn, TxnDecision decision) {
        hook.accept(Fault.TxnPhase.DECIDE, coordinator);
      }
    });
  }

  @Override
  public long settleNanos(Scenario.WorkloadSpec w) {
    return w.timeout().toNanos() + 2 * SimRun.SECOND_NANOS;
  }

  @Override
  public Map<String, Double> metrics() {
    Map<String, Double> m = new TreeMap<>();
    for (Map.Entry<String, Object> e : cluster.metrics().summary().entrySet()) {
      if (e.getValue() instanceof Number n) {
        m.put(e.getKey(), n.doubleValue());
      }
    }
    // Atomicity is an always-on invariant: a violation fails the run with its seed. Count the checks.
    m.put("atomicity_checks", (double) cluster.atomicity().checks());
    return m;
  }

  @Override
  public Map<String, long[]> distributions() {
    return cluster.metrics().distributions();
  }

  @Override
  public List<String> raftViolations() {
    return cluster.raftMonitor().violations();
  }

  /** The transactional cluster as the nemesis sees it (a single 2PC coordinator's node included). */
  @Override
  public SimNemesis.Target target() {
    List<NodeId> nodes = new ArrayList<>(cluster.serverNodes());
    boolean single = !cluster.config().knobs().replicatedCoordinator();
    if (single) {
      nodes.add(SimTxnCluster.SINGLE_COORDINATOR.node());
    }
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
        int i = shards.indexOf(shard);
        if (i < 0) {
          return Optional.empty();
        }
        long bestTerm = -1;
        String best = null;
        for (Address a : cluster.shardMap().replicasOf(cluster.shardMap().allShards().get(i))) {
          Process p = cluster.sim().process(a);
          if (p instanceof TxnShardReplica r && r.raft().isLeader() && r.raft().currentTerm() > bestTerm) {
            bestTerm = r.raft().currentTerm();
            best = a.node().toString();
          }
        }
        return Optional.ofNullable(best);
      }

      @Override
      public Optional<String> coordinator() {
        return single ? Optional.of(SimTxnCluster.SINGLE_COORDINATOR.node().toString()) : Optional.empty();
      }

      @Override
      public LinkConfig baseLink() {
        return cluster.config().sim().defaultLink();
      }

      @Override
      public EpsilonModel epsilon() {
        return cluster.config().sim().epsilon();
      }
    };
  }
}
