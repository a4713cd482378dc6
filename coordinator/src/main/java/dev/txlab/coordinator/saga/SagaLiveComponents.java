package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.live.TxnGateway;
import dev.txlab.coordinator.live.TxnLane;
import dev.txlab.coordinator.protocol.LiveAudit;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ProcessFactory;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.live.LiveNode;
import dev.txlab.node.live.NodeCodecTable;
import dev.txlab.node.live.RecordCodec;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftReplica;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The saga protocol on a live node, placed as {@link SagaSimCluster} places it: the node's replicas
 * of the four services (its shards, {@link ServiceReplica}s), a replica of the orchestrator's saga
 * log ({@code saga}, {@link Orchestrator}; under choreography the event log, {@code events}, {@link
 * EventLogReplica}) on the first {@code replicas} nodes, and a pool of {@link TxnLane}s, each
 * around the simulator's own {@link SagaClient}, behind the transaction layer's {@link TxnGateway}
 * for {@code POST /txn}: a flow runs as one saga, and the reply says what took effect. When a run
 * ends each process tells its state ({@link #probe}: a {@link Told}) and {@link #audit} reads the
 * protocol's checks from all of it. One instance per node.
 */
final class SagaLiveComponents extends dev.txlab.coordinator.live.LanedComponents {
  /** Every value a saga node sends, replicates, snapshots or tells. */
  static final List<Class<?>> CODEC =
      List.of(
          MicroOp.class,
          MicroOp.Kind.class,
          SagaMessage.StartSaga.class,
          SagaMessage.SagaDone.class,
          SagaMessage.ServiceRequest.class,
          SagaMessage.StepDone.class,
          SagaMessage.ReadDone.class,
          SagaMessage.Publish.class,
          SagaMessage.Published.class,
          SagaMessage.Fetch.class,
          SagaMessage.Events.class,
          ServiceCommand.Step.class,
          ServiceCommand.Release.class,
          ServiceCommand.Read.class,
          ServiceCommand.Start.class,
          ServiceCommand.Consume.class,
          ServiceCommand.Acked.class,
          ServiceProposal.class,
          ServiceState.ReadResult.class,
          ServiceState.Snap.class,
          SagaLogCommand.Begin.class,
          SagaLogCommand.Result.class,
          SagaLogCommand.Released.class,
          SagaLog.Saga.class,
          SagaLog.Status.class,
          Choreography.Event.class,
          Choreography.Snap.class,
          EventLogReplica.Append.class,
          Told.class);

  /** Decodes what the nodes told ({@code GET /admin/probe}). */
  private static final RecordCodec DECODER = new RecordCodec(NodeCodecTable.with(CODEC));

  /**
   * What one process tells of its state when a run ends.
   *
   * @param group {@code saga} (the orchestrator's log) or a service's label
   * @param applied how far its Raft log is applied (the most advanced replica of a group speaks for
   *     it)
   * @param ledgers a service's ledgers, by key
   * @param sagas the saga log's sagas; under choreography, those the orders service started
   */
  record Told(
      String group, long applied, Map<String, List<Long>> ledgers, List<SagaLog.Saga> sagas) {
    Told {
      ledgers = new TreeMap<>(ledgers);
      sagas = List.copyOf(sagas);
    }
  }

  // Timelines are the simulator's (the report draws them from simulated runs); live nodes count.
  private final SagaMetrics metrics = new SagaMetrics(() -> 0L);

  SagaLiveComponents(Map<String, String> settings, int lanes) {
    super("saga", settings, lanes);
  }

  @Override
  public List<Class<?>> codecClasses() {
    return CODEC;
  }

  private boolean choreography() {
    return settings.get("style").equals("choreography");
  }

  private String groupComponent() {
    return choreography() ? "events" : "saga";
  }

  /** The saga log's (or event log's) replicas: on the first {@code replicas} nodes. */
  private List<Address> orchestrators(LiveNode.Config config) {
    List<Address> out = new ArrayList<>();
    for (int i = 0; i < config.replicas(); i++)
      out.add(Address.of(config.nodes().get(i), groupComponent()));
    return out;
  }

  private static Map<SagaKeys.Service, List<Address>> services(LiveNode.Config config) {
    EnumMap<SagaKeys.Service, List<Address>> out = new EnumMap<>(SagaKeys.Service.class);
    for (ShardId s : config.shardMap().allShards())
      out.put(SagaKeys.Service.values()[s.index()], config.shardMap().replicasOf(s));
    return out;
  }

  private RaftConfig raft(LiveNode.Config config, List<Address> members) {
    return config.raft(members);
  }

  @Override
  public ProcessFactory replica(LiveNode.Config config, ShardId shard, List<Address> members) {
    String cm = settings.get("countermeasure");
    ServiceReplica.Config rc =
        new ServiceReplica.Config(
            SagaKeys.Service.values()[shard.index()],
            raft(config, members),
            new ServiceState.Config(
                settings.get("idempotency").equals("on"),
                cm.equals("semantic-lock"),
                cm.equals("reread")),
            choreography() ? orchestrators(config) : List.of(),
            settings.get("pivot-last").equals("on"));
    return env -> new ServiceReplica(env, rc, metrics);
  }

  @Override
  public LiveNode.Extras extras(LiveNode.Config config, LiveNode.Injector injector) {
    List<Address> orchestrators = orchestrators(config);
    Map<SagaKeys.Service, List<Address>> services = services(config);
    Map<String, ProcessFactory> processes = new LinkedHashMap<>();
    if (!groups(config).isEmpty()) {
      if (choreography()) {
        RaftConfig ec = raft(config, orchestrators);
        processes.put(groupComponent(), env -> new EventLogReplica(env, ec));
      } else {
        Orchestrator.Config oc =
            new Orchestrator.Config(
                raft(config, orchestrators),
                services,
                settings.get("pivot-last").equals("on"),
                settings.get("countermeasure").equals("semantic-lock"));
        processes.put(groupComponent(), env -> new Orchestrator(env, oc, metrics));
      }
    }
    SagaClient.Config cc =
        new SagaClient.Config(
            choreography() ? services.get(SagaKeys.Service.ORDERS) : orchestrators,
            services,
            0,
            SagaSimCluster.CLIENT_TIMEOUT_NANOS);
    return withLanes(
        processes,
        injector,
        (env, lane, pool) ->
            new TxnLane(
                env,
                lane,
                pool,
                SagaTimer.ClientNext.class,
                (e, workload, observer, firstSeq) ->
                    new SagaClient(e, cc, workload, observer, firstSeq)));
  }

  /** The saga log's (or event log's) replica, on the first {@code replicas} nodes. */
  @Override
  public List<String> groups(LiveNode.Config config) {
    return config.nodes().indexOf(config.node()) < config.replicas()
        ? List.of(groupComponent())
        : List.of();
  }

  @Override
  public RaftReplica raftOf(Process process) {
    if (process instanceof ServiceReplica r) return r.raft();
    if (process instanceof Orchestrator o) return o.raft();
    if (process instanceof EventLogReplica e) return e.raft();
    return null;
  }

  /**
   * {@code kill coordinator after prepare|decide}: the orchestrator's leader logged mid-saga or an
   * end.
   */
  @Override
  public void attach(dev.txlab.node.live.AdminFaults faults) {
    metrics.onPhase(
        (phase, at) -> faults.haltIfArmedFor(phase.name().toLowerCase(java.util.Locale.ROOT)));
  }

  @Override
  public Object probe(Process process) {
    if (process instanceof Orchestrator o) {
      return new Told("saga", o.raft().lastApplied(), Map.of(), new ArrayList<>(o.log().all()));
    }
    if (process instanceof ServiceReplica r) {
      Collection<SagaLog.Saga> started =
          r.choreography() == null ? List.of() : r.choreography().sagas().values();
      return new Told(
          r.config().service().label(),
          r.raft().lastApplied(),
          r.state().ledgers(),
          new ArrayList<>(started));
    }
    return null;
  }

  /**
   * The protocol's checks on what the nodes told: each group as its most advanced replica tells it
   * — the sagas from the saga log (or, under choreography, from the orders service), every
   * service's ledgers — read by the same {@link SagaAudit} as the simulator's.
   */
  static LiveAudit audit(Map<String, Map<String, byte[]>> probes) {
    TreeMap<String, Told> best = new TreeMap<>();
    for (Map<String, byte[]> byComponent : probes.values()) {
      for (byte[] frame : byComponent.values()) {
        Told t;
        try {
          t = (Told) DECODER.decode(frame);
        } catch (RecordCodec.CodecException | ClassCastException e) {
          throw new IllegalArgumentException("a node told what is not a saga probe: " + e, e);
        }
        Told was = best.get(t.group());
        if (was == null || t.applied() > was.applied()) best.put(t.group(), t);
      }
    }
    Map<SagaKeys.Service, Map<String, List<Long>>> ledgers = new EnumMap<>(SagaKeys.Service.class);
    for (SagaKeys.Service s : SagaKeys.Service.values()) {
      if (best.containsKey(s.label())) ledgers.put(s, best.get(s.label()).ledgers());
    }
    Told log = best.get("saga");
    if (log == null) log = best.get(SagaKeys.Service.ORDERS.label());
    SagaAudit a = new SagaAudit(log == null ? List.of() : log.sagas(), ledgers);
    return new LiveAudit(a.checks(), a.metrics());
  }

  @Override
  protected Map<String, Double> measured() {
    return metrics.summary();
  }
}
