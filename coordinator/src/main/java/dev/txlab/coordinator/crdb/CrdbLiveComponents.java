package dev.txlab.coordinator.crdb;

import dev.txlab.coordinator.live.TxnGateway;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ProcessFactory;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.live.LiveNode;
import dev.txlab.node.raft.RaftReplica;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The crdb protocol on a live node, placed as {@link CrdbSimCluster} places it: the node's range
 * replicas, its gateway ({@code gateway}), and a pool of {@link CrdbLane}s behind the transaction
 * layer's {@link TxnGateway} for {@code POST /txn}. One instance per node.
 */
final class CrdbLiveComponents extends dev.txlab.coordinator.live.LanedComponents {
  private final CrdbMetrics metrics = new CrdbMetrics();

  CrdbLiveComponents(Map<String, String> settings, int lanes) {
    super("crdb", settings, lanes);
  }

  /** Every value a crdb node sends, replicates or snapshots. */
  static final List<Class<?>> CODEC =
      List.of(
          TxnId.class,
          MicroOp.class,
          MicroOp.Kind.class,
          ClientObserver.Outcome.class,
          HlcTimestamp.class,
          CrdbTxn.class,
          CrdbProposal.class,
          CrdbCommand.Get.class,
          CrdbCommand.Put.class,
          CrdbCommand.EndTxn.class,
          CrdbCommand.Heartbeat.class,
          CrdbCommand.PushType.class,
          CrdbCommand.Push.class,
          CrdbCommand.QueryTxn.class,
          CrdbCommand.Resolve.class,
          CrdbCommand.Refresh.class,
          CrdbCommand.GcRecord.class,
          CrdbRange.Status.class,
          CrdbRange.Intent.class,
          CrdbRange.Version.class,
          CrdbRange.ReadMark.class,
          CrdbRange.TxnRecord.class,
          CrdbRange.Image.class,
          CrdbRange.Outcome.Value.class,
          CrdbRange.Outcome.Written.class,
          CrdbRange.Outcome.IntentConflict.class,
          CrdbRange.Outcome.Uncertain.class,
          CrdbRange.Outcome.TooOld.class,
          CrdbRange.Outcome.Aborted.class,
          CrdbRange.Outcome.Committed.class,
          CrdbRange.Outcome.PushedTo.class,
          CrdbRange.Outcome.Pushed.class,
          CrdbRange.Outcome.Record.class,
          CrdbRange.Outcome.Refreshed.class,
          CrdbRange.Outcome.Done.class,
          CrdbMessage.RunTxn.class,
          CrdbMessage.TxnDone.class,
          CrdbMessage.Request.class,
          CrdbMessage.Reply.class,
          CrdbMessage.ClockRejected.class,
          CrdbMessage.ClockPing.class,
          CrdbMessage.ClockPong.class);

  @Override
  public List<Class<?>> codecClasses() {
    return CODEC;
  }

  private long maxOffset() {
    return CrdbProtocol.maxOffsetNanos(settings);
  }

  @Override
  public ProcessFactory replica(LiveNode.Config config, ShardId shard, List<Address> members) {
    CrdbReplica.Config rc =
        new CrdbReplica.Config(shard, config.raft(members), 256, maxOffset(), 1_000_000_000L);
    return env -> new CrdbReplica(env, rc);
  }

  @Override
  public LiveNode.Extras extras(LiveNode.Config config, LiveNode.Injector injector) {
    List<Address> gateways = new ArrayList<>();
    for (NodeId n : config.nodes()) gateways.add(Address.of(n, "gateway"));
    CrdbGateway.Config gc =
        CrdbGateway.Config.defaults(
            config.shardMap(),
            gateways,
            maxOffset(),
            CrdbGateway.ReadRefresh.of(settings.get("read-refresh")),
            settings.get("observed-timestamps").equals("on"),
            settings.get("clock-guard").equals("on"));
    Address gateway = Address.of(config.node(), "gateway");
    Map<String, ProcessFactory> processes = new LinkedHashMap<>();
    processes.put("gateway", env -> new CrdbGateway(env, gc, metrics));
    return withLanes(
        processes,
        injector,
        (env, lane, pool) ->
            new CrdbLane(env, lane, gateway, pool, CrdbSimCluster.CLIENT_TIMEOUT_NANOS));
  }

  @Override
  public RaftReplica raftOf(Process process) {
    return process instanceof CrdbReplica r ? r.raft() : null;
  }

  @Override
  protected Map<String, Double> measured() {
    return metrics.summary();
  }
}
