package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.live.TxnGateway;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
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
 * The percolator protocol on a live node, placed as {@link PercolatorSimCluster} places it: the
 * node's shard replicas, an oracle replica ({@code tso}) on the first {@code replicas} nodes, its
 * gateway ({@code gateway}), and a pool of {@link PercolatorLane}s behind the transaction layer's
 * {@link TxnGateway} for {@code POST /txn}. One instance per node.
 */
final class PercolatorLiveComponents extends dev.txlab.coordinator.live.LanedComponents {
  private final PercolatorMetrics metrics = new PercolatorMetrics();

  PercolatorLiveComponents(Map<String, String> settings, int lanes) {
    super("percolator", settings, lanes);
  }

  /** Every value a percolator node sends, replicates or snapshots. */
  static final List<Class<?>> CODEC =
      List.of(
          TxnId.class,
          MicroOp.class,
          MicroOp.Kind.class,
          ClientObserver.Outcome.class,
          TsoCommand.Reserve.class,
          TsoCommand.Extend.class,
          PercolatorProposal.class,
          PercolatorCommand.Get.class,
          PercolatorCommand.Mutation.class,
          PercolatorCommand.Prewrite.class,
          PercolatorCommand.Commit.class,
          PercolatorCommand.Rollback.class,
          PercolatorCommand.CheckTxnStatus.class,
          PercolatorCommand.ResolveLock.class,
          PercolatorCommand.ScanLocks.class,
          PercolatorShard.Lock.class,
          PercolatorShard.LockInfo.class,
          PercolatorShard.Write.class,
          PercolatorShard.Status.class,
          PercolatorShard.Image.class,
          PercolatorShard.Outcome.Value.class,
          PercolatorShard.Outcome.Locked.class,
          PercolatorShard.Outcome.Prewritten.class,
          PercolatorShard.Outcome.WriteConflict.class,
          PercolatorShard.Outcome.Committed.class,
          PercolatorShard.Outcome.Aborted.class,
          PercolatorShard.Outcome.TxnStatus.class,
          PercolatorShard.Outcome.Locks.class,
          PercolatorShard.Outcome.Done.class,
          PercolatorMessage.RunTxn.class,
          PercolatorMessage.TxnDone.class,
          PercolatorMessage.GetTimestamp.class,
          PercolatorMessage.TimestampDone.class,
          PercolatorMessage.TsoRequest.class,
          PercolatorMessage.TsoReply.class,
          PercolatorMessage.Request.class,
          PercolatorMessage.Reply.class);

  @Override
  public List<Class<?>> codecClasses() {
    return CODEC;
  }

  @Override
  public ProcessFactory replica(LiveNode.Config config, ShardId shard, List<Address> members) {
    PercolatorReplica.Config rc = new PercolatorReplica.Config(shard, config.raft(members));
    return env -> new PercolatorReplica(env, rc);
  }

  /** The oracle's replicas: on the first {@code replicas} nodes, as on the simulator. */
  static List<Address> oracle(LiveNode.Config config) {
    List<Address> out = new ArrayList<>();
    for (int i = 0; i < config.shardMap().replicas(); i++)
      out.add(Address.of(config.nodes().get(i), "tso"));
    return out;
  }

  @Override
  public LiveNode.Extras extras(LiveNode.Config config, LiveNode.Injector injector) {
    List<Address> oracle = oracle(config);
    PercolatorGateway.Config gc =
        PercolatorGateway.Config.defaults(
            config.shardMap(),
            oracle,
            Integer.parseInt(settings.get("tso-batch")),
            PercolatorProtocol.millis(settings, "lock-ttl"));
    Address gateway = Address.of(config.node(), "gateway");
    Map<String, ProcessFactory> processes = new LinkedHashMap<>();
    processes.put("gateway", env -> new PercolatorGateway(env, gc, metrics));
    Address tso = Address.of(config.node(), "tso");
    if (oracle.contains(tso)) {
      TsoReplica.Config tc =
          new TsoReplica.Config(
              config.raft(oracle),
              settings.get("tso-persist").equals("on"),
              PercolatorProtocol.millis(settings, "tso-window"));
      processes.put("tso", env -> new TsoReplica(env, tc));
    }
    return withLanes(
        processes,
        injector,
        (env, lane, pool) ->
            new PercolatorLane(
                env, lane, gateway, pool, PercolatorSimCluster.CLIENT_TIMEOUT_NANOS));
  }

  @Override
  public RaftReplica raftOf(Process process) {
    return process instanceof PercolatorReplica r ? r.raft() : null;
  }

  @Override
  protected Map<String, Double> measured() {
    return metrics.summary();
  }
}
