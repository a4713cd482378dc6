package dev.txlab.coordinator.protocol;

import dev.txlab.node.sim.SimConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One design for keeping replicated, sharded data consistent — Spanner-style 2PC, classic 2PC, a
 * Raft key-value store, and those to come — declared in one place: its name, its knobs, the
 * consistency models it promises, the metrics it reports, the invariant monitors it runs, and how
 * it builds its processes on a host. The run pipeline, the scenario reader, the report and the
 * command line know protocols only through this interface and {@link ProtocolRegistry}; adding a
 * design is one package and one registry entry.
 */
public interface Protocol {
  /** What a protocol serves, and so which workloads can run on it. */
  enum Serves {
    /** Multi-key transactions: list-append, rw-register, bank. */
    TRANSACTIONS,
    /** Single-key reads, writes and compare-and-sets: the register workload. */
    SINGLE_KEY
  }

  /**
   * Where, on a live cluster, the coordinator of the next transaction runs (what the {@code
   * coordinator} fault target means there).
   */
  enum LiveCoordinator {
    /** No coordinator to aim at. */
    NONE,
    /** A single coordinator on the cluster's first node. */
    FIRST_NODE,
    /** The leader of the first shard (coordinators are shard leaders). */
    FIRST_SHARD_LEADER,
    /**
     * The leader of the protocol's own Raft group beside the shards (a saga orchestrator's log), as
     * the nodes report it ({@code LiveNode.Components.groups}).
     */
    GROUP_LEADER
  }

  /** An invariant checked after every simulated step, by name, with what it means. */
  record Monitor(String name, String doc) {}

  /** The name scenarios use ({@code protocol: spanner}). */
  String name();

  /** Other names scenarios may use for it. */
  default List<String> aliases() {
    return List.of();
  }

  /** One line for people. */
  String summary();

  /**
   * Whether a scenario that names no protocol runs this one, for the workloads it serves (one
   * protocol per kind of workload says so).
   */
  default boolean isDefault() {
    return false;
  }

  Serves serves();

  /**
   * Whether it runs a timestamp oracle that clients can ask directly: the {@code tso} workload,
   * served through {@link SimProtocolCluster#addKvClient} with {@code KvOp.Timestamp} operations
   * and checked for linearizability as a counter.
   */
  default boolean servesTimestamps() {
    return false;
  }

  /** Its knobs, in the order people read them. */
  List<Knob> knobs();

  /**
   * The consistency models it promises with every knob at its default (Elle's names): the models a
   * scenario on it is checked against unless it says otherwise, and the report's "promises" line.
   */
  List<String> promises();

  /**
   * The knob settings and faults under which it no longer keeps a promise, each with why: what the
   * report names on an anomaly card as able to explain it. None by default (a protocol that
   * declares none has every anomaly reported as unexplained by its settings).
   */
  default List<Weakening> weakenings() {
    return List.of();
  }

  /**
   * Stronger models it does not promise, each with why, in a sentence (empty: nothing to say). A
   * design that stops short of a model on purpose says so here, so nobody mistakes the anomaly for
   * a bug.
   */
  default java.util.Map<String, String> disclaims() {
    return java.util.Map.of();
  }

  /** The metrics it reports, by the names results and expectations use. */
  List<String> metrics();

  /**
   * The names of the checks it performs on its own cluster after a run ({@link ProtocolCheck}),
   * which scenarios may expect beside the history's checks; none by default.
   */
  default List<String> checks() {
    return List.of();
  }

  /**
   * The workloads it can run, by name, or empty for every workload of the kind it {@link #serves}.
   */
  default List<String> workloads() {
    return List.of();
  }

  /**
   * Nodes of its own, beside the servers {@code n1…nN}, that a schedule's faults may name (the
   * migration's {@code old}, {@code cdc} and {@code app}); none by default.
   */
  default List<String> auxiliaryNodes() {
    return List.of();
  }

  /**
   * What is wrong with a cluster of {@code shards} shards for this protocol, in words that say what
   * it needs; empty if nothing (the default: any number).
   */
  default java.util.Optional<String> shardsProblem(int shards) {
    return java.util.Optional.empty();
  }

  /**
   * How many phases a schedule's operator steps may name ({@code phase 1} … {@code phase N}, {@code
   * rollback phase N}); 0 (the default) for a protocol without phases, which refuses them.
   */
  default int phases() {
    return 0;
  }

  /** The invariant monitors it runs on the simulator. */
  List<Monitor> monitors();

  /**
   * Builds the protocol's cluster on the simulator.
   *
   * @param settings every knob's value, as {@link #settings} returns them
   */
  SimProtocolCluster onSimulator(Topology topology, Map<String, String> settings, SimConfig sim);

  /**
   * Whether it runs on the simulator ({@link #onSimulator}). A protocol that is an external system
   * — a real database the live host drives directly — does not: its runs are live only.
   */
  default boolean runsOnSimulator() {
    return true;
  }

  /**
   * Whether live nodes host it ({@code txlab run --host live}, {@code txlab cluster start}): then
   * {@link #onLiveHost} builds what each node runs.
   */
  default boolean runsLive() {
    return false;
  }

  /**
   * The metrics its live nodes measure inside themselves (names, or prefixes ending in {@code _}),
   * read from every node's status when a live run ends; the run reports the maximum over the nodes.
   */
  default List<String> liveNodeMetrics() {
    return List.of();
  }

  /**
   * Its own checks ({@link #checks()}) and the metrics its state shows, computed from what each
   * live node's processes told of their state when the run ended ({@code
   * LiveNode.Components.probe}, read from every node's {@code GET /admin/probe}): by node, by
   * component, the codec's frame of the value. Empty (the default) for a protocol with no checks of
   * its own; a live run then reports none.
   *
   * @param probes node name → component → encoded value; nodes that were down are absent
   */
  default java.util.Optional<LiveAudit> liveAudit(Map<String, Map<String, byte[]>> probes) {
    return java.util.Optional.empty();
  }

  /** Where its coordinator runs on a live cluster. */
  default LiveCoordinator liveCoordinator() {
    return LiveCoordinator.NONE;
  }

  /**
   * What one live node runs for this protocol: its shard processes, its node-level processes and
   * the endpoint behind {@code POST /txn}, its wire classes and metrics. The same processes as on
   * the simulator, hosted by real threads, disks and sockets.
   *
   * @param settings every knob's value, as {@link #settings} returns them
   * @throws UnsupportedOperationException unless {@link #runsLive()}
   */
  default dev.txlab.node.live.LiveNode.Components onLiveHost(
      Map<String, String> settings, LiveOptions options) {
    throw new UnsupportedOperationException(name() + " runs on the simulator only");
  }

  /** The knob called {@code name}, if it has one. */
  default java.util.Optional<Knob> knob(String name) {
    return knobs().stream().filter(k -> k.name().equals(name)).findFirst();
  }

  /**
   * Every knob's value: those given, checked, and the defaults for the rest.
   *
   * @throws IllegalArgumentException naming the knob and its allowed values, or naming this
   *     protocol's knobs when {@code given} has one it does not know
   */
  default TreeMap<String, String> settings(Map<String, String> given) {
    TreeMap<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : given.entrySet()) {
      Knob k =
          knob(e.getKey())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "'"
                              + e.getKey()
                              + "' is not a knob of protocol "
                              + name()
                              + " (its knobs: "
                              + knobNames()
                              + ")"));
      k.problem(e.getValue())
          .ifPresent(
              p -> {
                throw new IllegalArgumentException(p);
              });
      out.put(k.name(), e.getValue());
    }
    for (Knob k : knobs()) {
      out.putIfAbsent(k.name(), k.defaultValue());
    }
    return out;
  }

  /** The knob names, comma-separated (for messages). */
  default String knobNames() {
    List<String> names = new ArrayList<>();
    knobs().forEach(k -> names.add(k.name()));
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
