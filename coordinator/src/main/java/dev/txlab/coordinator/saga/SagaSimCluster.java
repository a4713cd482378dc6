package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.protocol.ProtocolCheck;
import dev.txlab.coordinator.protocol.ShardedSimCluster;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.coordinator.protocol.WaitStory;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftSafetyMonitor;
import dev.txlab.node.sim.SimConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code saga} protocol on the simulator: four services as shards ({@code shard-0} payments,
 * {@code shard-1} inventory, {@code shard-2} orders, {@code shard-3} notifications; each a Raft
 * group of {@link ServiceReplica}s, {@code nX/shard-K}), the orchestrator's saga log as one more
 * Raft group ({@code nX/saga}, {@link Orchestrator}) on the first {@code replicas} nodes, and
 * clients {@code cK/client}. With {@code style: choreography} there is no orchestrator: an event
 * log ({@code nX/events}, {@link EventLogReplica}s) takes its place, and the services react to its
 * events ({@link Choreography}). The fault target {@code coordinator} names the orchestrator's
 * leader (the event log's, under choreography); {@code kill coordinator after prepare} kills it
 * right after it logged a step mid-saga. When the run ends it checks its own state ({@link
 * #protocolChecks}): every saga over, money and stock conserved, no email for a cancelled order.
 */
public final class SagaSimCluster extends ShardedSimCluster {
  private final List<Address> orchestrators = new ArrayList<>();
  private final EnumMap<SagaKeys.Service, List<Address>> services =
      new EnumMap<>(SagaKeys.Service.class);
  private final List<Address> clients = new ArrayList<>();
  private final RaftSafetyMonitor raftMonitor = new RaftSafetyMonitor(true);
  private final SagaMetrics metrics;
  private final boolean pivotLast;
  private final boolean choreography;

  public SagaSimCluster(Topology t, Map<String, String> settings, SimConfig sim) {
    super(t, sim);
    if (t.shards() != SagaKeys.Service.values().length) {
      throw new IllegalArgumentException(
          "shards must be 4 for protocol saga (payments, inventory, orders, notifications), not "
              + t.shards());
    }
    this.metrics = new SagaMetrics(this.sim::nowNanos);
    this.pivotLast = settings.get("pivot-last").equals("on");
    String cm = settings.get("countermeasure");
    ServiceState.Config sc =
        new ServiceState.Config(
            settings.get("idempotency").equals("on"),
            cm.equals("semantic-lock"),
            cm.equals("reread"));
    for (ShardId s : shardMap.allShards()) {
      services.put(SagaKeys.Service.values()[s.index()], shardMap.replicasOf(s));
    }
    this.choreography = settings.get("style").equals("choreography");
    for (int i = 0; i < t.replicas(); i++) {
      orchestrators.add(Address.of(serverNodes.get(i), choreography ? "events" : "saga"));
    }
    this.sim.addObserver(
        (address, process) -> {
          if (process instanceof ServiceReplica r)
            raftMonitor.observe(r.config().service().label(), r.raft());
          else if (process instanceof Orchestrator o) raftMonitor.observe("saga", o.raft());
          else if (process instanceof EventLogReplica e) raftMonitor.observe("events", e.raft());
        });
    for (NodeId n : serverNodes) this.sim.addNode(n);
    Orchestrator.Config oc =
        new Orchestrator.Config(
            RaftConfig.defaults(orchestrators), services, pivotLast, sc.semanticLock());
    if (choreography) {
      RaftConfig ec = RaftConfig.defaults(orchestrators);
      for (Address a : orchestrators) this.sim.addProcess(a, env -> new EventLogReplica(env, ec));
    } else {
      for (Address a : orchestrators) {
        this.sim.addProcess(a, env -> new Orchestrator(env, oc, metrics));
      }
    }
    services.forEach(
        (service, members) -> {
          ServiceReplica.Config rc =
              new ServiceReplica.Config(
                  service,
                  RaftConfig.defaults(members),
                  sc,
                  choreography ? orchestrators : List.of(),
                  pivotLast);
          for (Address a : members) {
            this.sim.addProcess(a, env -> new ServiceReplica(env, rc, metrics));
          }
        });
  }

  /** A client's patience for a saga: long enough for a new orchestrator leader to finish it. */
  static final long CLIENT_TIMEOUT_NANOS = 10_000_000_000L;

  @Override
  public Address addTxnClient(
      Supplier<TxnWorkload> workload, TxnObserver observer, long thinkNanosMean) {
    Address a = Address.of(NodeId.of("c" + (clients.size() + 1)), "client");
    SagaClient.Config cc =
        new SagaClient.Config(
            choreography ? services.get(SagaKeys.Service.ORDERS) : orchestrators,
            services,
            thinkNanosMean,
            CLIENT_TIMEOUT_NANOS);
    clients.add(a);
    sim.addNode(a.node());
    sim.addProcess(a, env -> new SagaClient(env, cc, workload.get(), observer));
    return a;
  }

  /**
   * {@code kill coordinator after prepare} kills the orchestrator's leader right after it logged a
   * step of a saga still running; {@code after decide}, right after it logged a saga's end.
   */
  @Override
  public void onCoordinatorPhase(
      java.util.function.BiConsumer<dev.txlab.coordinator.protocol.CoordinatorPhase, Address>
          hook) {
    metrics.onPhase(hook);
  }

  @Override
  public Optional<NodeId> leaderOf(String shard) {
    return SimProtocolCluster.raftLeader(
        sim, shardMap, shard, p -> p instanceof ServiceReplica r ? r.raft() : null);
  }

  /** The orchestrator's leader (in the highest term). */
  @Override
  public Optional<NodeId> coordinatorNode() {
    dev.txlab.node.raft.RaftReplica r = orchestratorLeader();
    return r == null ? Optional.empty() : Optional.of(r.id().node());
  }

  private dev.txlab.node.raft.RaftReplica orchestratorLeader() {
    long best = -1;
    dev.txlab.node.raft.RaftReplica out = null;
    for (Address a : orchestrators) {
      dev.txlab.node.api.Process p = sim.process(a);
      dev.txlab.node.raft.RaftReplica r =
          p instanceof Orchestrator o ? o.raft() : p instanceof EventLogReplica e ? e.raft() : null;
      if (r != null && r.isLeader() && r.currentTerm() > best) {
        best = r.currentTerm();
        out = r;
      }
    }
    return out;
  }

  /**
   * Every saga as the run ended: from the saga log (orchestration) or from the orders service's
   * record of the sagas it started (choreography), on the most advanced live replica.
   */
  java.util.Collection<SagaLog.Saga> sagas() {
    if (!choreography) return log().all();
    ServiceReplica best = null;
    for (Address a : services.get(SagaKeys.Service.ORDERS)) {
      if (sim.process(a) instanceof ServiceReplica r
          && (best == null || r.raft().lastApplied() > best.raft().lastApplied())) best = r;
    }
    return best == null ? List.of() : best.choreography().sagas().values();
  }

  /** The saga log as the most advanced live orchestrator replica has applied it. */
  SagaLog log() {
    Orchestrator best = null;
    for (Address a : orchestrators) {
      if (sim.process(a) instanceof Orchestrator o
          && (best == null || o.raft().lastApplied() > best.raft().lastApplied())) best = o;
    }
    return best == null ? new SagaLog(false) : best.log();
  }

  /** Each service's state on its most advanced live replica. */
  Map<SagaKeys.Service, ServiceState> states() {
    EnumMap<SagaKeys.Service, ServiceState> out = new EnumMap<>(SagaKeys.Service.class);
    services.forEach(
        (service, members) -> {
          ServiceReplica best = null;
          for (Address a : members) {
            if (sim.process(a) instanceof ServiceReplica r
                && (best == null || r.raft().lastApplied() > best.raft().lastApplied())) best = r;
          }
          if (best != null) out.put(service, best.state());
        });
    return out;
  }

  /** What the final state says, read from the saga log and the services' ledgers. */
  private SagaAudit audit() {
    Map<SagaKeys.Service, Map<String, List<Long>>> ledgers = new EnumMap<>(SagaKeys.Service.class);
    states().forEach((service, st) -> ledgers.put(service, st.ledgers()));
    return new SagaAudit(sagas(), ledgers);
  }

  @Override
  public Map<String, Double> metrics() {
    audit().stateMetrics().forEach((name, v) -> metrics.set(name, v.longValue()));
    return metrics.summary();
  }

  @Override
  public List<ProtocolCheck> protocolChecks() {
    return audit().checks();
  }

  /**
   * Every saga's timeline, those still running, resumed or compensated first: the report draws the
   * first few and lists every other one.
   */
  @Override
  public List<WaitStory> waitStories() {
    return metrics.stories(Integer.MAX_VALUE, sim.nowNanos());
  }

  @Override
  public List<String> raftViolations() {
    return raftMonitor.violations();
  }
}
