package dev.txlab.coordinator.live;

import dev.txlab.coordinator.client.TxnClient;
import dev.txlab.coordinator.cluster.TxnMetrics;
import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.single.SingleCoordinator;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ProcessFactory;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.live.LiveNode;
import dev.txlab.node.raft.RaftReplica;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a transactional live node runs, placed as {@link
 * dev.txlab.coordinator.cluster.SimTxnCluster} places it in the simulator: each hosted shard is a
 * {@link TxnShardReplica} (so with {@code coordinator: replicated} the shards' leaders are the
 * coordinators, Spanner-style); with {@code coordinator: single} the classic 2PC {@link
 * SingleCoordinator} runs as {@code coord} on the cluster's first node, its decision log on that
 * node's disk; and every node runs a pool of {@link TxnLane}s behind {@link TxnGateway} for {@code
 * POST /txn} ({@link TxnRoute}). One instance per node.
 */
public final class TxnComponents implements LiveNode.Components {
  /** Blocked: a participant in doubt for longer than this (as in the simulator's default). */
  static final long BLOCKED_THRESHOLD_NANOS = 1_000_000_000L;

  /** Probe events come from every process's own event-loop thread: one lock for all. */
  private final TxnMetrics metrics = new TxnMetrics(System::nanoTime, BLOCKED_THRESHOLD_NANOS);

  private final TxnProbe probe = synchronizedProbe(metrics, this);
  private volatile dev.txlab.node.live.AdminFaults faults;

  @Override
  public void attach(dev.txlab.node.live.AdminFaults faults) {
    this.faults = faults;
  }

  /**
   * {@code kill coordinator after PHASE}, live: if the admin API armed this node for the phase a
   * coordinator here just reached, the process halts at once — no shutdown hooks, nothing more
   * written or sent — as a SIGKILL at that instant would.
   */
  private void phaseReached(String phase) {
    dev.txlab.node.live.AdminFaults f = faults;
    if (f != null) f.haltIfArmedFor(phase);
  }

  /** The single coordinator's component name (on the first node). */
  public static final String COORDINATOR = "coord";

  /** The simulator's participant tick: closed timestamps, in-doubt checks and prepare resends. */
  public static final long TICK_NANOS_DEFAULT =
      dev.txlab.coordinator.protocol.LiveOptions.TICK_NANOS_DEFAULT;

  private final String protocol;
  private final TxnKnobs knobs;
  private final int lanes;
  private final long tickNanos;

  public TxnComponents(TxnKnobs knobs, int lanes) {
    this(knobs, lanes, TICK_NANOS_DEFAULT);
  }

  /**
   * @param tickNanos the participants' tick; each tick a shard leader replicates a closed
   *     timestamp, so on a live host (where every replicated entry costs an fsync) a longer tick
   *     trades snapshot-read wait for idle disk and CPU
   */
  public TxnComponents(TxnKnobs knobs, int lanes, long tickNanos) {
    this(knobs.replicatedCoordinator() ? "spanner" : "classic", knobs, lanes, tickNanos);
  }

  /** The components of the named protocol (shown on status pages) with these knobs. */
  public TxnComponents(String protocol, TxnKnobs knobs, int lanes, long tickNanos) {
    this.protocol = protocol;
    if (knobs == null || lanes < 1 || tickNanos < 1_000_000L)
      throw new IllegalArgumentException("need knobs, lanes >= 1, a tick >= 1 ms");
    this.knobs = knobs;
    this.lanes = lanes;
    this.tickNanos = tickNanos;
  }

  /**
   * Where the single coordinator runs in a cluster of {@code config.nodes()}, or null when
   * replicated.
   */
  public Address singleCoordinator(LiveNode.Config config) {
    return knobs.replicatedCoordinator() ? null : Address.of(config.nodes().get(0), COORDINATOR);
  }

  @Override
  public List<Class<?>> codecClasses() {
    return TxnCodecTable.classes();
  }

  @Override
  public ProcessFactory replica(LiveNode.Config config, ShardId shard, List<Address> members) {
    TxnShardReplica.Config rc =
        new TxnShardReplica.Config(
            shard,
            config.raft(members),
            config.shardMap(),
            knobs,
            singleCoordinator(config),
            256,
            tickNanos,
            Math.max(300_000_000L, 10 * tickNanos));
    return env -> new TxnShardReplica(env, rc, probe);
  }

  @Override
  public LiveNode.Extras extras(LiveNode.Config config, LiveNode.Injector injector) {
    Map<String, ProcessFactory> processes = new LinkedHashMap<>();
    Address single = singleCoordinator(config);
    if (single != null && single.node().equals(config.node())) {
      processes.put(
          COORDINATOR, env -> new SingleCoordinator(env, config.shardMap(), knobs, probe));
    }
    TxnGateway gateway = new TxnGateway(injector, lanes);
    TxnClient.Config client = TxnClient.Config.defaults(config.shardMap(), knobs, single, 0);
    for (int i = 0; i < lanes; i++) {
      int lane = i;
      processes.put(TxnGateway.component(i), env -> new TxnLane(env, lane, client, gateway));
    }
    return new LiveNode.Extras(processes, List.of(new TxnRoute(gateway)));
  }

  @Override
  public RaftReplica raftOf(Process process) {
    return process instanceof TxnShardReplica r ? r.raft() : null;
  }

  @Override
  public boolean servesSingleKey() {
    return false;
  }

  /**
   * The protocol metrics of this node's replicas and coordinator since the process started, as the
   * simulator's {@link TxnMetrics} computes them (durations on this machine's monotonic clock;
   * "blocked" = in doubt for over a second). Each replica reports what it applied, so a
   * cluster-wide figure is the maximum over the nodes; a killed node's figures die with it.
   */
  @Override
  public Map<String, Object> metrics() {
    synchronized (metrics) {
      return new TreeMap<>(metrics.summary());
    }
  }

  @Override
  public Map<String, String> describe() {
    TreeMap<String, String> d = new TreeMap<>(knobs.knobs());
    d.put("protocol", protocol);
    d.put("lanes", Integer.toString(lanes));
    d.put("tick", tickNanos / 1_000_000 + "ms");
    return d;
  }

  private static TxnProbe synchronizedProbe(TxnMetrics m, TxnComponents owner) {
    return new TxnProbe() {
      @Override
      public void coordinatorPrepared(Address coordinator, dev.txlab.coordinator.txn.TxnId txn) {
        owner.phaseReached("prepare");
      }

      @Override
      public void lockGranted(ShardId shard, dev.txlab.coordinator.txn.TxnId txn) {
        synchronized (m) {
          m.lockGranted(shard, txn);
        }
      }

      @Override
      public void participantPrepared(
          ShardId shard, dev.txlab.coordinator.txn.TxnId txn, long prepareTs) {
        synchronized (m) {
          m.participantPrepared(shard, txn, prepareTs);
        }
      }

      @Override
      public void participantDecided(
          ShardId shard,
          dev.txlab.coordinator.txn.TxnId txn,
          dev.txlab.coordinator.txn.TxnDecision decision,
          long commitTs) {
        synchronized (m) {
          m.participantDecided(shard, txn, decision, commitTs);
        }
      }

      @Override
      public void coordinatorDecided(
          Address coordinator,
          dev.txlab.coordinator.txn.TxnId txn,
          dev.txlab.coordinator.txn.TxnDecision decision,
          long commitTs) {
        synchronized (m) {
          m.coordinatorDecided(coordinator, txn, decision, commitTs);
        }
        owner.phaseReached("decide");
      }

      @Override
      public void commitWaited(
          Address coordinator, dev.txlab.coordinator.txn.TxnId txn, long waitNanos) {
        synchronized (m) {
          m.commitWaited(coordinator, txn, waitNanos);
        }
      }
    };
  }
}
