package dev.txlab.coordinator.protocol;

import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvWorkload;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.raft.RaftReplica;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A protocol's cluster built on the simulator, as the run pipeline drives it: the pipeline adds
 * clients, points the nemesis at it, runs the simulator, and reads back the protocol's metrics and
 * what its monitors found. Every method is about the cluster as a whole; what runs inside — which
 * processes, which messages — is the protocol's own business.
 */
public interface SimProtocolCluster {
  /** The simulated world (clock, network, event queue) the cluster lives in. */
  Simulator sim();

  /** Crashes, partitions, clocks: what the nemesis acts through. */
  SimControl control();

  /** The settings the simulator was built with (its default link and ε model, for the nemesis). */
  SimConfig simConfig();

  /** The server nodes {@code n1…nN}, in order. */
  List<NodeId> serverNodes();

  /**
   * Every node a fault may hit: the server nodes and any node of the protocol's own (a single
   * coordinator's).
   */
  List<NodeId> faultableNodes();

  /** Where keys live. */
  ShardMap shardMap();

  /** The node whose replica of {@code shard} leads now, if any. */
  Optional<NodeId> leaderOf(String shard);

  /**
   * For Raft-replicated protocols: the node whose replica of {@code shard} leads in the highest
   * term (a deposed leader may not know yet), if any; {@code raftOf} finds a live process's Raft
   * replica, or null.
   */
  static Optional<NodeId> raftLeader(
      Simulator sim, ShardMap map, String shard, Function<Process, RaftReplica> raftOf) {
    long bestTerm = -1;
    NodeId best = null;
    for (ShardId s : map.allShards()) {
      if (!s.component().equals(shard)) continue;
      for (Address a : map.replicasOf(s)) {
        Process p = sim.process(a);
        RaftReplica r = p == null ? null : raftOf.apply(p);
        if (r != null && r.isLeader() && r.currentTerm() > bestTerm) {
          bestTerm = r.currentTerm();
          best = a.node();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The node of the coordinator a role target {@code coordinator} names, if the protocol has a
   * fixed one.
   */
  Optional<NodeId> coordinatorNode();

  /**
   * Adds a transaction client ({@code cN/client}, numbered in order); only for protocols that serve
   * transactions.
   */
  default Address addTxnClient(
      Supplier<TxnWorkload> workload, TxnObserver observer, long thinkNanosMean) {
    throw new UnsupportedOperationException(
        "this protocol serves single-key operations, not transactions");
  }

  /**
   * Adds a single-key client ({@code cN/client}); only for protocols that serve single-key
   * operations.
   *
   * @param timeoutNanos a client gives up on an operation after this long (an {@code :info})
   */
  default Address addKvClient(
      KvWorkload workload, ClientObserver observer, long thinkNanosMean, long timeoutNanos) {
    throw new UnsupportedOperationException(
        "this protocol serves transactions, not single-key operations");
  }

  /**
   * Calls {@code hook} whenever a coordinator reaches a phase a phase-triggered fault aims at; a
   * protocol without such phases never calls it.
   */
  default void onCoordinatorPhase(BiConsumer<CoordinatorPhase, Address> hook) {}

  /**
   * The protocol's metrics (as {@link Protocol#metrics} names them) and its monitors' counts, read
   * after the run.
   */
  Map<String, Double> metrics();

  /** The protocol's distributions in nanoseconds ({@code commit_wait_ms} …), read after the run. */
  default Map<String, long[]> distributions() {
    return Map.of();
  }

  /**
   * The transactions that waited longest (blocked in doubt, an intent or a lock left behind), told
   * for the report to draw, read after the run; none for a protocol that tells none.
   */
  default List<WaitStory> waitStories() {
    return List.of();
  }

  /**
   * The protocol's own checks of its cluster after the run (declared by {@link Protocol#checks()});
   * none by default.
   */
  default List<ProtocolCheck> protocolChecks() {
    return List.of();
  }

  /**
   * What the protocol found that a person should read, by heading, one line each (bounded by the
   * protocol): the migration's divergent keys and shadow-read mismatches. None by default.
   */
  default Map<String, List<String>> findings() {
    return Map.of();
  }

  /** Quantities the protocol measured over time, for the report's plots; none by default. */
  default List<TimeSeries> timeSeries() {
    return List.of();
  }

  /**
   * The operator's step of a schedule ({@code phase 2}, {@code rollback phase 2}): a protocol with
   * phases (the migration lab) starts it and returns empty; any other returns why it cannot.
   */
  default Optional<String> operatorStep(int phase, boolean rollback) {
    return Optional.of("this protocol has no migration phases");
  }

  /** Raft safety violations its monitors found (always none unless a knob removes a guarantee). */
  List<String> raftViolations();
}
