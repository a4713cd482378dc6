package dev.txlab.scenarios.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.txlab.chaos.fault.ClusterSnapshot;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.ProtocolRegistry;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.ShardMap;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live cluster on this machine: one OS process per node, described by {@code DIR/cluster.json}.
 * This class starts the processes (detached, each with its own data directory and log), finds them
 * again from the file in a later command, and stops, kills, pauses, resumes and relaunches them
 * with real signals.
 *
 * <p>Invariants: a pid is acted on only when the process with that pid started at the moment the
 * file recorded (pids are reused); {@link #stop} returns only once no recorded process is alive; a
 * failed start stops everything it launched.
 */
public final class LiveCluster {
  /** The transactional node's main class, once the node side provides it. */
  public static final String TXN_NODE_MAIN = "dev.txlab.coordinator.live.LiveTxnNode";

  /** The single-key node's main class. */
  public static final String KV_NODE_MAIN = "dev.txlab.node.live.LiveNode";

  private static final Pattern HTTP_PORT = Pattern.compile(" http (\\d+)");
  private static final Pattern ADMIN_PORT = Pattern.compile(" admin (\\d+)");
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  /**
   * What {@code txlab cluster start} asks for.
   *
   * @param protocol {@code spanner} or {@code 2pc} (transactional nodes), or {@code raft-kv}
   * @param javaOptions extra JVM options for each node (heap and GC by default)
   */
  public record StartOptions(
      Path dir,
      int nodes,
      int shards,
      int replicas,
      String protocol,
      String fsync,
      List<String> nodeFlags,
      List<String> javaOptions,
      Duration timeout) {
    public StartOptions {
      nodeFlags = List.copyOf(nodeFlags);
      javaOptions = List.copyOf(javaOptions);
    }

    public static StartOptions defaults(Path dir) {
      return new StartOptions(
          dir,
          5,
          3,
          3,
          ProtocolRegistry.defaultFor(Protocol.Serves.TRANSACTIONS).name(),
          "always",
          List.of(),
          // Chosen by measurement (issue 19; 2-core shared machine, 3 nodes + wrk, alternated runs,
          // 6 s per point starting ~3 s after the nodes start, as wrk_vs_etcd.sh does):
          // - C1 only (TieredStopAtLevel=1): the full tiered JIT was 2-4x slower in those windows
          //   (put16 316/449 vs 1535/1567 ops/s, put64 722/1168 vs 4242/4392, get16 2196/2926 vs
          //   6031/5689, two rounds) — C2's compiler threads compete for the 2 cores. Measured
          //   again once the event loop stopped spinning (KvGateway's retry sweep, native epoll):
          //   after 24 s of wrk load (puts at 16 and 64 clients, gets at 16) C2 is far faster —
          //   puts at 1 client 1,452/1,416 ops/s (p50 0.64 ms; C1 ~950, 0.97 ms), at 64 clients
          //   17,723/17,511 (C1 ~11,200), gets 31,668/29,631 (C1 ~16,000) — with 1-client p99
          //   2.15/2.57 ms and 64-client p99 14.6/19.2 ms. Without that much warm traffic the
          //   leader still compiles through the first point: after `--warmup-reads 20000
          //   --warmup-writes 10000` (31-35 s through this CLI's client) its 1-client p99 was
          //   7.00 and 9.17 ms. C1 stays until a start can warm C2 up that far.
          // - Serial GC: Parallel GC was no better (put16 1060 vs 1272 ops/s in the same round) and
          //   the live set is ~14 MB (young pauses 5-14 ms, longer only when the CPU is starved).
          // - MetaspaceSize=64m: with the default (~21 MB) every node took a "Pause Full (Metadata
          //   GC Threshold)" of 72-118 ms (-Xlog:gc) while serving the first benchmark point; with
          //   it, none (0 full GCs on 12 node runs).
          // - AlwaysPreTouch: the first young GCs of a fresh heap page-fault their survivor and old
          //   spaces: 40-363 ms (mostly 90-230) without it, 15-72 ms (mostly ~20) with it, over 6
          //   node runs each (-Xlog:gc), landing in the first point's p99. Costs the whole heap
          //   touched at start.
          // - Tried and not taken (issue 19, same harness, two or more alternated pairs each, the
          //   machine quiet): Shenandoah (sub-ms pauses; 16-client put p99 20.9/16.0/18.2/22.3 ms
          //   vs Serial's 23.2/18.8/13.9/17.1 — no steadier: the tail left is CPU contention, not
          //   the ~10 ms young pauses), ZGC (1-client p99 10.5/13.1 vs 7.2/8.1 ms),
          //   MaxTenuringThreshold 0 or 1 (leader young pauses 9.8-12.3 vs 10.6-11.8 ms), and
          //   CompileThresholdScaling=0.05 (fewer slow requests in the first second but a worse
          //   1-client p99, 18.7/14.0 vs 7.8/6.9 ms); warming the request path before clients
          //   arrive does that job instead (`txlab cluster start --warmup-reads`).
          // - Xmx256m with a 128 MB young generation. Before single-key replicas kept one version
          //   per key (LiveNode.KV_VERSIONS_PER_KEY) a 512 MB heap with a 192 MB young generation
          //   was faster than 256 MB with ~77 MB (64-client puts 6,393/6,773/6,953 vs
          //   5,406/5,865/6,320 ops/s). With one version the live set is smaller, and a smaller
          //   heap won every pair (three alternated pairs, 10 s per point, against 512/192 MB):
          //   put p99 at 1 client 7.04/6.32/6.61 vs 8.13/7.69/7.08 ms, at 16 clients
          //   12.43/12.40/14.00 vs 16.68/14.53/14.68, at 64 clients 17.11/20.14/23.63 vs
          //   20.10/22.38/32.13. Perhaps part of why: most slow 1-client requests start during a
          //   burst of the kernel's memory monitor here (DAMON's kdamond, every 500 ms), whose work
          //   grows with the memory processes map, and AlwaysPreTouch maps the whole heap.
          List.of(
              "-Xmx256m",
              "-Xmn128m",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-XX:MetaspaceSize=64m",
              "-XX:+AlwaysPreTouch"),
          Duration.ofSeconds(90));
    }

    /** Replaces the nodes' JVM options. */
    public StartOptions withJavaOptions(List<String> options) {
      return new StartOptions(
          dir, nodes, shards, replicas, protocol, fsync, nodeFlags, options, timeout);
    }

    public StartOptions withShape(int nodes, int shards, int replicas) {
      return new StartOptions(
          dir, nodes, shards, replicas, protocol, fsync, nodeFlags, javaOptions, timeout);
    }

    public StartOptions withProtocol(String protocol) {
      return new StartOptions(
          dir, nodes, shards, replicas, protocol, fsync, nodeFlags, javaOptions, timeout);
    }

    public StartOptions withFsync(String fsync) {
      return new StartOptions(
          dir, nodes, shards, replicas, protocol, fsync, nodeFlags, javaOptions, timeout);
    }

    public StartOptions withNodeFlags(List<String> flags) {
      return new StartOptions(
          dir, nodes, shards, replicas, protocol, fsync, flags, javaOptions, timeout);
    }

    public StartOptions withTimeout(Duration timeout) {
      return new StartOptions(
          dir, nodes, shards, replicas, protocol, fsync, nodeFlags, javaOptions, timeout);
    }
  }

  private final Path dir;
  private ClusterFile file;
  private final String token;

  private LiveCluster(Path dir, ClusterFile file, String token) {
    this.dir = dir;
    this.file = file;
    this.token = token;
  }

  /** {@code .txlab/cluster} under the current directory. */
  public static Path defaultDir() {
    return Path.of(".txlab", "cluster");
  }

  /** The cluster recorded in {@code dir}. */
  public static LiveCluster load(Path dir) throws LiveException {
    if (!Files.isRegularFile(dir.resolve(ClusterFile.NAME))) {
      throw new LiveException(
          "no cluster in "
              + dir
              + " (no "
              + ClusterFile.NAME
              + "); start one with: txlab cluster start"
              + (dir.equals(defaultDir()) ? "" : " --dir " + dir));
    }
    try {
      ClusterFile f = ClusterFile.read(dir);
      if (f.version() != ClusterFile.VERSION) {
        throw new LiveException(
            dir.resolve(ClusterFile.NAME)
                + ": version "
                + f.version()
                + " is not "
                + ClusterFile.VERSION);
      }
      String token =
          f.admin()
              ? Files.readString(dir.resolve(ClusterFile.TOKEN), StandardCharsets.UTF_8).strip()
              : null;
      return new LiveCluster(dir, f, token);
    } catch (IOException e) {
      throw new LiveException("cannot read the cluster in " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  public ClusterFile file() {
    return file;
  }

  public List<String> nodes() {
    return file.nodes();
  }

  public List<String> shards() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < file.shards(); i++) {
      out.add(ShardId.of(i).component());
    }
    return out;
  }

  public ShardMap shardMap() {
    return new ShardMap(
        file.nodes().stream().map(NodeId::of).toList(), file.shards(), file.replicas());
  }

  public boolean transactional() {
    return protocolOf(file.protocol()).serves() == Protocol.Serves.TRANSACTIONS;
  }

  /** The registered protocol called {@code name} (or an alias of it). */
  static Protocol protocolOf(String name) {
    return ProtocolRegistry.find(name)
        .orElseThrow(() -> new IllegalArgumentException("no protocol called " + name));
  }

  /** The protocols a live cluster can run: those whose plug-in builds live nodes. */
  public static List<String> liveProtocols() {
    List<String> out = new ArrayList<>();
    for (Protocol p : ProtocolRegistry.all()) {
      if (p.runsLive()) {
        out.add(p.name());
      }
    }
    return out;
  }

  /** The node, or a {@link LiveException} naming the cluster's nodes. */
  public ClusterFile.Node node(String name) throws LiveException {
    ClusterFile.Node n = file.node(name);
    if (n == null) {
      throw new LiveException(
          "node '" + name + "' is not in the cluster (" + String.join(", ", file.nodes()) + ")");
    }
    return n;
  }

  public NodeApi api(String node) {
    ClusterFile.Node n = file.node(node);
    return new NodeApi(node, n.httpPort(), file.admin() ? n.adminPort() : 0, token);
  }

  /** What {@link #warmUp} did: requests answered, by kind, and those that were not. */
  public record WarmUp(long reads, long writes, long failed, Duration took) {}

  /** {@code txlab cluster start}'s warm-up reads per node. */
  public static final int WARMUP_READS_DEFAULT = 1000;

  /**
   * {@code txlab cluster start}'s warm-up compare-and-sets per node. Measured (issue 19; 3-node
   * raft-kv, a Python closed-loop client's 12,000 puts starting 3 s after the start returns):
   * requests over 2 ms in the first second fell from 31 and 34 with none to 11 with 2,000 (about 5
   * a second afterwards either way; sending the last 300 of them one at a time, to warm a lone
   * client's path, gave 12 and 16: no better, so they all go eight at a time); the start takes ~5 s
   * longer (3,000 reads and 6,000 writes in 6.5 s).
   */
  public static final int WARMUP_WRITES_DEFAULT = 2000;

  /** The longest {@code txlab cluster start} spends warming up. */
  public static final Duration WARMUP_BUDGET = Duration.ofSeconds(60);

  /** The value the warm-up's compare-and-sets expect, which no key ever holds. */
  static final String WARMUP_NEVER = "txlab-warmup-never-written";

  /**
   * Warms a fresh cluster's request path before anyone measures it, through every node (eight
   * requests at a time per node): {@code readsPerNode} linearizable reads of absent keys and {@code
   * writesPerNode} compare-and-sets on absent keys that expect a value ({@value #WARMUP_NEVER})
   * those keys never hold, so every one fails. No key is written: a read of a single key is not
   * logged, and a failed compare-and-set changes nothing (it is logged, so the shard's log and
   * commit index grow by one entry each). Reads run each node's HTTP server, gateway, transport and
   * codec and its leaders' read rounds; the compare-and-sets run the write path — replication, the
   * disk thread, fsync, commit and apply. Without it the first seconds after a start ran on
   * unoptimised code: a 3-node raft-kv cluster answered its first ~1,000 puts in 5-10 ms instead of
   * ~1.5 ms (issue 19). With the full tiered JIT (C2) the nodes need far more traffic than that to
   * reach their compiled speed (the figures are in {@link StartOptions#defaults}). Clusters whose
   * nodes serve no single keys are left as they are.
   */
  public WarmUp warmUp(int readsPerNode, int writesPerNode, Duration budget) {
    long started = System.nanoTime();
    int total = Math.max(0, readsPerNode) + Math.max(0, writesPerNode);
    if (transactional() || total <= 0)
      return new WarmUp(0, 0, 0, Duration.ofNanos(System.nanoTime() - started));
    long deadline = started + budget.toNanos();
    java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
    long w = Math.max(0, writesPerNode);
    int lanes = 8;
    List<Thread> threads = new ArrayList<>();
    for (String n : nodes()) {
      NodeApi api = api(n);
      for (int lane = 0; lane < lanes; lane++) {
        int first = lane;
        Thread t =
            new Thread(
                () -> {
                  for (int i = first; i < total; i += lanes) {
                    if (System.nanoTime() > deadline) return;
                    String path = NodeApi.kvPath("txlab-warmup-" + (i % 64));
                    // The writes spread evenly among the reads.
                    boolean write = (long) i * w / total != (long) (i + 1) * w / total;
                    if (write) {
                      java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
                      body.put("expected", WARMUP_NEVER);
                      body.put("value", WARMUP_NEVER);
                      NodeApi.Reply r = api.post(path + "/cas", body, Duration.ofSeconds(5));
                      (r.status() == 409 ? writes : failed).incrementAndGet();
                    } else {
                      NodeApi.Reply r = api.get(path, Duration.ofSeconds(5));
                      (r.ok() ? reads : failed).incrementAndGet();
                    }
                  }
                },
                "warmup-" + n + "-" + lane);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000 + 5_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return new WarmUp(
        reads.get(), writes.get(), failed.get(), Duration.ofNanos(System.nanoTime() - started));
  }

  // ------------------------------------------------------------------ processes

  /** The node's process if it is alive and is the one the file recorded. */
  public Optional<ProcessHandle> process(String node) {
    ClusterFile.Node n = file.node(node);
    if (n == null || n.pid() == null) {
      return Optional.empty();
    }
    return ours(n.pid(), n.startedMillis());
  }

  static Optional<ProcessHandle> ours(long pid, Long startedMillis) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return Optional.empty();
    }
    if (startedMillis != null) {
      Optional<java.time.Instant> started = h.get().info().startInstant();
      // The OS reports start times at a coarse tick; a different process would differ by far more.
      if (started.isPresent() && Math.abs(started.get().toEpochMilli() - startedMillis) > 2_000) {
        return Optional.empty();
      }
    }
    return h;
  }

  public boolean alive(String node) {
    return process(node).isPresent();
  }

  /** The nodes whose recorded process is alive. */
  public List<String> running() {
    List<String> out = new ArrayList<>();
    for (String n : file.nodes()) {
      if (alive(n)) {
        out.add(n);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ start

  /**
   * Starts a cluster in {@code options.dir()}: refuses if one is running there; relaunches a
   * stopped one from its data if its shape matches; otherwise lays out a new one. Returns once
   * every node printed its ready line and every shard has a leader.
   */
  public static LiveCluster start(StartOptions o, PrintWriter progress) throws LiveException {
    Path dir = o.dir();
    ClusterFile existing = null;
    if (Files.isRegularFile(dir.resolve(ClusterFile.NAME))) {
      LiveCluster old = load(dir);
      List<String> running = old.running();
      if (!running.isEmpty()) {
        throw new LiveException(
            "a cluster is already running in "
                + dir
                + " ("
                + running.size()
                + " of "
                + old.nodes().size()
                + " nodes up: "
                + String.join(", ", running)
                + "); stop it first with: txlab cluster stop"
                + (dir.equals(defaultDir()) ? "" : " --dir " + dir));
      }
      existing = old.file;
      if (existing.nodes().size() != o.nodes()
          || existing.shards() != o.shards()
          || existing.replicas() != o.replicas()
          || !existing.protocol().equals(resolveProtocol(o.protocol()))) {
        throw new LiveException(
            dir
                + " holds a stopped cluster of another shape ("
                + existing.nodes().size()
                + " nodes, "
                + existing.shards()
                + " shards × "
                + existing.replicas()
                + " replicas, "
                + existing.protocol()
                + "); choose another --dir, or delete "
                + dir
                + " to start afresh");
      }
    }
    validate(o);
    try {
      Files.createDirectories(dir);
      String token =
          existing == null
              ? writeToken(dir)
              : Files.readString(dir.resolve(ClusterFile.TOKEN)).strip();
      // A stopped cluster is relaunched with exactly the commands it was started with.
      ClusterFile file = existing == null ? layout(o, dir) : existing;
      file.write(dir);
      LiveCluster c = new LiveCluster(dir, file, token);
      c.launchAll(o.timeout(), progress);
      return c;
    } catch (IOException e) {
      throw new LiveException("cannot lay out the cluster in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void validate(StartOptions o) throws LiveException {
    if (o.nodes() < 1 || o.nodes() > 26) {
      throw new LiveException("--nodes must be 1..26, not " + o.nodes());
    }
    if (o.shards() < 1 || o.replicas() < 1 || o.replicas() > o.nodes()) {
      throw new LiveException(
          "need --shards >= 1 and 1 <= --replicas <= --nodes (got "
              + o.shards()
              + " shards, "
              + o.replicas()
              + " replicas, "
              + o.nodes()
              + " nodes)");
    }
    Optional<Protocol> p = ProtocolRegistry.find(o.protocol());
    if (p.isEmpty() || !p.get().runsLive()) {
      throw new LiveException(
          "--protocol must be one a live cluster runs ("
              + String.join(", ", liveProtocols())
              + "), not '"
              + o.protocol()
              + "'");
    }
    if (!List.of("always", "never").contains(o.fsync())) {
      throw new LiveException("--fsync must be always or never, not '" + o.fsync() + "'");
    }
  }

  /** The protocol's own name (not an alias). */
  private static String resolveProtocol(String asked) {
    return protocolOf(asked).name();
  }

  private static String writeToken(Path dir) throws IOException {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    Path f = dir.resolve(ClusterFile.TOKEN);
    Files.deleteIfExists(f);
    // Created owner-only from the start, so the token is never readable by others, even briefly.
    Files.createFile(
        f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(f, token + "\n", StandardCharsets.UTF_8);
    return token;
  }

  static ClusterFile layout(StartOptions o, Path dir) throws IOException, LiveException {
    String protocol = resolveProtocol(o.protocol());
    boolean txn = protocolOf(protocol).serves() == Protocol.Serves.TRANSACTIONS;
    String main = txn ? TXN_NODE_MAIN : KV_NODE_MAIN;
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= o.nodes(); i++) {
      names.add("n" + i);
    }
    // One draw for every port, so no two are the same (three draws could repeat a port across
    // them: a node then failed to bind a port another of its cluster held).
    List<Integer> ports = freePorts(3 * o.nodes());
    List<Integer> peer = ports.subList(0, o.nodes());
    List<Integer> http = ports.subList(o.nodes(), 2 * o.nodes());
    List<Integer> admin = ports.subList(2 * o.nodes(), 3 * o.nodes());
    List<String> java = javaCommand(o.javaOptions(), dir);
    Path abs = dir.toAbsolutePath().normalize();
    List<ClusterFile.Node> procs = new ArrayList<>();
    for (int i = 0; i < o.nodes(); i++) {
      String n = names.get(i);
      List<String> cmd = new ArrayList<>(java);
      cmd.add(main);
      cmd.addAll(
          List.of(
              "--node",
              n,
              "--nodes",
              String.join(",", names),
              "--ports",
              join(peer),
              "--shards",
              String.valueOf(o.shards()),
              "--replicas",
              String.valueOf(o.replicas()),
              "--dir",
              abs.toString(),
              "--fsync",
              o.fsync(),
              "--http-port",
              String.valueOf(http.get(i)),
              "--admin-port",
              String.valueOf(admin.get(i)),
              "--admin-token-file",
              abs.resolve(ClusterFile.TOKEN).toString()));
      if (txn) {
        cmd.addAll(List.of("--protocol", protocol));
      }
      cmd.addAll(o.nodeFlags());
      procs.add(
          new ClusterFile.Node(
              n,
              peer.get(i),
              http.get(i),
              admin.get(i),
              abs.resolve(n).resolve("node.log").toString(),
              cmd,
              null,
              null));
    }
    return new ClusterFile(
        ClusterFile.VERSION,
        protocol,
        main,
        true,
        names,
        o.shards(),
        o.replicas(),
        o.fsync(),
        procs);
  }

  private static String join(List<Integer> ports) {
    return String.join(",", ports.stream().map(String::valueOf).toList());
  }

  /**
   * Ports free on the loopback interface right now, below the ephemeral range ({@link
   * dev.txlab.node.live.LocalPorts}).
   */
  static List<Integer> freePorts(int count) throws IOException {
    return dev.txlab.node.live.LocalPorts.free(count);
  }

  /** {@code java [options] -cp CLASSPATH}: this JVM's binary and class path, made absolute. */
  static List<String> javaCommand(List<String> options, Path dir) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cp = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        cp.add(Path.of(entry).toAbsolutePath().normalize().toString());
      }
    }
    if (cp.size() == 1 && cp.get(0).endsWith(".jar")) {
      // The application jar is copied beside the cluster: rebuilding txlab while the cluster runs
      // must not change the classes under running nodes, or under a node restarted later.
      Path copy = dir.toAbsolutePath().normalize().resolve("txlab.jar");
      Files.copy(Path.of(cp.get(0)), copy, StandardCopyOption.REPLACE_EXISTING);
      cp.set(0, copy.toString());
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(options);
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, cp));
    return cmd;
  }

  private void launchAll(Duration timeout, PrintWriter progress) throws LiveException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> logOffsets = new LinkedHashMap<>();
    try {
      for (String n : file.nodes()) {
        logOffsets.put(n, launch(n));
      }
      if (progress != null) {
        progress.printf(
            "launched %d node processes; waiting for them to be ready…%n", file.nodes().size());
        progress.flush();
      }
      for (String n : file.nodes()) {
        awaitReadyRelaunching(n, logOffsets.get(n), deadline);
      }
      awaitLeaders(deadline);
    } catch (LiveException | RuntimeException e) {
      stopQuietly();
      throw e;
    }
  }

  /** Launches {@code node}'s process from its recorded command; returns its log's length before. */
  private long launch(String node) throws LiveException {
    ClusterFile.Node n = file.node(node);
    try {
      Path log = Path.of(n.log());
      Files.createDirectories(log.getParent());
      long offset = Files.exists(log) ? Files.size(log) : 0;
      List<String> cmd = new ArrayList<>();
      // In its own session, so that a terminal's hangup or a Ctrl-C in a later command never
      // reaches it.
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        cmd.add("/usr/bin/setsid");
      }
      cmd.addAll(n.command());
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process p = pb.start();
      long started =
          p.info()
              .startInstant()
              .map(java.time.Instant::toEpochMilli)
              .orElse(System.currentTimeMillis());
      file = file.with(n.withProcess(p.pid(), started));
      file.write(dir);
      return offset;
    } catch (IOException e) {
      throw new LiveException("cannot launch " + node + ": " + e.getMessage(), e);
    }
  }

  /** How often a node that could not bind its ports is launched again. */
  private static final int BIND_ATTEMPTS = 10;

  /**
   * Waits for the node to be ready, launching it again when it exited because one of its ports was
   * taken: ports are chosen free, but while a node is down the OS may hand its port to some
   * outgoing connection as an ephemeral local port, briefly. Any other early exit is an error.
   */
  private void awaitReadyRelaunching(String node, long offset, long deadlineNanos)
      throws LiveException {
    Path log = Path.of(file.node(node).log());
    for (int attempt = 1; ; attempt++) {
      if (awaitReady(node, offset, deadlineNanos)) {
        return;
      }
      String since = logSince(log, offset);
      if (attempt >= BIND_ATTEMPTS
          || !(since.contains("Address already in use") || since.contains("BindException"))) {
        throw new LiveException(
            node
                + " exited before it was ready; the end of its log ("
                + log
                + "):\n"
                + tail(log, 15));
      }
      sleep(500);
      offset = launch(node);
    }
  }

  private static String logSince(Path log, long offset) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      if (f.length() <= offset) return "";
      f.seek(offset);
      byte[] rest = new byte[(int) Math.min(f.length() - offset, 1 << 20)];
      f.readFully(rest);
      return new String(rest, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Waits for the node's ready line in its log (after {@code offset}) and records the ports it
   * printed; false if the process exited first.
   */
  private boolean awaitReady(String node, long offset, long deadlineNanos) throws LiveException {
    ClusterFile.Node n = file.node(node);
    Path log = Path.of(n.log());
    while (true) {
      String line = readyLine(log, offset, node);
      if (line != null) {
        Matcher h = HTTP_PORT.matcher(line);
        Matcher a = ADMIN_PORT.matcher(line);
        int http = h.find() ? Integer.parseInt(h.group(1)) : n.httpPort();
        int admin = a.find() ? Integer.parseInt(a.group(1)) : n.adminPort();
        if (http != n.httpPort() || admin != n.adminPort()) {
          file = file.with(file.node(node).withPorts(http, admin));
          writeQuietly();
        }
        return true;
      }
      if (!alive(node)) {
        return false;
      }
      if (logSince(log, offset).contains("Address already in use")) {
        // A node whose HTTP listener could not bind stays up without serving: end it, to retry.
        Optional<ProcessHandle> p = process(node);
        p.ifPresent(
            h -> {
              h.destroyForcibly();
              awaitExit(h, Duration.ofSeconds(10));
            });
        return false;
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new LiveException(
            node + " was not ready in time; the end of its log (" + log + "):\n" + tail(log, 15));
      }
      sleep(100);
    }
  }

  private static String readyLine(Path log, long offset, String node) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      if (f.length() <= offset) {
        return null;
      }
      f.seek(offset);
      byte[] rest = new byte[(int) Math.min(f.length() - offset, 4 << 20)];
      f.readFully(rest);
      for (String line : new String(rest, StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("ready " + node + " ") || line.equals("ready " + node)) {
          return line;
        }
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Waits until every shard has a leader, as the nodes report it (or, without an admin API, serve a
   * read).
   */
  private void awaitLeaders(long deadlineNanos) throws LiveException {
    while (true) {
      List<String> missing = shardsWithoutLeader();
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new LiveException(
            "no leader in time for "
                + String.join(", ", missing)
                + "; see the nodes' logs under "
                + dir);
      }
      sleep(200);
    }
  }

  /**
   * Waits up to {@code timeout} until every shard has a leader (as {@link #shardsWithoutLeader}
   * sees it). A leader can change at any moment after {@link #start} returned — a replica that
   * misses heartbeats on a busy machine starts an election — so callers that need leaders now wait
   * for them rather than assume them.
   */
  public void awaitLeaders(Duration timeout) throws LiveException {
    awaitLeaders(System.nanoTime() + timeout.toNanos());
  }

  /**
   * Every node's Raft role changes and check-quorum step-downs, from its log (the last {@code
   * perNode} such lines of each): what a test prints when leadership was not what it expected.
   */
  public String roleChanges(int perNode) {
    StringBuilder out = new StringBuilder();
    for (String n : file.nodes()) {
      Path log = Path.of(file.node(n).log());
      out.append("==> ").append(n).append(" (").append(log).append(")\n");
      try {
        List<String> lines =
            Files.exists(log)
                ? Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(" → ") || l.contains("check-quorum"))
                    .toList()
                : List.of();
        for (String l : lines.subList(Math.max(0, lines.size() - perNode), lines.size())) {
          out.append(l).append('\n');
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        out.append("(cannot read: ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }

  /** Shards no running node reports a leader for (by status), or whose probe read fails. */
  public List<String> shardsWithoutLeader() {
    List<String> out = new ArrayList<>();
    if (file.admin()) {
      ClusterSnapshot view = view();
      for (String s : shards()) {
        if (view.leaderOf(s).isEmpty()) {
          out.add(s);
        }
      }
      return out;
    }
    // Single-key nodes report no roles: a linearizable read of a key on each shard proves a leader.
    List<String> up = running();
    if (up.isEmpty()) {
      return shards();
    }
    List<String> keys = dev.txlab.scenarios.workload.RegisterWorkload.keysFor(shardMap(), 1);
    for (int i = 0; i < shards().size(); i++) {
      String key = keys.get(i);
      String shard = shardMap().shardOf(key).component();
      NodeApi.Reply r = api(up.get(0)).get(NodeApi.kvPath(key), Duration.ofSeconds(6));
      if (!r.ok()) {
        out.add(shard);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ status

  /** One node's answer to a status request, or why there is none. */
  public record NodeStatus(String node, Long pid, boolean alive, JsonNode status, String problem) {}

  public List<NodeStatus> status() {
    List<NodeStatus> out = new ArrayList<>();
    for (String n : file.nodes()) {
      ClusterFile.Node cn = file.node(n);
      Optional<ProcessHandle> p = process(n);
      if (p.isEmpty()) {
        out.add(new NodeStatus(n, null, false, null, cn.pid() == null ? "stopped" : "not running"));
        continue;
      }
      NodeApi api = api(n);
      NodeApi.Reply r =
          api.hasAdmin()
              ? api.adminGet("/admin/status", CALL_TIMEOUT)
              : api.get("/status", CALL_TIMEOUT);
      out.add(
          new NodeStatus(
              n, p.get().pid(), true, r.ok() ? r.body() : null, r.ok() ? null : r.describe()));
    }
    return out;
  }

  /**
   * The cluster as the nemesis sees it now: leaders from the nodes' status (the highest term a live
   * node reports as leader of each shard), and the coordinator's node.
   */
  public ClusterSnapshot view() {
    ClusterSnapshot snap = ClusterSnapshot.of(file.nodes(), shards());
    List<NodeStatus> all = status();
    for (String shard : shards()) {
      Optional<String> leader = leaderIn(all, "shards", shard);
      if (leader.isPresent()) {
        snap = snap.withLeader(shard, leader.get());
      }
    }
    String coordinator = coordinatorNode(snap, all);
    return coordinator == null ? snap : snap.withCoordinator(coordinator);
  }

  /**
   * The node that reports itself leader of {@code group} in the highest term, among the nodes'
   * status sections {@code section} ({@code shards}, or {@code groups}: a protocol's own Raft
   * groups); {@code group} null: of any group in the section.
   */
  private static Optional<String> leaderIn(List<NodeStatus> all, String section, String group) {
    long bestTerm = -1;
    String leader = null;
    for (NodeStatus s : all) {
      if (s.status() == null || !s.status().has(section)) {
        continue;
      }
      java.util.Iterator<Map.Entry<String, JsonNode>> groups = s.status().get(section).fields();
      while (groups.hasNext()) {
        Map.Entry<String, JsonNode> g = groups.next();
        if (group != null && !group.equals(g.getKey())) {
          continue;
        }
        String role = g.getValue().path("role").asText("");
        long term = g.getValue().path("term").asLong(-1);
        if (role.toLowerCase(Locale.ROOT).equals("leader") && term > bestTerm) {
          bestTerm = term;
          leader = s.node();
        }
      }
    }
    return Optional.ofNullable(leader);
  }

  /**
   * Classic 2PC: the single coordinator runs on the first node. Spanner-style: the coordinator
   * group of a transaction is one of its shards; the leader of the first shard is a fair answer for
   * "the coordinator the next transaction would use". A protocol with a Raft group of its own for
   * coordinating (a saga orchestrator): that group's leader, as the nodes report it.
   */
  private String coordinatorNode(ClusterSnapshot snap, List<NodeStatus> all) {
    return switch (protocolOf(file.protocol()).liveCoordinator()) {
      case FIRST_NODE -> file.nodes().get(0);
      case FIRST_SHARD_LEADER -> snap.leaderOf(shards().get(0)).orElse(null);
      case GROUP_LEADER -> leaderIn(all, "groups", null).orElse(null);
      case NONE -> null;
    };
  }

  /**
   * What each running node's processes tell of their state ({@code GET /admin/probe}): by node, by
   * component, the frame of the node's codec. A node that is down, or does not answer, is left out
   * (the protocol reads each group from its most advanced replica that told).
   */
  public Map<String, Map<String, byte[]>> probes() {
    Map<String, Map<String, byte[]>> out = new TreeMap<>();
    for (String n : running()) {
      NodeApi api = api(n);
      if (!api.hasAdmin()) {
        continue;
      }
      NodeApi.Reply r = api.adminGet("/admin/probe", PROBE_TIMEOUT);
      if (!r.ok() || r.body() == null || !r.body().has("probes")) {
        continue;
      }
      Map<String, byte[]> byComponent = new TreeMap<>();
      r.body()
          .get("probes")
          .fields()
          .forEachRemaining(
              e ->
                  byComponent.put(
                      e.getKey(), java.util.Base64.getDecoder().decode(e.getValue().asText())));
      out.put(n, byComponent);
    }
    return out;
  }

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  // ------------------------------------------------------------------ signals

  /** SIGKILL: the process dies at once; whatever it had not synced is lost. */
  public boolean kill(String node) throws LiveException {
    node(node);
    Optional<ProcessHandle> p = process(node);
    if (p.isEmpty()) {
      return false;
    }
    p.get().destroyForcibly();
    awaitExit(p.get(), Duration.ofSeconds(10));
    return true;
  }

  /** SIGSTOP / SIGCONT: the process freezes (timers, sockets and all) or thaws. */
  public boolean signal(String node, String signal) throws LiveException {
    node(node);
    Optional<ProcessHandle> p = process(node);
    if (p.isEmpty()) {
      return false;
    }
    try {
      Process k =
          new ProcessBuilder("kill", "-" + signal, String.valueOf(p.get().pid()))
              .redirectErrorStream(true)
              .start();
      String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (k.waitFor() != 0) {
        throw new LiveException("kill -" + signal + " " + p.get().pid() + " failed: " + out);
      }
      return true;
    } catch (IOException e) {
      throw new LiveException("cannot run kill -" + signal + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LiveException("interrupted");
    }
  }

  /** Relaunches a node that is down with its recorded command; leaves a running one alone. */
  public boolean restart(String node, Duration timeout) throws LiveException {
    node(node);
    if (alive(node)) {
      return false;
    }
    long offset = launch(node);
    awaitReadyRelaunching(node, offset, System.nanoTime() + timeout.toNanos());
    return true;
  }

  /** What {@link #stop} did. */
  public record StopReport(
      List<String> terminated,
      List<String> killed,
      List<String> alreadyDown,
      List<String> leftAlive) {}

  /**
   * SIGTERM to every node, SIGKILL to any still alive after {@code grace}; then checks that none of
   * the recorded processes is alive and forgets their pids. Data and logs stay.
   */
  public StopReport stop(Duration grace) {
    List<String> terminated = new ArrayList<>();
    List<String> killed = new ArrayList<>();
    List<String> down = new ArrayList<>();
    Map<String, ProcessHandle> live = new LinkedHashMap<>();
    for (String n : file.nodes()) {
      Optional<ProcessHandle> p = process(n);
      if (p.isPresent()) {
        live.put(n, p.get());
      } else {
        down.add(n);
      }
    }
    // A paused node would hold SIGTERM until resumed and so always need SIGKILL: resume it first.
    for (String n : live.keySet()) {
      try {
        signal(n, "CONT");
      } catch (LiveException e) {
        // Exited meanwhile, or kill(1) is missing: SIGTERM and SIGKILL below still apply.
      }
    }
    for (ProcessHandle p : live.values()) {
      p.destroy();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (Map.Entry<String, ProcessHandle> e : live.entrySet()) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (awaitExit(e.getValue(), Duration.ofNanos(left))) {
        terminated.add(e.getKey());
      } else {
        e.getValue().destroyForcibly();
        killed.add(e.getKey());
      }
    }
    List<String> leftAlive = new ArrayList<>();
    for (Map.Entry<String, ProcessHandle> e : live.entrySet()) {
      if (!awaitExit(e.getValue(), Duration.ofSeconds(10))) {
        leftAlive.add(e.getKey() + " (pid " + e.getValue().pid() + ")");
      }
    }
    for (String n : file.nodes()) {
      if (!leftAlive.contains(n)) {
        file = file.with(file.node(n).withProcess(null, null));
      }
    }
    writeQuietly();
    return new StopReport(terminated, killed, down, leftAlive);
  }

  private void stopQuietly() {
    stop(Duration.ofSeconds(3));
  }

  private static boolean awaitExit(ProcessHandle p, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (p.isAlive()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(20);
    }
    return true;
  }

  private void writeQuietly() {
    try {
      file.write(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot update " + dir.resolve(ClusterFile.NAME), e);
    }
  }

  // ------------------------------------------------------------------ logs

  /** The last {@code lines} lines of a file (all of it if shorter). */
  public static String tail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "(no log yet: " + file + ")";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the cluster", e);
    }
  }
}
