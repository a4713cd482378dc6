package dev.txlab.node.live;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ReadMode;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.kv.ShardReplica;
import dev.txlab.node.raft.RaftConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One physical node of a live cluster, assembled: a Vert.x instance, a disk thread, a JGroups
 * transport and a {@link VertxHost} running this node's shard replicas as the {@link ShardMap}
 * places them. This is what {@code txlab cluster start} launches once per node (in its own OS
 * process, through {@link #main}), and what in-process tests build directly.
 *
 * <pre>{@code
 * LiveNode.Config c = LiveNode.Config.loopback(NodeId.of("n1"), List.of(n1, n2, n3), List.of(7800, 7801, 7802),
 *     1, 3, Path.of(".txlab/cluster"));
 * try (LiveNode node = LiveNode.start(c)) { ... node.host(), node.faults(), node.clock() ... }
 * }</pre>
 */
public final class LiveNode implements AutoCloseable {
  /**
   * @param nodes every node of the cluster, in shard-map order
   * @param ports each node's JGroups TCP port, aligned with {@code nodes}
   * @param dir the cluster directory; this node's data is under {@code dir/<node>}
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
      long trueTimeEpsilonNanos) {
    public Config {
      nodes = List.copyOf(nodes);
      ports = List.copyOf(ports);
      if (node == null || bindAddress == null || dir == null || fsync == null || reads == null) {
        throw new IllegalArgumentException("incomplete live node config");
      }
      if (!nodes.contains(node)) throw new IllegalArgumentException(node + " is not among the nodes " + nodes);
      if (ports.size() != nodes.size()) throw new IllegalArgumentException("need one port per node: " + nodes + " vs " + ports);
      new ShardMap(nodes, shards, replicas); // validates the shape
    }

    public static Config loopback(NodeId node, List<NodeId> nodes, List<Integer> ports, int shards, int replicas, Path dir) {
      return new Config(node, nodes, InetAddress.getLoopbackAddress(), ports, shards, replicas, dir,
          seedFor(node), FileStorage.Fsync.ALWAYS, ReadMode.READINDEX, 1_000_000L);
    }

    public ShardMap shardMap() {
      return new ShardMap(nodes, shards, replicas);
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

  /** The JGroups cluster name of a set of nodes; clients joining from elsewhere use it too. */
  public static String clusterName(List<NodeId> nodes) {
    return "txlab-" + String.join("-", nodes.stream().map(NodeId::name).toList());
  }

  private static long seedFor(NodeId node) {
    // A fresh seed per start unless one is given: it is logged by the host, so a run can be
    // related to it; live runs are not replayable anyway.
    return System.nanoTime() ^ ((long) node.name().hashCode() << 32);
  }

  private final Config config;
  private final Vertx vertx;
  private final GroupCommitter disk;
  private final JGroupsTransport transport;
  private final VertxHost host;

  private LiveNode(Config config, Vertx vertx, GroupCommitter disk, JGroupsTransport transport, VertxHost host) {
    this.config = config;
    this.vertx = vertx;
    this.disk = disk;
    this.transport = transport;
    this.host = host;
  }

  /** Joins the cluster and starts this node's replicas from their files; blocks until they run. */
  public static LiveNode start(Config config) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors())));
    GroupCommitter disk = new GroupCommitter("txlab-disk-" + config.node());
    JGroupsTransport transport = null;
    try {
      List<InetSocketAddress> hosts = new ArrayList<>();
      for (int p : config.ports()) hosts.add(new InetSocketAddress(config.bindAddress(), p));
      transport = new JGroupsTransport(
          new JGroupsTransport.Config(config.node(), clusterName(config.nodes()),
              config.bindAddress(), config.ports().get(config.nodes().indexOf(config.node())), hosts, config.seed()),
          NodeCodecTable.codec());
      VertxHost host = new VertxHost(vertx,
          VertxHost.Config.defaults(config.node(), config.dir().resolve(config.node().name()), config.seed())
              .withEpsilonNanos(config.trueTimeEpsilonNanos())
              .withStorage(FileStorage.Options.defaults().withFsync(config.fsync())),
          transport, disk);
      for (ShardId shard : config.hostedShards()) {
        List<Address> members = config.shardMap().replicasOf(shard);
        ShardReplica.Config rc = new ShardReplica.Config(
            shard, RaftConfig.defaults(members).withFsync(config.fsync() == FileStorage.Fsync.ALWAYS), config.reads(), 8);
        host.add(shard.component(), env -> new ShardReplica(env, rc)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      return new LiveNode(config, vertx, disk, transport, host);
    } catch (Exception e) {
      if (transport != null) transport.close();
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

  public JGroupsTransport transport() {
    return transport;
  }

  /**
   * Serves the single-key HTTP API on {@code bindHost:port} (0 = any free port), backed by a
   * gateway process on this node. Blocks until listening.
   */
  public KvHttpApi startHttp(String bindHost, int port) throws Exception {
    return KvHttpApi.start(vertx, host, transport, config.shardMap(), bindHost, port)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The link faults of this node's stack (partition, loss, delay, duplication). */
  public LinkFaults faults() {
    return transport.faults();
  }

  /** This node's clock (clock-skew faults). */
  public LiveClock clock() {
    return host.clock();
  }

  /** Stops like a crash: processes dropped, files left as they are, then the transport and threads. */
  @Override
  public void close() {
    host.close();
    disk.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.getLogger("txlab.live").log(System.Logger.Level.WARNING, "vert.x did not close in 10 s: " + e);
    }
  }

  /**
   * {@code java … dev.txlab.node.live.LiveNode --node n1 --nodes n1,n2,n3 --ports 7800,7801,7802
   * [--shards 1] [--replicas 3] [--dir DIR] [--seed N] [--fsync always|never] [--reads readindex]
   * [--bind 127.0.0.1] [--http-port P]}: runs one node until killed. Prints {@code ready NODE …
   * [http PORT]} on stdout once its replicas run (and its HTTP API listens, with {@code
   * --http-port}; 0 picks a free port). Bad arguments exit with status 2 and a message naming the flag.
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) usage("expected --flag value, got '" + args[i] + "'");
      flags.put(args[i].substring(2), args[++i]);
    }
    Config config;
    try {
      NodeId node = NodeId.of(required(flags, "node"));
      List<NodeId> nodes = List.of(required(flags, "nodes").split(",")).stream().map(NodeId::of).toList();
      List<Integer> ports = List.of(required(flags, "ports").split(",")).stream().map(Integer::parseInt).toList();
      if (Integer.parseInt(flags.getOrDefault("http-port", "-1")) > 65535) throw new IllegalArgumentException("--http-port out of range");
      config = new Config(
          node, nodes, InetAddress.getByName(flags.getOrDefault("bind", "127.0.0.1")), ports,
          Integer.parseInt(flags.getOrDefault("shards", "1")), Integer.parseInt(flags.getOrDefault("replicas", String.valueOf(Math.min(3, nodes.size())))),
          Path.of(flags.getOrDefault("dir", ".txlab/cluster")),
          flags.containsKey("seed") ? Long.parseLong(flags.get("seed")) : seedFor(node),
          FileStorage.Fsync.valueOf(flags.getOrDefault("fsync", "always").toUpperCase(java.util.Locale.ROOT)),
          ReadMode.parse(flags.getOrDefault("reads", "readindex")),
          1_000_000L);
    } catch (IllegalArgumentException | java.net.UnknownHostException e) {
      usage(e.getMessage());
      return;
    }
    LiveNode node = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "txlab-shutdown"));
    int httpPort = Integer.parseInt(flags.getOrDefault("http-port", "-1"));
    String http = "";
    if (httpPort >= 0) http = " http " + node.startHttp(flags.getOrDefault("bind", "127.0.0.1"), httpPort).port();
    System.out.println("ready " + config.node() + " shards " + config.hostedShards() + " seed " + config.seed() + http);
    System.out.flush();
    Thread.currentThread().join();
  }

  private static String required(Map<String, String> flags, String name) {
    String v = flags.get(name);
    if (v == null) throw new IllegalArgumentException("missing --" + name);
    return v;
  }

  private static void usage(String problem) {
    System.err.println("txlab live node: " + problem);
    System.err.println("usage: LiveNode --node n1 --nodes n1,n2,n3 --ports 7800,7801,7802 [--shards 1] [--replicas 3] [--dir DIR] [--seed N] [--fsync always|never] [--reads readindex|lease|local|follower] [--bind ADDR] [--http-port P]");
    System.exit(2);
  }
}
