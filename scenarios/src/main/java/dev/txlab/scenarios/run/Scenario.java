package dev.txlab.scenarios.run;

import dev.txlab.scenarios.workload.WorkloadDriver;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A scenario as read and validated from its script: the cluster's shape and knobs, the network and
 * clocks, the workload, the fault schedule, and what the run is expected to show. Values are final
 * and checked; {@link ScenarioReader} is the only way in.
 *
 * @param name the scenario's name (bundled name or file name)
 * @param description one line, for {@code txlab scenarios list}
 * @param narrative a paragraph: what it demonstrates and the concept behind it
 * @param seed the default seed ({@code --seed} overrides)
 * @param duration simulated time the workload runs with faults active
 * @param converge simulated time after the final heal during which the cluster must make progress
 * @param protocol {@code raft-kv} (the register workload on Raft-replicated shards), or the
 *     transaction protocol: {@code spanner} or {@code 2pc}
 * @param knobs guarantee knobs by their scenario names ({@code reads}, {@code fsync}, …; for
 *     transactions {@code commit-wait}, {@code coordinator}, …)
 * @param consistency the consistency models a transactional history is checked against
 * @param faults the fault schedule, one schedule line each
 * @param expectations what must hold for the run to pass, one expectation each
 * @param placement for each shard in order, the nodes of its replicas (empty: shard {@code s} on
 *     nodes {@code s+1 … s+R}, wrapping)
 */
public record Scenario(
    String name,
    String description,
    String narrative,
    long seed,
    Duration duration,
    Duration converge,
    int nodes,
    int shards,
    int replicas,
    String protocol,
    Map<String, String> knobs,
    List<String> consistency,
    NetworkSpec network,
    ClockSpec clocks,
    WorkloadSpec workload,
    List<String> faults,
    List<Expectation> expectations,
    List<List<String>> placement) {

  public Scenario {
    placement = placement.stream().map(List::copyOf).toList();
  }

  /** A scenario with the default placement (shard {@code s} on nodes {@code s+1 … s+R}). */
  public Scenario(
      String name,
      String description,
      String narrative,
      long seed,
      Duration duration,
      Duration converge,
      int nodes,
      int shards,
      int replicas,
      String protocol,
      Map<String, String> knobs,
      List<String> consistency,
      NetworkSpec network,
      ClockSpec clocks,
      WorkloadSpec workload,
      List<String> faults,
      List<Expectation> expectations) {
    this(
        name,
        description,
        narrative,
        seed,
        duration,
        converge,
        nodes,
        shards,
        replicas,
        protocol,
        knobs,
        consistency,
        network,
        clocks,
        workload,
        faults,
        expectations,
        List.of());
  }

  /** The placement as node ids, for the cluster (empty: the default rotation). */
  public List<List<dev.txlab.node.api.NodeId>> placementNodes() {
    return placement.stream()
        .map(l -> l.stream().map(dev.txlab.node.api.NodeId::of).toList())
        .toList();
  }

  /**
   * The default link behaviour of the simulated network, and where nodes stand.
   *
   * @param regions each region's nodes, in the order written (empty: one place, no wide-area
   *     delay); a client is in the region of the node it is numbered after ({@code c1} with {@code
   *     n1}, … wrapping around)
   * @param regionLatency the one-way latency between two regions, keyed {@code A-B} with {@code A}
   *     before {@code B} in the order the regions are written
   */
  public record NetworkSpec(
      String latency,
      double loss,
      double duplicate,
      double reorder,
      Map<String, List<String>> regions,
      Map<String, String> regionLatency) {
    public NetworkSpec {
      regions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(regions));
      regionLatency =
          java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(regionLatency));
    }

    public NetworkSpec(String latency, double loss, double duplicate, double reorder) {
      this(latency, loss, duplicate, reorder, Map.of(), Map.of());
    }
  }

  /**
   * Honest clocks' bounds: offsets drawn within ± {@code offsetMax}, drift within ± {@code
   * driftPpmMax}; then {@code offsets} places chosen clocks exactly (nanoseconds, local − true):
   * keys are {@code servers}, {@code clients} or a node name, applied in that order so a node name
   * wins. Placed offsets are not faults; beyond ε they make TrueTime lie.
   */
  public record ClockSpec(
      Duration offsetMax, long driftPpmMax, String epsilon, Map<String, Long> offsets) {
    public ClockSpec {
      offsets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(offsets));
    }

    public ClockSpec(Duration offsetMax, long driftPpmMax, String epsilon) {
      this(offsetMax, driftPpmMax, epsilon, Map.of());
    }
  }

  /**
   * The client workload.
   *
   * @param name {@code register}, {@code list-append}, {@code rw-register} or {@code bank}
   * @param clients how many client processes
   * @param rate operations (transactions) per simulated second, all clients together
   * @param keysPerShard register: how many keys of each shard the clients use
   * @param timeout a client gives up on an operation after this long ({@code :info})
   * @param activeKeys transactions: how many keys are in use at a time (Elle's key rotation)
   * @param writesPerKey transactions: a key is retired after this many writes
   * @param txnLengthMax transactions: at most this many micro-ops each
   * @param accounts bank: how many accounts
   * @param initialBalance bank: each account's balance before any transfer
   */
  public record WorkloadSpec(
      String name,
      int clients,
      int rate,
      int keysPerShard,
      Duration timeout,
      int activeKeys,
      int writesPerKey,
      int txnLengthMax,
      int accounts,
      long initialBalance) {
    public WorkloadSpec(
        String name,
        int clients,
        int rate,
        int keysPerShard,
        Duration timeout,
        int activeKeys,
        int writesPerKey,
        int txnLengthMax) {
      this(
          name,
          clients,
          rate,
          keysPerShard,
          timeout,
          activeKeys,
          writesPerKey,
          txnLengthMax,
          8,
          10);
    }

    /** What the workload's driver needs of these settings. */
    public WorkloadDriver.Spec driverSpec() {
      return new WorkloadDriver.Spec(
          name, keysPerShard, activeKeysInUse(), writesPerKey, txnLengthMax, accounts);
    }

    public boolean bank() {
      return driverSpec().bank();
    }

    public boolean transactional() {
      return driverSpec().transactional();
    }

    /** At most this many clients share one active key: more clients get more keys. */
    public static final int CLIENTS_PER_ACTIVE_KEY = 4;

    /**
     * The active keys the generator rotates through: {@code activeKeys}, or more when there are
     * many clients — as Jepsen's generators grow the key space with concurrency — so adding clients
     * adds load rather than only contention on the same few keys.
     */
    public int activeKeysInUse() {
      return Math.max(activeKeys, (clients + CLIENTS_PER_ACTIVE_KEY - 1) / CLIENTS_PER_ACTIVE_KEY);
    }
  }

  public boolean transactional() {
    return workload.transactional();
  }
}
