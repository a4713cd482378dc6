package dev.txlab.coordinator.live;

import dev.txlab.coordinator.client.TxnClient;
import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.single.SingleCoordinator;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ProcessFactory;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.live.FileStorage;
import dev.txlab.node.live.LiveNode;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftReplica;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a transactional live node runs, placed as {@link dev.txlab.coordinator.cluster.SimTxnCluster}
 * places it in the simulator: each hosted shard is a {@link TxnShardReplica} (so with {@code
 * coordinator: replicated} the shards' leaders are the coordinators, Spanner-style); with {@code
 * coordinator: single} the classic 2PC {@link SingleCoordinator} runs as {@code coord} on the
 * cluster's first node, its decision log on that node's disk; and every node runs a pool of
 * {@link TxnLane}s behind {@link TxnGateway} for {@code POST /txn}. One instance per node.
 */
public final class TxnComponents implements LiveNode.Components {
  /** The single coordinator's component name (on the first node). */
  public static final String COORDINATOR = "coord";

  /** The simulator's participant tick: closed timestamps, in-doubt checks and prepare resends. */
  public static final long TICK_NANOS_DEFAULT = 20_000_000L;

  private final TxnKnobs knobs;
  private final int lanes;
  private final long tickNanos;

  public TxnComponents(TxnKnobs knobs, int lanes) {
    this(knobs, lanes, TICK_NANOS_DEFAULT);
  }

  /**
   * @param tickNanos the participants' tick; each tick a shard leader replicates a closed timestamp,
   *     so on a live host (where every replicated entry costs an fsync) a longer tick trades
   *     snapshot-read wait for idle disk and CPU
   */
  public TxnComponents(TxnKnobs knobs, int lanes, long tickNanos) {
    if (knobs == null || lanes < 1 || tickNanos < 1_000_000L) throw new IllegalArgumentException("need knobs, lanes >= 1, a tick >= 1 ms");
    this.knobs = knobs;
    this.lanes = lanes;
    this.tickNanos = tickNanos;
  }

  /** Where the single coordinator runs in a cluster of {@code config.nodes()}, or null when replicated. */
  public Address singleCoordinator(LiveNode.Config config) {
    return knobs.replicatedCoordinator() ? null : Address.of(config.nodes().get(0), COORDINATOR);
  }

  @Override
  public List<Class<?>> codecClasses() {
    return TxnCodecTable.classes();
  }

  @Override
  public ProcessFactory replica(LiveNode.Config config, ShardId shard, List<Address> members) {
    TxnShardReplica.Config rc = new TxnShardReplica.Config(shard,
        RaftConfig.defaults(members).withFsync(config.fsync() == FileStorage.Fsync.ALWAYS), config.shardMap(), knobs,
        singleCoordinator(config), 256, tickNanos, Math.max(300_000_000L, 10 * tickNanos));
    return env -> new TxnShardReplica(env, rc, TxnProbe.NONE);
  }

  @Override
  public LiveNode.Extras extras(LiveNode.Config config, LiveNode.Injector injector) {
    Map<String, ProcessFactory> processes = new LinkedHashMap<>();
    Address single = singleCoordinator(config);
    if (single != null && single.node().equals(config.node())) {
      processes.put(COORDINATOR, env -> new SingleCoordinator(env, config.shardMap(), knobs, TxnProbe.NONE));
    }
    TxnGateway gateway = new TxnGateway(injector, lanes);
    TxnClient.Config client = TxnClient.Config.defaults(config.shardMap(), knobs, single, 0);
    for (int i = 0; i < lanes; i++) {
      int lane = i;
      processes.put(TxnGateway.component(i), env -> new TxnLane(env, lane, client, gateway));
    }
    return new LiveNode.Extras(processes, gateway);
  }

  @Override
  public RaftReplica raftOf(Process process) {
    return process instanceof TxnShardReplica r ? r.raft() : null;
  }

  @Override
  public boolean servesSingleKey() {
    return false;
  }

  @Override
  public Map<String, String> describe() {
    TreeMap<String, String> d = new TreeMap<>(knobs.knobs());
    d.put("protocol", knobs.replicatedCoordinator() ? "spanner" : "2pc");
    d.put("lanes", Integer.toString(lanes));
    d.put("tick", tickNanos / 1_000_000 + "ms");
    return d;
  }
}
