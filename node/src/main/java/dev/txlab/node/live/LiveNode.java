package dev.txlab.node.live;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ProcessFactory;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ReadMode;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.kv.ShardReplica;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftReplica;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One physical node of a live cluster, assembled: a Vert.x instance, a disk thread, a TCP transport
 * ({@link NetTransport}) and a {@link VertxHost} running this node's shard replicas as the {@link
 * ShardMap} places them. This is what {@code txlab cluster start} launches once per node (in its
 * own OS process, through {@link #main}), and what in-process tests build directly.
 *
 * <p>What runs on the node is a plug-in, {@link Components}: the process of each hosted shard
 * replica, any node-level processes, the extra classes the codec needs, and the endpoint behind
 * {@code POST /txn}. The default, {@link Components#kv()}, hosts the plain KV {@link
 * ShardReplica}s; the coordinator module plugs in transactional shards without seeing Vert.x.
 *
 * <pre>{@code
 * LiveNode.Config c = LiveNode.Config.loopback(NodeId.of("n1"), List.of(n1, n2, n3), List.of(7800, 7801, 7802),
 *     1, 3, Path.of(".txlab/cluster"));
 * try (LiveNode node = LiveNode.start(c)) { ... node.host(), node.faults(), node.clock() ... }
 * }</pre>
 */
public final class LiveNode implements AutoCloseable {
  /**
   * How many applied entries a live replica keeps in its log before it snapshots its state machine.
   * Taking a snapshot copies and encodes the whole state on the replica's thread and writes it to
   * the log file, which stalls the requests in flight behind it; the simulator's default of 1,000
   * made that a stall every 1.5 s at one client. Measured (issue 19; 3-node raft-kv, 1,000 keys, a
   * Python closed-loop client, 12,000 puts, two alternated pairs): requests over 5 ms fell from
   * 172/189 at 1,000 to 116/71 at 20,000; at 64 clients (wrk, 8 s, two pairs) p99 fell from
   * 26.6/24.0 ms at 1,000 to 21.4/20.6 ms at 10,000 and throughput rose from 5,646/6,644 to
   * 6,908/6,789 ops/s. At 10,000 the log a replica holds in memory is a few MB of 100-byte writes.
   * (etcd snapshots every 100,000 entries by default, but its snapshot is its database file.)
   */
  public static final long SNAPSHOT_EVERY_ENTRIES = 10_000;

  /**
   * The node's Vert.x event loops: one. Its HTTP server, its gateway and every process it hosts
   * then share one thread, and so do its links to other nodes ({@link NetTransport}): a request
   * crosses no thread between them, and the disk thread is the only hand-off left. Measured (issue
   * 19; 3-node raft-kv on this 2-core machine, wrk, 8 s per point, two alternated pairs against one
   * loop per core): puts at 16 clients 3,706/3,416 vs 2,717/3,206 ops/s (p99 17.6/22.1 vs 30.8/25.4
   * ms), at 64 clients 6,809/6,032 vs 5,021/5,495, linearizable gets at 16 clients 10,563/9,678 vs
   * 7,086/7,829.
   */
  public static final int EVENT_LOOPS = 1;

  /**
   * The event loop on Netty's native epoll transport where it loads (Linux x86-64; elsewhere Java
   * NIO). NIO's selector cannot wait less than a millisecond, so Netty polls without blocking in
   * the last half millisecond before each scheduled timer; epoll arms a timer descriptor instead.
   * Measured (issue 19; 3-node raft-kv, wrk, 8 s per point, two alternated pairs against NIO, after
   * the gateway's retry sweep): puts at 1 client 987/977 vs 950/924 ops/s, at 16 clients
   * 6,110/6,428 vs 6,075/6,124, linearizable gets at 16 clients 16,378/16,374 vs 15,480/15,583.
   */
  static final boolean PREFER_NATIVE_TRANSPORT = true;

  /**
   * How many versions of a key a live single-key replica keeps: one. Its HTTP API reads only the
   * latest value, so older versions served nothing, yet every one of them was state the young
   * collections copied and every snapshot copied and encoded. Measured (issue 19; 3-node raft-kv,
   * wrk puts, 8 s per point, two alternated pairs against the 8 kept before, -Xlog:gc): the
   * leader's young pauses averaged 10.9/13.4 ms against 17.1/15.2; puts at 16 clients had a p99 of
   * 14.7/20.8 ms against 32.3/27.7, and at 64 clients ran at 7,115/5,937 ops/s against 6,292/5,703.
   */
  public static final int KV_VERSIONS_PER_KEY = 1;

  /**
   * @param nodes every node of the cluster, in shard-map order
   * @param ports each node's peer port (node-to-node TCP), aligned with {@code nodes}
   * @param dir the cluster directory; this node's data is under {@code dir/<node>}
   * @param hosts each node's address, aligned with {@code nodes} (a static host list, for clusters
   *     across machines); by default every node at {@code bindAddress}
   */
  public record Config(
      NodeId node,
      List<NodeId> nodes,
      InetAddress bindAddress,
      List<Integer> ports,
      int shards,
      int replicas,
      Path dir,
      long seed,
      FileStorage.Fsync fsync,
      ReadMode reads,
      long trueTimeEpsilonNanos,
      List<InetAddress> hosts) {
    public Config {
      nodes = List.copyOf(nodes);
      ports = List.copyOf(ports);
      if (hosts == null || hosts.isEmpty())
        hosts = java.util.Collections.nCopies(nodes.size(), bindAddress);
      hosts = List.copyOf(hosts);
      if (hosts.size() != nodes.size())
        throw new IllegalArgumentException("need one host per node: " + nodes + " vs " + hosts);
      if (node == null || bindAddress == null || dir == null || fsync == null || reads == null) {
        throw new IllegalArgumentException("incomplete live node config");
      }
      if (!nodes.contains(node))
        throw new IllegalArgumentException(node + " is not among the nodes " + nodes);
      if (ports.size() != nodes.size())
        throw new IllegalArgumentException("need one port per node: " + nodes + " vs " + ports);
      new ShardMap(nodes, shards, replicas); // validates the shape
    }

    /** Every node at {@code bindAddress} (one machine). */
    public Config(
        NodeId node,
        List<NodeId> nodes,
        InetAddress bindAddress,
        List<Integer> ports,
        int shards,
        int replicas,
        Path dir,
        long seed,
        FileStorage.Fsync fsync,
        ReadMode reads,
        long trueTimeEpsilonNanos) {
      this(
          node,
          nodes,
          bindAddress,
          ports,
          shards,
          replicas,
          dir,
          seed,
          fsync,
          reads,
          trueTimeEpsilonNanos,
          List.of());
    }

    public static Config loopback(
        NodeId node, List<NodeId> nodes, List<Integer> ports, int shards, int replicas, Path dir) {
      return new Config(
          node,
          nodes,
          InetAddress.getLoopbackAddress(),
          ports,
          shards,
          replicas,
          dir,
          seedFor(node),
          FileStorage.Fsync.ALWAYS,
          ReadMode.READINDEX,
          1_000_000L);
    }

    public ShardMap shardMap() {
      return new ShardMap(nodes, shards, replicas);
    }

    /**
     * The Raft settings of every replica group this node hosts: the defaults, with this node's
     * fsync, and a snapshot every {@link #SNAPSHOT_EVERY_ENTRIES} applied entries.
     */
    public RaftConfig raft(List<Address> members) {
      return RaftConfig.defaults(members)
          .withFsync(fsync == FileStorage.Fsync.ALWAYS)
          .withSnapshotThresholdEntries(SNAPSHOT_EVERY_ENTRIES);
    }

    /** The shards this node hosts a replica of. */
    public List<ShardId> hostedShards() {
      List<ShardId> out = new ArrayList<>();
      for (ShardId s : shardMap().allShards()) {
        if (shardMap().replicasOf(s).contains(Address.of(node, s.component()))) out.add(s);
      }
      return out;
    }
  }

  /**
   * The cluster name of a set of nodes, which a link's hello must name; clients joining from
   * elsewhere use it too.
   */
  public static String clusterName(List<NodeId> nodes) {
    return "txlab-" + String.join("-", nodes.stream().map(NodeId::name).toList());
  }

  private static long seedFor(NodeId node) {
    // A fresh seed per start unless one is given: it is logged by the host, so a run can be
    // related to it; live runs are not replayable anyway.
    return System.nanoTime() ^ ((long) node.name().hashCode() << 32);
  }

  /**
   * What a live node runs. One instance serves one node (it may keep the state its processes and
   * its endpoint share). Implementations outside {@code node.live} see no Vert.x type.
   */
  public interface Components {
    /**
     * Classes appended to {@link NodeCodecTable}'s for the wire and the disk (messages, commands,
     * snapshots).
     */
    default List<Class<?>> codecClasses() {
      return List.of();
    }

    /** The process of this node's replica of {@code shard}, whose Raft group is {@code members}. */
    ProcessFactory replica(Config config, ShardId shard, List<Address> members);

    /**
     * Node-level processes and the transaction endpoint; called once, after the replicas started.
     */
    default Extras extras(Config config, Injector injector) {
      return Extras.NONE;
    }

    /** The Raft replica inside a process this plug-in built (null if none): for status pages. */
    default RaftReplica raftOf(Process process) {
      return process instanceof ShardReplica r ? r.raft() : null;
    }

    /**
     * For a protocol without Raft: whether this process of a shard is the one that serves it (the
     * status page names its node as the shard's leader, so tools that wait for leaders, or aim
     * faults at them, work alike).
     */
    default boolean servesShard(Process process) {
      return false;
    }

    /** Whether the single-key API ({@code /kv}) applies to these replicas. */
    default boolean servesSingleKey() {
      return true;
    }

    /**
     * Protocol metrics measured inside this node since it started (counters and durations by
     * snake_case name), for status pages; empty if the plug-in measures none. Called from the HTTP
     * thread: implementations must be thread-safe.
     */
    default Map<String, Object> metrics() {
      return Map.of();
    }

    /**
     * Called once the node's admin faults exist, for plug-ins that act on phase-triggered kills.
     */
    default void attach(AdminFaults faults) {}

    /**
     * What a process of this plug-in tells about its state when the run ends, for the protocol's
     * own checks ({@code GET /admin/probe}): an immutable value the node's codec encodes (so any of
     * {@link #codecClasses}), read on the process's own thread; null for a process with nothing to
     * tell (the default).
     */
    default Object probe(Process process) {
      return null;
    }

    /**
     * Node-level components that are replicas of a Raft group of the plug-in's own beside the
     * shards (an orchestrator's log), by component name; the status page reports their roles under
     * {@code groups} as it reports the shards'. None by default.
     */
    default List<String> groups(Config config) {
      return List.of();
    }

    /** What this node runs, for status pages (protocol, knobs). */
    default Map<String, String> describe() {
      return Map.of("protocol", "kv");
    }

    /**
     * Plain KV shard replicas (the default), keeping {@link #KV_VERSIONS_PER_KEY} versions of each
     * key.
     */
    static Components kv() {
      return (config, shard, members) -> {
        ShardReplica.Config rc =
            new ShardReplica.Config(
                shard, config.raft(members), config.reads(), KV_VERSIONS_PER_KEY);
        return env -> new ShardReplica(env, rc);
      };
    }
  }

  /** Hands a message from outside the cluster to a local process (see {@link VertxHost#inject}). */
  @FunctionalInterface
  public interface Injector {
    boolean inject(String component, Message message);
  }

  /**
   * @param processes node-level processes by component name, started in this order
   * @param routes the public API's routes the plug-in answers (the transaction layer's {@code POST
   *     /txn}), registered by the host beside its own
   */
  public record Extras(Map<String, ProcessFactory> processes, List<JsonRoute> routes) {
    public static final Extras NONE = new Extras(Map.of(), List.of());

    public Extras {
      processes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(processes));
      routes = List.copyOf(routes);
    }
  }

  private final Config config;
  private final Components components;
  private final Extras extras;
  private final Vertx vertx;
  private final GroupCommitter disk;
  private final NetTransport transport;
  private final VertxHost host;
  private final AdminFaults adminFaults;
  private final RecordCodec codec;

  private LiveNode(
      Config config,
      Components components,
      Extras extras,
      Vertx vertx,
      GroupCommitter disk,
      NetTransport transport,
      VertxHost host,
      RecordCodec codec) {
    this.codec = codec;
    this.config = config;
    this.components = components;
    this.extras = extras;
    this.vertx = vertx;
    this.disk = disk;
    this.transport = transport;
    this.host = host;
    this.adminFaults =
        new AdminFaults(config.node(), config.nodes(), transport.faults(), host.clock());
    components.attach(adminFaults);
    this.roleWatch =
        vertx.setPeriodic(
            ROLE_WATCH_MILLIS,
            id ->
                roles()
                    .onSuccess(
                        r -> {
                          logRoles(r.getJsonObject("shards"));
                          logRoles(r.getJsonObject("groups"));
                        }));
  }

  /** How often the node looks at its replicas' roles, to log each change. */
  static final long ROLE_WATCH_MILLIS = 100;

  private static final System.Logger NODE_LOG = System.getLogger("txlab.live");
  private final long roleWatch;
  private final java.util.HashMap<String, String> lastRoles = new java.util.HashMap<>();

  /**
   * Logs each hosted shard's role, term and leader when they change (elections, step-downs, a new
   * leader learned): the node's log then tells its story without a debugger.
   */
  private void logRoles(JsonObject shards) {
    synchronized (lastRoles) {
      for (String shard : shards.fieldNames()) {
        JsonObject s = shards.getJsonObject(shard);
        String role = s.getString("role");
        String now =
            role
                + (s.containsKey("term") ? " in term " + s.getValue("term") : "")
                + (s.getValue("leader") == null || "leader".equals(role)
                    ? ""
                    : " (leader " + s.getValue("leader") + ")");
        String before = lastRoles.put(shard, now);
        if (!now.equals(before)) {
          NODE_LOG.log(
              System.Logger.Level.INFO,
              config.node() + "/" + shard + ": " + (before == null ? "" : before + " → ") + now);
        }
      }
    }
  }

  /**
   * Joins the cluster and starts this node's KV replicas from their files; blocks until they run.
   */
  public static LiveNode start(Config config) throws Exception {
    return start(config, Components.kv());
  }

  /**
   * Joins the cluster and starts what {@code components} says from its files; blocks until it runs.
   */
  public static LiveNode start(Config config, Components components) throws Exception {
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(EVENT_LOOPS)
                .setPreferNativeTransport(PREFER_NATIVE_TRANSPORT));
    NODE_LOG.log(
        System.Logger.Level.INFO,
        vertx.isNativeTransportEnabled()
            ? "node " + config.node() + ": Netty's native epoll transport"
            : "node "
                + config.node()
                + ": Java NIO transport (native epoll unavailable: "
                + vertx.unavailableNativeTransportCause()
                + ")");
    GroupCommitter disk = new GroupCommitter("txlab-disk-" + config.node());
    NetTransport transport = null;
    VertxHost host = null;
    try {
      RecordCodec codec = new RecordCodec(NodeCodecTable.with(components.codecClasses()));
      Map<NodeId, InetSocketAddress> peers = new java.util.TreeMap<>();
      for (int i = 0; i < config.ports().size(); i++) {
        NodeId n = config.nodes().get(i);
        if (!n.equals(config.node()))
          peers.put(n, new InetSocketAddress(config.hosts().get(i), config.ports().get(i)));
      }
      transport =
          new NetTransport(
              vertx,
              new NetTransport.Config(
                  config.node(),
                  clusterName(config.nodes()),
                  config.bindAddress(),
                  config.ports().get(config.nodes().indexOf(config.node())),
                  peers,
                  config.seed()),
              codec);
      host =
          new VertxHost(
              vertx,
              VertxHost.Config.defaults(
                      config.node(), config.dir().resolve(config.node().name()), config.seed())
                  .withEpsilonNanos(config.trueTimeEpsilonNanos())
                  .withStorage(FileStorage.Options.defaults().withFsync(config.fsync()))
                  .withCodec(codec),
              transport,
              disk);
      for (ShardId shard : config.hostedShards()) {
        ProcessFactory f = components.replica(config, shard, config.shardMap().replicasOf(shard));
        host.add(shard.component(), f)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
      }
      VertxHost h = host;
      Extras extras = components.extras(config, h::inject);
      for (Map.Entry<String, ProcessFactory> e : extras.processes().entrySet()) {
        host.add(e.getKey(), e.getValue())
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
      }
      return new LiveNode(config, components, extras, vertx, disk, transport, host, codec);
    } catch (Exception e) {
      if (host != null) host.close();
      else if (transport != null) transport.close();
      disk.close();
      vertx.close();
      throw e;
    }
  }

  public Config config() {
    return config;
  }

  public VertxHost host() {
    return host;
  }

  public NetTransport transport() {
    return transport;
  }

  /**
   * Serves the single-key HTTP API on {@code bindHost:port} (0 = any free port), backed by a
   * gateway process on this node. Blocks until listening.
   */
  public KvHttpApi startHttp(String bindHost, int port) throws Exception {
    KvHttpApi.Options options =
        new KvHttpApi.Options(
            components.servesSingleKey(),
            extras.routes(),
            this::status,
            config.reads().servedByAnyReplica());
    return KvHttpApi.start(vertx, host, transport, config.shardMap(), bindHost, port, options)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /**
   * Serves the admin API on {@code bindHost:port} (0 = any free port), guarded by {@code token}.
   * Blocks until listening.
   */
  public AdminHttpApi startAdmin(String bindHost, int port, String token) throws Exception {
    return AdminHttpApi.start(vertx, bindHost, port, token, adminFaults, this::status, this::probe)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /** The faults in force on this node, as the admin API applies and lists them. */
  public AdminFaults adminFaults() {
    return adminFaults;
  }

  /**
   * This node's status: each hosted shard's Raft role, term, leader, commit index and applied index
   * (read on the replica's own thread), the faults in force, the clock, and what runs here.
   */
  public Future<JsonObject> status() {
    return roles()
        .map(
            byShard ->
                new JsonObject()
                    .put("node", config.node().name())
                    .put("pid", ProcessHandle.current().pid())
                    .put("shards", byShard.getJsonObject("shards"))
                    .put("groups", byShard.getJsonObject("groups"))
                    .put("faults", adminFaults.active())
                    .put("clock_offset_ms", host.clock().offsetNanos() / 1e6)
                    .put("epsilon_ms", host.clock().epsilonNanos() / 1e6)
                    .put(
                        "config",
                        new JsonObject(
                            new java.util.TreeMap<String, Object>(components.describe())))
                    .put(
                        "metrics",
                        new JsonObject(
                            new java.util.TreeMap<String, Object>(components.metrics()))));
  }

  /**
   * The role, term, leader, commit index and applied index of each hosted shard ({@code shards})
   * and of the plug-in's own Raft groups on this node ({@code groups}, {@link Components#groups}),
   * read on each replica's own thread: all the role watch needs, without the status page's metrics.
   */
  private Future<JsonObject> roles() {
    List<String> shards = new ArrayList<>();
    for (ShardId shard : config.hostedShards()) shards.add(shard.component());
    List<String> groups = components.groups(config);
    List<String> all = new ArrayList<>(shards);
    all.addAll(groups);
    List<Future<JsonObject>> each = new ArrayList<>();
    for (String component : all) {
      each.add(
          host.inspect(
              component,
              p -> {
                RaftReplica r = p == null ? null : components.raftOf(p);
                if (r == null && p != null && components.servesShard(p)) {
                  return new JsonObject()
                      .put("role", "leader")
                      .put("term", 0)
                      .put("leader", config.node().name());
                }
                if (r == null) return new JsonObject().put("role", "down");
                return new JsonObject()
                    .put("role", r.role().name().toLowerCase(java.util.Locale.ROOT))
                    .put("term", r.currentTerm())
                    .put("leader", r.leaderId() == null ? null : r.leaderId().node().name())
                    .put("commit_index", r.commitIndex())
                    .put("applied", r.lastApplied());
              }));
    }
    return Future.all(each)
        .map(
            done -> {
              JsonObject byShard = new JsonObject();
              JsonObject byGroup = new JsonObject();
              for (int i = 0; i < all.size(); i++)
                (i < shards.size() ? byShard : byGroup).put(all.get(i), each.get(i).result());
              return new JsonObject().put("shards", byShard).put("groups", byGroup);
            });
  }

  /**
   * What this node's processes tell about their state ({@link Components#probe}), each encoded by
   * the node's codec and base64'd, by component: {@code {"node":"n1","probes":{"shard-0":"…"}}}.
   * Read on each process's own thread.
   */
  public Future<JsonObject> probe() {
    List<String> all = new ArrayList<>();
    for (ShardId shard : config.hostedShards()) all.add(shard.component());
    all.addAll(extras.processes().keySet());
    List<Future<String>> each = new ArrayList<>();
    for (String component : all) {
      each.add(
          host.inspect(
              component,
              p -> {
                Object v = p == null ? null : components.probe(p);
                return v == null
                    ? null
                    : java.util.Base64.getEncoder().encodeToString(codec.encode(v));
              }));
    }
    return Future.all(each)
        .map(
            done -> {
              JsonObject probes = new JsonObject();
              for (int i = 0; i < all.size(); i++) {
                if (each.get(i).result() != null) probes.put(all.get(i), each.get(i).result());
              }
              return new JsonObject().put("node", config.node().name()).put("probes", probes);
            });
  }

  /** The link faults of this node's stack (partition, loss, delay, duplication). */
  public LinkFaults faults() {
    return transport.faults();
  }

  /** This node's clock (clock-skew faults). */
  public LiveClock clock() {
    return host.clock();
  }

  /**
   * Stops like a crash: processes dropped, files left as they are, then the transport and threads.
   */
  @Override
  public void close() {
    vertx.cancelTimer(roleWatch);
    host.close();
    disk.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.getLogger("txlab.live")
          .log(System.Logger.Level.WARNING, "vert.x did not close in 10 s: " + e);
    }
  }

  /**
   * With {@code --parent-pid}: a node started for one run ({@code txlab run --host live}) must not
   * outlive it, even when the run is killed with no chance to stop it (SIGKILL): the node checks
   * twice a second that its parent lives, and exits (closing cleanly) when it does not. Nodes of
   * {@code txlab cluster start} get no parent: they run until stopped.
   */
  static void watchParent(long pid, String node) {
    Thread t =
        new Thread(
            () -> {
              while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
              }
              System.err.println(
                  node + ": the run that started this node (pid " + pid + ") is gone; exiting");
              // A clean close if it is quick; if not, end anyway (as a crash would): a node must
              // not outlive its run.
              Thread exit = new Thread(() -> System.exit(0), "txlab-exit");
              exit.start();
              try {
                exit.join(3_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(0);
            },
            "txlab-parent-watch");
    t.setDaemon(true);
    t.start();
  }

  /**
   * A node's command line, parsed: the node's config, where its HTTP APIs listen, and any flags the
   * caller declared for itself ({@code extra}).
   *
   * @param httpPort -1: no HTTP API; 0: any free port
   * @param adminPort -1: no admin API; 0: any free port
   */
  public record Launch(
      Config config,
      String bindHost,
      int httpPort,
      String adminBindHost,
      int adminPort,
      Path adminTokenFile,
      Map<String, String> extra) {}

  /** The flags every live node takes; see {@link #main}. */
  public static final List<String> FLAGS =
      List.of(
          "parent-pid",
          "node",
          "nodes",
          "ports",
          "hosts",
          "shards",
          "replicas",
          "dir",
          "seed",
          "fsync",
          "reads",
          "bind",
          "epsilon-ms",
          "http-port",
          "admin-port",
          "admin-bind",
          "admin-token-file");

  /**
   * Parses {@code args} ({@code --flag value} pairs: {@link #FLAGS} and {@code extraFlags}). Throws
   * {@link IllegalArgumentException} with a message naming the flag.
   */
  public static Launch parseArgs(String[] args, List<String> extraFlags) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--"))
        throw new IllegalArgumentException("expected --flag value, got '" + args[i] + "'");
      String name = args[i].substring(2);
      if (!FLAGS.contains(name) && !extraFlags.contains(name))
        throw new IllegalArgumentException("unknown flag --" + name);
      if (i + 1 >= args.length) throw new IllegalArgumentException("--" + name + " needs a value");
      if (flags.put(name, args[++i]) != null)
        throw new IllegalArgumentException("--" + name + " given twice");
    }
    NodeId node = nodeFlag("node", required(flags, "node"));
    List<NodeId> nodes = new ArrayList<>();
    for (String n : required(flags, "nodes").split(",")) nodes.add(nodeFlag("nodes", n));
    List<Integer> ports = new ArrayList<>();
    for (String p : required(flags, "ports").split(",")) ports.add(intFlag("ports", p, 1, 65535));
    int shards = intFlag("shards", flags.getOrDefault("shards", "1"), 1, 1024);
    int replicas =
        intFlag(
            "replicas",
            flags.getOrDefault("replicas", String.valueOf(Math.min(3, nodes.size()))),
            1,
            nodes.size());
    long seed;
    try {
      seed = flags.containsKey("seed") ? Long.parseLong(flags.get("seed")) : seedFor(node);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--seed must be an integer, not '" + flags.get("seed") + "'");
    }
    String fsync = flags.getOrDefault("fsync", "always");
    if (!fsync.equals("always") && !fsync.equals("never"))
      throw new IllegalArgumentException("--fsync must be always|never, not '" + fsync + "'");
    ReadMode reads;
    try {
      reads = ReadMode.parse(flags.getOrDefault("reads", "readindex"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--reads: " + e.getMessage());
    }
    double epsilonMs;
    try {
      epsilonMs = Double.parseDouble(flags.getOrDefault("epsilon-ms", "1"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--epsilon-ms must be a number of milliseconds, not '" + flags.get("epsilon-ms") + "'");
    }
    if (!(epsilonMs >= 0 && epsilonMs <= 60_000))
      throw new IllegalArgumentException("--epsilon-ms must be in 0..60000");
    String bind = flags.getOrDefault("bind", "127.0.0.1");
    InetAddress bindAddress;
    try {
      bindAddress = InetAddress.getByName(bind);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("--bind: unknown host '" + bind + "'");
    }
    List<InetAddress> hosts = new ArrayList<>();
    if (flags.containsKey("hosts")) {
      for (String h : flags.get("hosts").split(",", -1)) {
        try {
          hosts.add(InetAddress.getByName(h));
        } catch (java.net.UnknownHostException | SecurityException e) {
          throw new IllegalArgumentException("--hosts: unknown host '" + h + "'");
        }
      }
    }
    int httpPort = intFlag("http-port", flags.getOrDefault("http-port", "-1"), -1, 65535);
    int adminPort = intFlag("admin-port", flags.getOrDefault("admin-port", "-1"), -1, 65535);
    Path tokenFile =
        flags.containsKey("admin-token-file") ? Path.of(flags.get("admin-token-file")) : null;
    if (adminPort >= 0 && tokenFile == null)
      throw new IllegalArgumentException("--admin-port needs --admin-token-file");
    Config config;
    try {
      config =
          new Config(
              node,
              nodes,
              bindAddress,
              ports,
              shards,
              replicas,
              Path.of(flags.getOrDefault("dir", ".txlab/cluster")),
              seed,
              FileStorage.Fsync.valueOf(fsync.toUpperCase(java.util.Locale.ROOT)),
              reads,
              Math.round(epsilonMs * 1_000_000),
              hosts);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--node/--nodes/--ports/--hosts/--shards/--replicas: " + e.getMessage());
    }
    Map<String, String> extra = new LinkedHashMap<>();
    for (String f : extraFlags) if (flags.containsKey(f)) extra.put(f, flags.get(f));
    if (flags.containsKey("parent-pid")) {
      try {
        if (Long.parseLong(flags.get("parent-pid")) < 1) throw new NumberFormatException();
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--parent-pid must be a process id, not '" + flags.get("parent-pid") + "'");
      }
      extra.put("parent-pid", flags.get("parent-pid"));
    }
    String adminBind = flags.getOrDefault("admin-bind", "127.0.0.1");
    try {
      InetAddress.getByName(adminBind);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("--admin-bind: unknown host '" + adminBind + "'");
    }
    return new Launch(config, bind, httpPort, adminBind, adminPort, tokenFile, extra);
  }

  /**
   * Starts the node {@code launch} describes with {@code components}, its HTTP and admin APIs,
   * prints {@code ready NODE [http PORT] [admin PORT]} on stdout and runs until the JVM is killed.
   * A token file that cannot be read exits with status 2 before anything starts.
   */
  public static void run(Launch launch, Components components, String usage) throws Exception {
    String token = null;
    if (launch.adminTokenFile() != null) {
      try {
        token = AdminHttpApi.readToken(launch.adminTokenFile());
      } catch (java.io.IOException e) {
        usage(
            usage,
            "--admin-token-file: cannot read a token from "
                + launch.adminTokenFile()
                + ": "
                + e.getMessage());
        return;
      }
    }
    Config config = launch.config();
    LiveNode node;
    try {
      node = start(config, components);
    } catch (Exception e) {
      FileStorage.CorruptStorageException corrupt = corruptCause(e);
      if (corrupt == null) throw e;
      // Damaged durable data: refuse to start, naming the file and offsets, rather than run with a
      // log that may have forgotten what it acknowledged.
      System.err.println(
          "txlab live node " + config.node() + ": cannot start: " + corrupt.getMessage());
      System.err.flush();
      System.exit(EXIT_CORRUPT_STORAGE);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "txlab-shutdown"));
    if (launch.extra().containsKey("parent-pid")) {
      watchParent(Long.parseLong(launch.extra().get("parent-pid")), config.node().toString());
    }
    StringBuilder ready = new StringBuilder("ready " + config.node());
    if (launch.httpPort() >= 0)
      ready.append(" http ").append(node.startHttp(launch.bindHost(), launch.httpPort()).port());
    if (launch.adminPort() >= 0)
      ready
          .append(" admin ")
          .append(node.startAdmin(launch.adminBindHost(), launch.adminPort(), token).port());
    System.err.println(
        "txlab live node "
            + config.node()
            + ": shards "
            + config.hostedShards()
            + " seed "
            + config.seed()
            + " "
            + components.describe());
    System.out.println(ready);
    System.out.flush();
    Thread.currentThread().join();
  }

  /**
   * A node's log as one line per record — {@code 2026-12-04 02:50:44.120 INFO n1/shard-0: …} —
   * unless the launch set a format. Called first thing in a node's main, before anything logs.
   */
  public static void oneLineLogs() {
    String key = "java.util.logging.SimpleFormatter.format";
    if (System.getProperty(key) == null) {
      System.setProperty(key, "%1$tF %1$tT.%1$tL %4$s %5$s%6$s%n");
    }
  }

  /** The exit status of a node whose durable data is damaged (sysexits' EX_IOERR). */
  public static final int EXIT_CORRUPT_STORAGE = 74;

  private static FileStorage.CorruptStorageException corruptCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FileStorage.CorruptStorageException e) return e;
    }
    return null;
  }

  private static final String USAGE =
      "usage: LiveNode --node n1 --nodes n1,n2,n3 --ports 7800,7801,7802 [--hosts h1,h2,h3] [--shards 1] [--replicas 3]"
          + " [--dir DIR] [--seed N] [--fsync always|never] [--reads readindex|lease|local|follower|readindex-any] [--bind ADDR]"
          + " [--epsilon-ms 1] [--http-port P] [--admin-port P --admin-token-file FILE] [--admin-bind 127.0.0.1]";

  /**
   * {@code java … dev.txlab.node.live.LiveNode --node n1 --nodes n1,n2,n3 --ports 7800,7801,7802
   * [--hosts h1,h2,h3] [--shards 1] [--replicas 3] [--dir DIR] [--seed N] [--fsync always|never]
   * [--reads readindex|lease|local|follower|readindex-any] [--bind 127.0.0.1] [--epsilon-ms 1]
   * [--http-port P] [--admin-port P --admin-token-file FILE] [--admin-bind 127.0.0.1]}: (the admin
   * API stays on loopback even when {@code --bind} is another address, unless {@code --admin-bind}
   * says otherwise) runs one KV node until killed. Prints {@code ready NODE [http PORT] [admin
   * PORT]} on stdout once its replicas run and its APIs listen (port 0 picks a free one). Bad
   * arguments exit with status 2 and a message naming the flag. {@code
   * dev.txlab.coordinator.live.LiveTxnNode} is the same for transactional shards.
   */
  public static void main(String[] args) throws Exception {
    oneLineLogs();
    Launch launch;
    try {
      launch = parseArgs(args, List.of());
    } catch (IllegalArgumentException e) {
      usage(USAGE, e.getMessage());
      return;
    }
    run(launch, Components.kv(), USAGE);
  }

  private static String required(Map<String, String> flags, String name) {
    String v = flags.get(name);
    if (v == null) throw new IllegalArgumentException("missing --" + name);
    return v;
  }

  private static int intFlag(String flag, String text, int min, int max) {
    try {
      int v = Integer.parseInt(text.trim());
      if (v < min || v > max)
        throw new IllegalArgumentException(
            "--" + flag + " must be in " + min + ".." + max + ", not " + v);
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + flag + " must be an integer, not '" + text + "'");
    }
  }

  private static NodeId nodeFlag(String flag, String text) {
    try {
      return NodeId.of(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + flag + ": " + e.getMessage());
    }
  }

  /** Prints the problem and the usage on stderr and exits with status 2. */
  public static void usage(String usage, String problem) {
    System.err.println("txlab live node: " + problem);
    System.err.println(usage);
    System.exit(2);
  }
}
