package dev.txlab.coordinator.live;

import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.LiveOptions;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.ProtocolRegistry;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.node.live.LiveNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A transactional live node: a {@link LiveNode} whose processes come from the chosen protocol's
 * plug-in ({@link Protocol#onLiveHost}: for Spanner-style and classic 2PC, {@link TxnComponents}),
 * serving {@code POST /txn} and the admin API. What {@code txlab cluster start} launches once per
 * node, as its own OS process:
 *
 * <pre>
 * java -cp TXLAB_JAR dev.txlab.coordinator.live.LiveTxnNode
 *     --node n1 --nodes n1,n2,n3 --ports 7800,7801,7802   this node, every node, their peer ports
 *     [--shards 1] [--replicas 3]                          the shard map (as in the simulator)
 *     [--dir DIR]                                          cluster directory; this node's data in DIR/n1
 *     [--seed N] [--fsync always|never] [--bind 127.0.0.1] [--epsilon-ms 1]
 *     [--http-port P]                                      public API (/txn, /status); 0 = a free port
 *     [--admin-port P --admin-token-file FILE]             admin API; 0 = a free port
 *     [--admin-bind 127.0.0.1]                             the admin API's address (loopback whatever --bind says)
 *     [--protocol spanner]                                 any protocol that runs live (txlab protocols list)
 *     [--KNOB VALUE]…                                      its knobs, by their scenario names (e.g. --commit-wait off)
 *     [--lanes 32]                                         transactions in flight per node
 *     [--tick-ms 20]                                       participants' tick (closed timestamps, in-doubt checks)
 * </pre>
 *
 * Once its replicas run and its APIs listen it prints one line on stdout, {@code ready n1 http PORT
 * admin PORT} (the parts for APIs that were asked for), and runs until the process is killed. A bad
 * flag exits with status 2 and a message naming the flag; nothing starts.
 *
 * <p>In-process (tests, benchmarks): {@code LiveTxnNode.start(LiveTxnNode.parse(args))} or {@link
 * #start(LiveNode.Config, TxnKnobs, int)}.
 */
public final class LiveTxnNode {
  private LiveTxnNode() {}

  /**
   * The transactional protocols a live node can host: every registered one whose plug-in builds
   * live processes ({@link Protocol#runsLive}).
   */
  public static final List<String> HOSTED = hosted();

  private static List<String> hosted() {
    List<String> out = new ArrayList<>();
    for (Protocol p : ProtocolRegistry.all()) {
      if (p.runsLive() && p.serves() == Protocol.Serves.TRANSACTIONS) {
        out.add(p.name());
      }
    }
    return List.copyOf(out);
  }

  /**
   * The flags this node takes on top of {@link LiveNode#FLAGS}: the protocol, every knob the hosted
   * protocols declare (from the registry, not a list here), lanes and the tick.
   */
  public static final List<String> FLAGS = flags();

  private static List<String> flags() {
    List<String> out = new ArrayList<>(List.of("protocol"));
    for (String name : HOSTED) {
      for (Knob k : ProtocolRegistry.get(name).knobs()) {
        if (!out.contains(k.name())) {
          out.add(k.name());
        }
      }
    }
    out.addAll(List.of("lanes", "tick-ms"));
    return List.copyOf(out);
  }

  public static final int LANES_DEFAULT = LiveOptions.LANES_DEFAULT;

  private static final String USAGE =
      "usage: LiveTxnNode --node n1 --nodes n1,n2,n3 --ports 7800,7801,7802 [--shards 1]"
          + " [--replicas 3] [--dir DIR] [--seed N] [--fsync always|never] [--bind ADDR] [--epsilon-ms 1] [--http-port P]"
          + " [--admin-port P --admin-token-file FILE] [--admin-bind 127.0.0.1] [--protocol "
          + String.join("|", HOSTED)
          + "] [--KNOB VALUE]… [--lanes 32] [--tick-ms 20]";

  /**
   * A parsed command line: the node's launch settings, the protocol and every knob's value, the
   * gateway's lanes and the tick.
   */
  public record Launch(
      LiveNode.Launch node,
      Protocol protocol,
      java.util.SortedMap<String, String> settings,
      int lanes,
      long tickNanos) {
    /** What this node runs, built by the protocol's plug-in. */
    public LiveNode.Components components() {
      return protocol.onLiveHost(settings, new LiveOptions(lanes, tickNanos));
    }

    /** The knobs as the 2PC protocols read them (only for those; tests). */
    public TxnKnobs knobs() {
      return TxnKnobs.of(settings);
    }
  }

  /** Parses the flags above; throws {@link IllegalArgumentException} naming the flag. */
  public static Launch parse(String[] args) {
    LiveNode.Launch node = LiveNode.parseArgs(args, FLAGS);
    Map<String, String> extra = node.extra();
    String name =
        extra.getOrDefault(
            "protocol", ProtocolRegistry.defaultFor(Protocol.Serves.TRANSACTIONS).name());
    Protocol protocol =
        ProtocolRegistry.find(name)
            .filter(p -> HOSTED.contains(p.name()))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--protocol must be one the live node hosts ("
                            + String.join("|", HOSTED)
                            + "), not '"
                            + name
                            + "'"));
    for (String flag : extra.keySet()) {
      if (FLAGS.contains(flag)
          && !List.of("protocol", "lanes", "tick-ms").contains(flag)
          && protocol.knob(flag).isEmpty()) {
        throw new IllegalArgumentException(
            "--"
                + flag
                + " is not a knob of protocol "
                + protocol.name()
                + " (its knobs: "
                + protocol.knobNames()
                + ")");
      }
    }
    java.util.TreeMap<String, String> given = new java.util.TreeMap<>();
    for (Knob k : protocol.knobs()) {
      if (extra.containsKey(k.name())) {
        given.put(k.name(), extra.get(k.name()));
      }
    }
    java.util.TreeMap<String, String> settings;
    try {
      settings = protocol.settings(given);
    } catch (IllegalArgumentException e) {
      String bad =
          given.keySet().stream()
              .filter(k -> e.getMessage().startsWith(k + " "))
              .findFirst()
              .orElse("protocol");
      throw new IllegalArgumentException("--" + bad + ": " + e.getMessage());
    }
    int lanes;
    try {
      lanes = Integer.parseInt(extra.getOrDefault("lanes", Integer.toString(LANES_DEFAULT)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--lanes must be an integer, not '" + extra.get("lanes") + "'");
    }
    if (lanes < 1 || lanes > 1024)
      throw new IllegalArgumentException("--lanes must be in 1..1024, not " + lanes);
    long tickMs;
    try {
      tickMs =
          Long.parseLong(
              extra.getOrDefault(
                  "tick-ms", Long.toString(TxnComponents.TICK_NANOS_DEFAULT / 1_000_000)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--tick-ms must be an integer, not '" + extra.get("tick-ms") + "'");
    }
    if (tickMs < 1 || tickMs > 10_000)
      throw new IllegalArgumentException("--tick-ms must be in 1..10000, not " + tickMs);
    return new Launch(node, protocol, settings, lanes, tickMs * 1_000_000L);
  }

  /**
   * Starts a transactional node in this JVM (no HTTP APIs yet: see {@link LiveNode#startHttp},
   * {@link LiveNode#startAdmin}).
   */
  public static LiveNode start(LiveNode.Config config, TxnKnobs knobs, int lanes) throws Exception {
    return LiveNode.start(config, new TxnComponents(knobs, lanes));
  }

  /**
   * The command-line entry without {@code System.exit} on success: starts, prints the ready line,
   * runs until killed.
   */
  public static void run(String[] args) throws Exception {
    Launch launch;
    try {
      launch = parse(args);
    } catch (IllegalArgumentException e) {
      LiveNode.usage(USAGE, e.getMessage());
      return;
    }
    LiveNode.run(launch.node(), launch.components(), USAGE);
  }

  public static void main(String[] args) throws Exception {
    LiveNode.oneLineLogs();
    run(args);
  }

  /** The flags of a launch, for callers that build command lines (the same names as above). */
  public static List<String> knobFlags(TxnKnobs knobs) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : knobs.knobs().entrySet()) {
      out.add("--" + e.getKey());
      out.add(e.getValue());
    }
    return out;
  }
}
