package dev.txlab.scenarios.run;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.chaos.schedule.Schedule;
import dev.txlab.chaos.sim.SimNemesis;
import dev.txlab.checker.CheckResult;
import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.txn.TxnChecker;
import dev.txlab.checker.txn.TxnResult;
import dev.txlab.checker.txn.TxnSpec;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * Runs a transactional scenario on the simulator: a {@link SimTxnCluster} running the chosen
 * protocol (Spanner-style or classic 2PC, with its knobs), transaction clients driven by an
 * Elle-style list-append or rw-register generator, the nemesis (including {@code kill
 * coordinator after prepare|decide}, fired when the protocol reaches the phase), a final heal and
 * a converge phase; then the history is checked against each requested consistency model.
 */
final class TxnRun {
  private TxnRun() {}

  static SimRun.Outcome run(Scenario scenario, long seed, DoubleConsumer progress, Consumer<String> traceSink) {
    long wallStart = System.nanoTime();
    TxnKnobs knobs = TxnKnobs.spanner();
    for (Map.Entry<String, String> k : scenario.knobs().entrySet()) {
      knobs = knobs.withKnob(k.getKey(), k.getValue());
    }
    SimTxnCluster cluster =
        new SimTxnCluster(
            SimTxnCluster.Config.defaults(seed)
                .withShape(scenario.nodes(), scenario.shards(), scenario.replicas())
                .withPlacement(scenario.placementNodes())
                .withKnobs(knobs)
                .withSim(SimRun.simConfig(scenario, seed)));
    Simulator sim = cluster.sim();
    if (traceSink != null) {
      sim.trace().setSink(traceSink);
    }

    Scenario.WorkloadSpec w = scenario.workload();
    boolean listAppend = !w.name().equals("rw-register");
    TxnGenerator generator =
        w.bank() ? null : new TxnGenerator(
            listAppend ? TxnGenerator.Kind.LIST_APPEND : TxnGenerator.Kind.RW_REGISTER,
            w.activeKeys(), w.writesPerKey(), 1, w.txnLengthMax(), 0.5);
    BankGenerator bank = w.bank() ? new BankGenerator(w.accounts(), 0.5) : null;
    List<String> clientIds = new ArrayList<>();
    for (int i = 1; i <= w.clients(); i++) {
      clientIds.add(Address.of(NodeId.of("c" + i), "client").toString());
    }
    TxnHistoryRecorder recorder = new TxnHistoryRecorder(sim::nowNanos, clientIds);
    long thinkNanos = (long) ((double) w.clients() * SimRun.SECOND_NANOS / w.rate());
    for (int i = 0; i < w.clients(); i++) {
      Address a =
          cluster.addClient(
              () -> random -> {
                List<Object> txn = bank != null ? bank.next(random) : generator.next(random);
                return txn == null ? null : TxnHistoryRecorder.toMicroOps(txn, listAppend);
              },
              recorder,
              thinkNanos);
      if (!a.toString().equals(clientIds.get(i))) {
        throw new IllegalStateException("client address " + a + " is not the expected " + clientIds.get(i));
      }
    }
    SimRun.placeClocks(sim, scenario, cluster.serverNodes(), clientIds);

    long healAtNanos = scenario.duration().toNanos();
    long convergeEndNanos = healAtNanos + scenario.converge().toNanos();
    SplittableRandom nemesisRandom = new SplittableRandom(seed ^ 0x6e656d65736973L);
    SimNemesis nemesis =
        new SimNemesis(
            target(cluster, scenario),
            nemesisRandom.split(),
            new SimNemesis.Recorder() {
              @Override
              public void applied(long at, FaultEvent event, dev.txlab.chaos.fault.Resolved<List<String>> result) {
                recorder.nemesis(
                    event.fault().keyword(),
                    result.isResolved()
                        ? event.fault().text() + (result.value().isEmpty() ? "" : " → " + String.join(",", result.value()))
                        : event.fault().text() + " (not applied: " + result.reason() + ")");
              }

              @Override
              public void fired(long at, Fault.TxnPhase phase, String node) {
                recorder.nemesis("kill", "kill coordinator after " + phase.text() + " → " + node);
              }
            });
    cluster.addCoordinatorListener(
        new SimTxnCluster.CoordinatorListener() {
          @Override
          public void prepared(Address coordinator, TxnId txn) {
            fire(Fault.TxnPhase.PREPARE, coordinator);
          }

          @Override
          public void decided(Address coordinator, TxnId txn, TxnDecision decision) {
            fire(Fault.TxnPhase.DECIDE, coordinator);
          }

          private void fire(Fault.TxnPhase phase, Address coordinator) {
            if (nemesis.state().armedKills().containsValue(phase)) {
              // Not inside the coordinator's step: right after it, before its next one.
              sim.schedule(sim.nowNanos(), "nemesis fires kill after " + phase.text(),
                  () -> nemesis.onCoordinatorPhase(phase, coordinator.node().toString()));
            }
          }
        });
    List<FaultEvent> plan;
    try {
      plan = Schedule.parse(scenario.faults()).plan(nemesis.view(), healAtNanos, nemesisRandom.split());
    } catch (FaultSyntaxException e) {
      throw new IllegalStateException("a validated fault line no longer parses: " + e.getMessage(), e);
    }
    nemesis.schedule(plan);
    sim.schedule(convergeEndNanos, "workload stop", bank != null ? bank::stop : generator::stop);
    long endNanos = convergeEndNanos + w.timeout().toNanos() + 2 * SimRun.SECOND_NANOS;
    ClockTimeline clocks = ClockTimeline.of(sim.nodes());
    SimRun.runWithProgress(sim, endNanos, progress, clocks);
    long wallSimulated = System.nanoTime();

    History history;
    try {
      history = History.of("history.edn", recorder.events());
    } catch (HistoryException e) {
      throw new IllegalStateException("the recorder wrote an inconsistent history: " + e.getMessage(), e);
    }
    Map<String, SimRun.Check> checks = new LinkedHashMap<>();
    CheckResult primary = null;
    for (String model : scenario.consistency()) {
      TxnResult r;
      try {
        r = TxnChecker.check(history, new TxnSpec(w.checkerWorkload(), List.of(model), false, false, false, null));
      } catch (UnfitHistoryException e) {
        throw new IllegalStateException("the recorder wrote a history the checker cannot read: " + e.getMessage(), e);
      }
      checks.put(model, new SimRun.Check(r.validity(), r.anomalyTypes(), SimRun.firstLine(r.toText())));
      if (primary == null || (primary.validity() != Validity.INVALID && r.validity() == Validity.INVALID)) {
        primary = r;
      }
    }
    Map<String, Double> bankFigures = new TreeMap<>();
    if (w.bank()) {
      checks.put("bank-total", bankTotal(history, w, bankFigures));
    }
    long wallChecked = System.nanoTime();
    long okAfterHeal = recorder.okAfter(healAtNanos);
    checks.put(
        "converged",
        new SimRun.Check(
            okAfterHeal > 0 ? Validity.VALID : Validity.INVALID,
            okAfterHeal > 0 ? List.of() : List.of("no-progress-after-heal"),
            okAfterHeal + " transactions committed after the final heal"));

    Simulator.Stats stats = sim.stats();
    Map<String, Double> metrics = new TreeMap<>();
    metrics.put("txns", (double) (recorder.okTxns() + recorder.failTxns() + recorder.infoTxns()));
    metrics.put("txns_ok", (double) recorder.okTxns());
    metrics.put("txns_fail", (double) recorder.failTxns());
    metrics.put("txns_info", (double) recorder.infoTxns());
    metrics.put("txns_ok_after_heal", (double) okAfterHeal);
    for (Map.Entry<String, Object> e : cluster.metrics().summary().entrySet()) {
      if (e.getValue() instanceof Number) {
        metrics.put(e.getKey(), ((Number) e.getValue()).doubleValue());
      }
    }
    metrics.putAll(bankFigures);
    List<String> violations = new ArrayList<>(cluster.raftMonitor().violations());
    metrics.put("raft_safety_violations", (double) violations.size());
    // Atomicity is an always-on invariant: a violation fails the run with its seed. Count the checks.
    metrics.put("atomicity_checks", (double) cluster.atomicity().checks());
    metrics.put("truetime_lies", (double) stats.trueTimeLies());
    metrics.put("faults_applied", (double) nemesis.appliedEvents());
    metrics.put("events", (double) stats.events());
    metrics.put("messages", (double) stats.messagesSent());
    String digest = sim.trace().digestHex();
    return new SimRun.Outcome(
        scenario, seed, history, primary, checks, metrics, violations, plan, Schedule.planText(plan), digest, stats,
        stats.virtualNanos() / 1e9, (System.nanoTime() - wallStart) / 1e9, (wallSimulated - wallStart) / 1e9,
        (wallChecked - wallSimulated) / 1e9, clocks, cluster.metrics().distributions());
  }

  /** The bank's invariant over a run's history ({@link BankCheck}). */
  static SimRun.Check bankTotal(History history, Scenario.WorkloadSpec w, Map<String, Double> figures) {
    return BankCheck.check(history, w.accounts(), w.initialBalance(), figures);
  }

  /** The transactional cluster as the nemesis sees it (a single 2PC coordinator's node included). */
  private static SimNemesis.Target target(SimTxnCluster cluster, Scenario scenario) {
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
          if (p instanceof TxnShardReplica) {
            TxnShardReplica r = (TxnShardReplica) p;
            if (r.raft().isLeader() && r.raft().currentTerm() > bestTerm) {
              bestTerm = r.raft().currentTerm();
              best = a.node().toString();
            }
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
