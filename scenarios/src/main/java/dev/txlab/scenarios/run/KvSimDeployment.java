package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.sim.SimNemesis;
import dev.txlab.checker.history.Op;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.cluster.SimCluster;
import dev.txlab.node.kv.KvClient;
import dev.txlab.node.sim.Simulator;
import dev.txlab.scenarios.workload.HistoryRecorder;
import dev.txlab.scenarios.workload.RegisterWorkload;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The single-key store (Raft-replicated shards, no transactions) on the simulator, driven by the
 * register workload: compare-and-set registers, a few per shard.
 */
final class KvSimDeployment implements SimDeployment {
  private final SimCluster cluster;

  KvSimDeployment(Scenario s, long seed) {
    SimCluster.Config c = SimCluster.Config.defaults(seed).withShape(s.nodes(), s.shards(), s.replicas())
        .withPlacement(s.placementNodes()).withSim(SimRun.simConfig(s, seed));
    for (Map.Entry<String, String> k : s.knobs().entrySet()) {
      c = c.withKnob(k.getKey(), k.getValue());
    }
    this.cluster = new SimCluster(c);
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
  public SimNemesis.Target target() {
    return SimNemesis.of(cluster);
  }

  @Override
  public SimClients addClients(Scenario.WorkloadSpec w, List<String> clientIds) {
    RegisterWorkload workload =
        new RegisterWorkload(RegisterWorkload.keysFor(cluster.shardMap(), w.keysPerShard()));
    long thinkNanos = (long) ((double) w.clients() * SimRun.SECOND_NANOS / w.rate());
    long timeoutNanos = w.timeout().toNanos();
    HistoryRecorder recorder = new HistoryRecorder(cluster.sim()::nowNanos, clientIds);
    KvClient.Config base = cluster.clientConfig(thinkNanos);
    KvClient.Config clientConfig = new KvClient.Config(
        base.shardMap(), thinkNanos, Math.min(base.retryTimeoutNanos(), timeoutNanos), timeoutNanos,
        base.readsFromAnyReplica());
    for (String id : clientIds) {
      Address a = cluster.addClient(clientConfig, workload, recorder);
      if (!a.toString().equals(id)) {
        throw new IllegalStateException("client address " + a + " is not the expected " + id);
      }
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

  @Override
  public void onCoordinatorPhase(BiConsumer<Fault.TxnPhase, Address> hook) {
    // Single-key operations have no coordinator.
  }

  @Override
  public long settleNanos(Scenario.WorkloadSpec w) {
    return w.timeout().toNanos() + SimRun.SECOND_NANOS;
  }

  @Override
  public Map<String, Double> metrics() {
    return Map.of();
  }

  @Override
  public Map<String, long[]> distributions() {
    return Map.of();
  }

  @Override
  public List<String> raftViolations() {
    return cluster.monitor().violations();
  }
}
