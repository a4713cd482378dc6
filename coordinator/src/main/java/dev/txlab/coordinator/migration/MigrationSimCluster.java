package dev.txlab.coordinator.migration;

import dev.txlab.coordinator.protocol.ProtocolCheck;
import dev.txlab.coordinator.protocol.SimProtocolCluster;
import dev.txlab.coordinator.protocol.TimeSeries;
import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.coordinator.raftkv.KvSimProtocolCluster;
import dev.txlab.coordinator.raftkv.RaftKvProtocol;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvClient;
import dev.txlab.node.kv.KvWorkload;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.kv.ShardReplica;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The migration lab on the simulator: the new store is the Raft key-value cluster ({@link
 * KvSimProtocolCluster} on {@code n1…nN}, reused as it is), and beside it the old store ({@code
 * old/store}), the change consumer ({@code cdc/consumer}), the router ({@code app/shard-0}: the
 * address the application's clients find in their one-shard map) and the operator ({@code
 * ops/operator}, never faulted). Faults may hit {@code old}, {@code cdc} and {@code app} as well as
 * the servers: {@code kill cdc} stops the consumer, {@code kill app} crashes the application
 * between its writes.
 */
public final class MigrationSimCluster implements SimProtocolCluster {
  public static final NodeId OLD = NodeId.of("old");
  public static final NodeId CDC = NodeId.of("cdc");
  public static final NodeId APP = NodeId.of("app");
  public static final NodeId OPS = NodeId.of("ops");
  public static final Address OLD_STORE = Address.of(OLD, "store");
  public static final Address CONSUMER = Address.of(CDC, "consumer");
  public static final Address OPERATOR = Address.of(OPS, "operator");

  /** How many key ranges the strangler-fig phases move, one per phase. */
  public static final int RANGES = 3;

  /** Rows that exist before the migration begins: only a backfill brings them over. */
  public static final int PRELOADED_ROWS = 240;

  private static final int DIVERGENT_LISTED_MAX = 50;

  /**
   * How often the consumer polls the old store once it has caught up: 200 ms, shorter than
   * Debezium's default of 500 ms, long enough that the lag a cutover must drain is visible.
   */
  static final long CONSUMER_POLL_NANOS = 200_000_000L;

  private final KvSimProtocolCluster store;
  private final Simulator sim;
  private final Strategy strategy;
  private final MigrationMeasurements measurements;
  private final Address router;
  private final ShardMap routerMap;
  private final OldStore.Config oldConfig;
  private int clients;
  private long steps;

  public MigrationSimCluster(Topology t, Map<String, String> settings, SimConfig simConfig) {
    this.store = new KvSimProtocolCluster(t, new RaftKvProtocol().settings(Map.of()), simConfig);
    this.sim = store.sim();
    this.strategy = Strategy.of(settings.get("strategy"));
    this.measurements = new MigrationMeasurements(sim::nowNanos);
    this.routerMap = new ShardMap(List.of(APP), 1, 1);
    this.router = routerMap.replicasOf(routerMap.allShards().get(0)).get(0);
    ShardMap newStore = store.shardMap();
    this.oldConfig =
        new OldStore.Config(
            strategy.stream(), diskCapBytes(settings.get("old-disk-cap")), preloadedRows(), 32);
    MigrationProbe probe = measurements;
    sim.addProcess(OLD_STORE, env -> new OldStore(env, oldConfig, probe));
    ChangeConsumer.Config consumer =
        new ChangeConsumer.Config(
            strategy.stream(),
            OLD_STORE,
            newStore,
            4,
            64,
            CONSUMER_POLL_NANOS,
            20_000_000L,
            500_000_000L,
            true,
            1_000_000_000L,
            16,
            50_000_000L,
            settings.get("backfill-bug").equals("skip-updates"));
    sim.addProcess(CONSUMER, env -> new ChangeConsumer(env, consumer, probe));
    Router.Config rc =
        new Router.Config(
            strategy,
            Integer.parseInt(settings.get("shadow-reads").replace("%", "")),
            settings.get("cutover").equals("drain"),
            RANGES,
            OLD_STORE,
            newStore,
            32,
            1_000_000_000L,
            10_000_000L);
    sim.addProcess(router, env -> new Router(env, rc, probe));
    sim.addProcess(OPERATOR, env -> new MigrationOperator(env, router, 200_000_000L));
  }

  /**
   * The rows the old store holds before the migration: keys {@code 00000…00239}, values 0–4. A
   * leading zero keeps them apart from the register workload's keys (decimal numbers without one)
   * and sorts them between its key {@code 0} and the rest, so the backfill reaches most of the
   * application's keys only after copying these.
   */
  static SortedMap<String, String> preloadedRows() {
    TreeMap<String, String> rows = new TreeMap<>();
    for (int k = 0; k < PRELOADED_ROWS; k++) {
      String key = String.format("0%04d", k);
      rows.put(key, Integer.toString(Math.floorMod(ShardMap.fnv1a32(key), 5)));
    }
    return rows;
  }

  static long diskCapBytes(String text) {
    if (text.endsWith("KiB")) {
      return Long.parseLong(text.substring(0, text.length() - 3)) * 1024;
    }
    if (text.endsWith("MiB")) {
      return Long.parseLong(text.substring(0, text.length() - 3)) * 1024 * 1024;
    }
    throw new IllegalArgumentException("old-disk-cap must be a size like 32KiB, not " + text);
  }

  @Override
  public Simulator sim() {
    return sim;
  }

  @Override
  public SimControl control() {
    return store.control();
  }

  @Override
  public SimConfig simConfig() {
    return store.simConfig();
  }

  @Override
  public List<NodeId> serverNodes() {
    return store.serverNodes();
  }

  @Override
  public List<NodeId> faultableNodes() {
    List<NodeId> out = new ArrayList<>(store.serverNodes());
    out.add(OLD);
    out.add(CDC);
    out.add(APP);
    return out;
  }

  @Override
  public ShardMap shardMap() {
    return store.shardMap();
  }

  @Override
  public Optional<NodeId> leaderOf(String shard) {
    return store.leaderOf(shard);
  }

  @Override
  public Optional<NodeId> coordinatorNode() {
    return Optional.empty();
  }

  /** The application's clients talk to the router, which answers as a one-shard store would. */
  @Override
  public Address addKvClient(
      KvWorkload workload, ClientObserver observer, long thinkNanosMean, long timeoutNanos) {
    clients++;
    Address a = Address.of(NodeId.of("c" + clients), "client");
    KvClient.Config config =
        new KvClient.Config(
            routerMap, thinkNanosMean, Math.min(250_000_000L, timeoutNanos), timeoutNanos, false);
    sim.addProcess(a, env -> new KvClient(env, config, workload, observer));
    return a;
  }

  @Override
  public Optional<String> operatorStep(int phase, boolean rollback) {
    if (phase < 1 || phase > RANGES) {
      return Optional.of("the migration has phases 1–" + RANGES + ", not " + phase);
    }
    steps++;
    sim.inject(OPERATOR, OPERATOR, new MigrationMessage.Step(steps, phase, rollback));
    return Optional.empty();
  }

  /** What the probe measured (for tests). */
  public MigrationMeasurements measurements() {
    return measurements;
  }

  /** The old store, or null while its node is down. */
  public OldStore oldStore() {
    Process p = sim.process(OLD_STORE);
    return p instanceof OldStore o ? o : null;
  }

  /** The router, or null while its node is down. */
  public Router router() {
    Process p = sim.process(router);
    return p instanceof Router r ? r : null;
  }

  /** The change consumer, or null while its node is down. */
  public ChangeConsumer consumer() {
    Process p = sim.process(CONSUMER);
    return p instanceof ChangeConsumer c ? c : null;
  }

  /** The new store's rows as its most advanced live replica of each shard has applied them. */
  public Optional<SortedMap<String, String>> newStoreContents() {
    TreeMap<String, String> out = new TreeMap<>();
    for (ShardId s : store.shardMap().allShards()) {
      ShardReplica best = null;
      for (Address a : store.shardMap().replicasOf(s)) {
        ShardReplica r = store.cluster().replica(a);
        if (r != null
            && (best == null || r.machine().appliedIndex() > best.machine().appliedIndex())) {
          best = r;
        }
      }
      if (best == null) {
        return Optional.empty();
      }
      for (Map.Entry<String, TreeMap<Long, String>> e :
          best.machine().store().image().data().entrySet()) {
        if (!e.getValue().isEmpty() && e.getValue().lastEntry().getValue() != null) {
          out.put(e.getKey(), e.getValue().lastEntry().getValue());
        }
      }
    }
    return Optional.of(out);
  }

  /** The keys whose newest values differ between the stores, each as {@code key: old ≠ new}. */
  public Optional<List<String>> divergentKeys() {
    OldStore old = oldStore();
    Optional<SortedMap<String, String>> fresh = newStoreContents();
    if (old == null || fresh.isEmpty()) {
      return Optional.empty();
    }
    SortedMap<String, String> o = old.contents();
    TreeSet<String> keys = new TreeSet<>(o.keySet());
    keys.addAll(fresh.get().keySet());
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      String a = o.get(k);
      String b = fresh.get().get(k);
      if (!Objects.equals(a, b)) {
        out.add(k + ": old " + (a == null ? "absent" : a) + " ≠ new " + (b == null ? "absent" : b));
      }
    }
    return Optional.of(out);
  }

  @Override
  public Map<String, Double> metrics() {
    Map<String, Double> m = new TreeMap<>();
    m.put("cdc_lag_ms_p99", measurements.lagMsP99());
    m.put("retained_log_bytes_max", (double) measurements.retainedMax());
    m.put("old_store_write_refusals", (double) measurements.refusals());
    m.put("shadow_mismatches", (double) measurements.shadowMismatches());
    m.put("shadow_reads_compared", (double) measurements.shadowReadsCompared());
    m.put("backfill_rows", (double) measurements.backfillRows());
    m.put("duplicates_applied", (double) measurements.duplicates());
    m.put("changes_applied", (double) measurements.changesApplied());
    m.put("changes_reordered", (double) measurements.reordered());
    m.put("phase_switches", (double) measurements.switches().size());
    Optional<List<String>> divergent = divergentKeys();
    m.put("divergent_keys", divergent.isPresent() ? divergent.get().size() : -1.0);
    return m;
  }

  /**
   * Why the migration had not settled when the run ended (empty if it had): the router's unfinished
   * writes and steps, the consumer behind the stream's head, the backfill not done. Stores compared
   * before they settle can differ by what is still on its way.
   */
  public List<String> unsettled() {
    List<String> out = new ArrayList<>();
    Router r = router();
    if (r == null) {
      out.add("the router is down");
    } else {
      out.addAll(r.unfinished());
    }
    OldStore o = oldStore();
    if (o != null && o.streamBacklog() > 0) {
      out.add("the consumer is " + o.streamBacklog() + " positions behind the stream's head");
    }
    if (o != null && !o.backfillDone()) {
      out.add("the backfill is not done");
    }
    return out;
  }

  @Override
  public List<ProtocolCheck> protocolChecks() {
    Optional<List<String>> divergent = divergentKeys();
    if (divergent.isEmpty()) {
      return List.of(
          new ProtocolCheck(
              "stores-agree",
              "unknown",
              List.of(),
              "a store was down at the end of the run: nothing to compare",
              List.of()));
    }
    List<String> keys = divergent.get();
    List<String> listed = keys.subList(0, Math.min(keys.size(), DIVERGENT_LISTED_MAX));
    List<String> unsettled = unsettled();
    if (!keys.isEmpty() && !unsettled.isEmpty()) {
      return List.of(
          new ProtocolCheck(
              "stores-agree",
              "unknown",
              List.of(),
              keys.size()
                  + " keys differed, but the migration had not settled when the run ended ("
                  + String.join("; ", unsettled)
                  + "): a longer converge decides",
              listed));
    }
    return List.of(
        new ProtocolCheck(
            "stores-agree",
            keys.isEmpty() ? "valid" : "invalid",
            keys.isEmpty() ? List.of() : List.of("divergent-keys"),
            keys.isEmpty()
                ? "the old and new stores hold the same rows"
                : keys.size() + " keys differ between the old and new stores",
            listed));
  }

  @Override
  public Map<String, List<String>> findings() {
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    divergentKeys()
        .ifPresent(
            d -> out.put("divergent keys", d.subList(0, Math.min(d.size(), DIVERGENT_LISTED_MAX))));
    List<String> mismatches = new ArrayList<>();
    for (MigrationMeasurements.Mismatch m : measurements.mismatches()) {
      mismatches.add(
          String.format(
              java.util.Locale.ROOT,
              "%.3f s: key %s: old %s, new %s",
              m.atNanos() / 1e9,
              m.key(),
              m.oldValue() == null ? "absent" : m.oldValue(),
              m.newValue() == null ? "absent" : m.newValue()));
    }
    out.put("shadow-read mismatches", mismatches);
    List<String> switches = new ArrayList<>();
    for (MigrationMeasurements.Switch s : measurements.switches()) {
      switches.add(
          String.format(
              java.util.Locale.ROOT,
              "%.3f s: range %d to the %s store, after %.0f ms of drain",
              s.atNanos() / 1e9,
              s.range(),
              s.toNew() ? "new" : "old",
              s.drainNanos() / 1e6));
    }
    out.put("phase switches", switches);
    out.put("unsettled at the end", unsettled());
    return out;
  }

  @Override
  public List<TimeSeries> timeSeries() {
    List<TimeSeries> out = new ArrayList<>(measurements.series());
    List<TimeSeries.Point> phases = new ArrayList<>();
    int onNew = 0;
    for (MigrationMeasurements.Switch s : measurements.switches()) {
      onNew += s.toNew() ? 1 : -1;
      phases.add(new TimeSeries.Point(s.atNanos(), onNew));
    }
    if (!phases.isEmpty()) {
      out.add(new TimeSeries("phases done", "ranges", phases));
    }
    return out;
  }

  @Override
  public List<String> raftViolations() {
    return store.raftViolations();
  }
}
