package dev.txlab.scenarios.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code DIR/cluster.json}: everything needed to find, inspect, stop and relaunch a live cluster —
 * its shape and protocol, how each node process was launched (the exact command, so {@code restart}
 * relaunches it identically), its ports, and the pid and start time of each running process. The
 * start time guards against pid reuse: a pid whose process started at another moment is not ours.
 *
 * @param version the file format's version
 * @param protocol {@code spanner}, {@code 2pc}, or {@code raft-kv} (single-key nodes)
 * @param nodeMain the node process's main class
 * @param admin whether the nodes serve the admin API ({@code --admin-port})
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ClusterFile(
    int version,
    String protocol,
    String nodeMain,
    boolean admin,
    List<String> nodes,
    int shards,
    int replicas,
    String fsync,
    List<Node> nodeProcesses) {
  public static final String NAME = "cluster.json";
  public static final String TOKEN = "admin.token";
  public static final String FAULTS = "faults.jsonl";
  public static final int VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One node process.
   *
   * @param command the full command line that launches it (java, JVM options, class path, main,
   *     flags)
   * @param peerPort the port other nodes reach it on (node-to-node messages)
   * @param pid the running process, or null when stopped
   * @param startedMillis when that process started (epoch ms, from the OS), or null
   */
  public record Node(
      String name,
      @com.fasterxml.jackson.annotation.JsonAlias("jgroups_port") int peerPort,
      int httpPort,
      int adminPort,
      String log,
      List<String> command,
      Long pid,
      Long startedMillis) {
    public Node {
      command = List.copyOf(command);
    }

    public Node withProcess(Long pid, Long startedMillis) {
      return new Node(name, peerPort, httpPort, adminPort, log, command, pid, startedMillis);
    }

    public Node withPorts(int httpPort, int adminPort) {
      return new Node(name, peerPort, httpPort, adminPort, log, command, pid, startedMillis);
    }
  }

  public ClusterFile {
    nodes = List.copyOf(nodes);
    nodeProcesses = List.copyOf(nodeProcesses);
  }

  public Node node(String name) {
    for (Node n : nodeProcesses) {
      if (n.name().equals(name)) {
        return n;
      }
    }
    return null;
  }

  public ClusterFile with(Node node) {
    List<Node> out = new ArrayList<>();
    for (Node n : nodeProcesses) {
      out.add(n.name().equals(node.name()) ? node : n);
    }
    return new ClusterFile(version, protocol, nodeMain, admin, nodes, shards, replicas, fsync, out);
  }

  public static ClusterFile read(Path dir) throws IOException {
    return JSON.readValue(dir.resolve(NAME).toFile(), ClusterFile.class);
  }

  /** Writes atomically (a temporary file moved into place), so a reader never sees half a file. */
  public void write(Path dir) throws IOException {
    Path tmp = dir.resolve(NAME + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(
        tmp,
        dir.resolve(NAME),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  static ObjectMapper json() {
    return JSON;
  }
}
