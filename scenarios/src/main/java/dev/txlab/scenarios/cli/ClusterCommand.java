package dev.txlab.scenarios.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.txlab.scenarios.live.ClusterFile;
import dev.txlab.scenarios.live.LiveCluster;
import dev.txlab.scenarios.live.LiveException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code txlab cluster start|status|stop|logs}: a live cluster of node processes on this machine,
 * found through {@code --dir} (default {@code .txlab/cluster}).
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description =
        "Start, inspect and stop a live cluster: one OS process per node on this machine.",
    subcommands = {
      ClusterCommand.Start.class,
      ClusterCommand.Status.class,
      ClusterCommand.Stop.class,
      ClusterCommand.Logs.class
    })
final class ClusterCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a cluster subcommand is required (start, status, stop, logs)");
  }

  /** The {@code --dir} option every live command shares. */
  static final class DirOption {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "The cluster's directory (default: .txlab/cluster under the current one).")
    Path dir;

    Path dir() {
      return dir != null ? dir : LiveCluster.defaultDir();
    }

    LiveCluster load() {
      try {
        return LiveCluster.load(dir());
      } catch (LiveException e) {
        throw new Txlab.UsageError(e.getMessage());
      }
    }

    /** {@code --dir DIR} for next-step hints, empty for the default. */
    String flag() {
      return dir == null ? "" : " --dir " + RunCommand.shellQuote(dir.toString());
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Launch one process per node, wait until every shard has a leader, and print where things are.")
  static final class Start implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Option(names = "--nodes", defaultValue = "5", description = "Nodes (default 5).")
    int nodes;

    @Option(
        names = "--shards",
        defaultValue = "3",
        description = "Shards, each a Raft group (default 3).")
    int shards;

    @Option(
        names = "--replicas",
        defaultValue = "3",
        description = "Replicas per shard (default 3).")
    int replicas;

    @Option(
        names = "--protocol",
        defaultValue = "spanner",
        description =
            "spanner (2PC over Raft groups, commit wait), 2pc (one coordinator), or raft-kv (single-key nodes only).")
    String protocol;

    @Option(
        names = "--fsync",
        defaultValue = "always",
        description = "always, or never (acknowledged writes can be lost in a crash).")
    String fsync;

    @Option(
        names = "--node-flag",
        paramLabel = "FLAG",
        description =
            "Extra flag passed to every node process (e.g. --node-flag=--commit-wait --node-flag=off).")
    List<String> nodeFlags = new ArrayList<>();

    @Option(
        names = "--node-java-option",
        paramLabel = "OPTION",
        description =
            "Extra JVM option for every node process, after the measured defaults (e.g. --node-java-option=-Xlog:gc:file=gc.log).")
    List<String> nodeJavaOptions = new ArrayList<>();

    @Option(
        names = "--warmup-reads",
        defaultValue = "" + LiveCluster.WARMUP_READS_DEFAULT,
        paramLabel = "N",
        description =
            "Reads of absent keys through every node once the leaders are up, so the JIT has compiled the request path before the first client (they change nothing; single-key clusters only; 0: none; default ${DEFAULT-VALUE}).")
    int warmupReads;

    @Option(
        names = "--warmup-writes",
        defaultValue = "" + LiveCluster.WARMUP_WRITES_DEFAULT,
        paramLabel = "N",
        description =
            "Compare-and-sets through every node that cannot succeed (they expect a value no key holds), so the JIT has compiled the write path too: they write no key, but each adds an entry to its shard's log (single-key clusters only; 0: none; default ${DEFAULT-VALUE}).")
    int warmupWrites;

    @Option(
        names = "--timeout",
        defaultValue = "90s",
        converter = DurationConverter.class,
        description = "How long to wait for the nodes and leaders (default 90s).")
    Duration timeout;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      CommandLine.ParseResult pr = spec.commandLine().getParseResult();
      boolean shapeGiven =
          pr.hasMatchedOption("--nodes")
              || pr.hasMatchedOption("--shards")
              || pr.hasMatchedOption("--replicas")
              || pr.hasMatchedOption("--protocol")
              || pr.hasMatchedOption("--fsync");
      if (!shapeGiven && java.nio.file.Files.isRegularFile(dir.dir().resolve(ClusterFile.NAME))) {
        // A cluster recorded here is relaunched as it was, unless a different shape is asked for.
        ClusterFile recorded = dir.load().file();
        nodes = recorded.nodes().size();
        shards = recorded.shards();
        replicas = recorded.replicas();
        protocol = recorded.protocol();
        fsync = recorded.fsync();
      }
      if (warmupReads < 0 || warmupReads > 1_000_000)
        throw new Txlab.UsageError("--warmup-reads must be 0..1000000, not " + warmupReads);
      if (warmupWrites < 0 || warmupWrites > 1_000_000)
        throw new Txlab.UsageError("--warmup-writes must be 0..1000000, not " + warmupWrites);
      LiveCluster.StartOptions o =
          LiveCluster.StartOptions.defaults(dir.dir())
              .withShape(nodes, shards, replicas)
              .withProtocol(protocol)
              .withFsync(fsync)
              .withNodeFlags(nodeFlags)
              .withTimeout(timeout);
      if (!nodeJavaOptions.isEmpty()) {
        for (String opt : nodeJavaOptions) {
          if (!opt.startsWith("-"))
            throw new Txlab.UsageError(
                "--node-java-option: '" + opt + "' is not a JVM option (they start with '-')");
        }
        List<String> java = new ArrayList<>(o.javaOptions());
        java.addAll(nodeJavaOptions);
        o = o.withJavaOptions(java);
      }
      LiveCluster c;
      try {
        c = LiveCluster.start(o, out);
      } catch (LiveException e) {
        throw new Txlab.UsageError(e.getMessage());
      }
      if (!c.transactional() && warmupReads + warmupWrites > 0) {
        LiveCluster.WarmUp w = c.warmUp(warmupReads, warmupWrites, LiveCluster.WARMUP_BUDGET);
        out.printf(
            "warmed up: %d reads and %d failing compare-and-sets through %d nodes in %.1f s%s%n",
            w.reads(),
            w.writes(),
            c.nodes().size(),
            w.took().toMillis() / 1000.0,
            w.failed() == 0 ? "" : " (" + w.failed() + " not answered)");
      }
      ClusterFile f = c.file();
      out.printf(
          "cluster up in %s: %d nodes, %d shards × %d replicas, protocol %s, fsync %s%n",
          c.dir(), f.nodes().size(), f.shards(), f.replicas(), f.protocol(), f.fsync());
      out.printf("  %-4s %-8s %-6s %-6s %s%n", "node", "pid", "http", "admin", "log");
      for (ClusterFile.Node n : f.nodeProcesses()) {
        out.printf(
            "  %-4s %-8d %-6d %-6s %s%n",
            n.name(),
            n.pid(),
            n.httpPort(),
            n.adminPort() > 0 ? String.valueOf(n.adminPort()) : "-",
            n.log());
      }
      if (f.admin()) {
        out.println("  admin token: " + c.dir().resolve(ClusterFile.TOKEN) + " (owner-only)");
      }
      out.printf("  try: curl -s localhost:%d/status%n", f.nodeProcesses().get(0).httpPort());
      String d = dir.flag();
      out.println("next:");
      out.println("  txlab cluster status" + d);
      out.println(
          "  txlab workload "
              + (c.transactional() ? "list-append" : "register")
              + " --duration 20s"
              + d);
      out.println("  txlab chaos 'partition n1,n2'" + d + "   then   txlab chaos heal" + d);
      out.println("  txlab chaos kill n3" + d + "   then   txlab chaos restart n3" + d);
      out.println("  txlab cluster stop" + d);
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Each node: pid, alive, per-shard role/term/leader, active faults.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      LiveCluster c = dir.load();
      ClusterFile f = c.file();
      out.printf(
          "cluster in %s: %d nodes, %d shards × %d replicas, protocol %s, fsync %s%n",
          c.dir(), f.nodes().size(), f.shards(), f.replicas(), f.protocol(), f.fsync());
      out.printf(
          "  %-4s %-8s %-6s %-44s %s%n",
          "node", "pid", "alive", "shards (role/term/leader)", "faults");
      for (LiveCluster.NodeStatus s : c.status()) {
        String shards;
        String faults;
        if (s.status() == null) {
          shards = s.problem();
          faults = "";
        } else {
          shards = shardsText(s.status());
          faults = faultsText(s.status());
        }
        out.printf(
            "  %-4s %-8s %-6s %-44s %s%n",
            s.node(),
            s.pid() == null ? "-" : String.valueOf(s.pid()),
            s.alive() ? "yes" : "NO",
            shards,
            faults);
      }
      List<String> noLeader = c.running().isEmpty() ? c.shards() : c.shardsWithoutLeader();
      out.println(
          noLeader.isEmpty()
              ? "every shard has a leader"
              : "no leader known for: " + String.join(", ", noLeader));
      out.flush();
      return 0;
    }

    static String shardsText(JsonNode status) {
      JsonNode shards = status.get("shards");
      if (shards == null) {
        JsonNode comps = status.get("components");
        return comps == null ? "?" : "hosts " + comps.toString().replace("\"", "");
      }
      List<String> parts = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> it = shards.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode s = e.getValue();
        parts.add(
            e.getKey()
                + " "
                + s.path("role").asText("?")
                + "/"
                + s.path("term").asText("?")
                + "/"
                + s.path("leader").asText("-"));
      }
      return String.join(", ", parts);
    }

    static String faultsText(JsonNode status) {
      JsonNode faults = status.get("faults");
      List<String> parts = new ArrayList<>();
      if (faults != null && faults.isArray()) {
        faults.forEach(x -> parts.add(x.asText()));
      } else if (faults != null && faults.isObject()) {
        // Single-key nodes report their link-fault settings as an object.
        if (faults.path("dropTo").size() > 0)
          parts.add("drops to " + faults.get("dropTo").toString().replace("\"", ""));
        if (faults.path("dropFrom").size() > 0)
          parts.add("drops from " + faults.get("dropFrom").toString().replace("\"", ""));
        if (faults.path("loss").asDouble() > 0) parts.add("loss " + faults.get("loss").asDouble());
        if (faults.path("delayNanos").asLong() > 0)
          parts.add("delay " + faults.get("delayNanos").asLong() / 1_000_000 + "ms");
        if (faults.path("duplication").asDouble() > 0)
          parts.add("duplicate " + faults.get("duplication").asDouble());
      }
      double skew =
          status.has("clock_offset_ms")
              ? status.get("clock_offset_ms").asDouble()
              : status.path("clockOffsetNanos").asLong() / 1e6;
      if (skew != 0) {
        parts.add("clock " + (skew > 0 ? "+" : "") + skew + "ms");
      }
      return parts.isEmpty() ? "none" : String.join("; ", parts);
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description =
          "SIGTERM every node, SIGKILL any left after the grace period, and check that no process is left. Data and logs stay.")
  static final class Stop implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Option(
        names = "--grace",
        defaultValue = "5s",
        converter = DurationConverter.class,
        description = "How long to wait after SIGTERM (default 5s).")
    Duration grace;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      LiveCluster c = dir.load();
      LiveCluster.StopReport r = c.stop(grace);
      if (!r.terminated().isEmpty())
        out.println("stopped (SIGTERM): " + String.join(", ", r.terminated()));
      if (!r.killed().isEmpty())
        out.println(
            "killed after " + grace.toSeconds() + " s (SIGKILL): " + String.join(", ", r.killed()));
      if (!r.alreadyDown().isEmpty())
        out.println("already down: " + String.join(", ", r.alreadyDown()));
      if (!r.leftAlive().isEmpty()) {
        out.println("STILL ALIVE: " + String.join(", ", r.leftAlive()));
        out.flush();
        return 1;
      }
      out.println("no node process is left; data and logs remain in " + c.dir());
      out.flush();
      return 0;
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true, description = "The end of a node's log.")
  static final class Logs implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DirOption dir = new DirOption();

    @Parameters(index = "0", paramLabel = "NODE", description = "The node (n1, n2, …).")
    String node;

    @Option(names = "--lines", defaultValue = "40", description = "How many lines (default 40).")
    int lines;

    @Override
    public Integer call() {
      if (lines < 1) {
        throw new Txlab.UsageError("--lines must be at least 1");
      }
      LiveCluster c = dir.load();
      ClusterFile.Node n;
      try {
        n = c.node(node);
      } catch (LiveException e) {
        throw new Txlab.UsageError(e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("==> " + n.log() + " <==");
      out.println(LiveCluster.tail(Path.of(n.log()), lines));
      out.flush();
      return 0;
    }
  }
}
