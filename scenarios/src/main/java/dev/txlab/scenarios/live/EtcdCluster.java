package dev.txlab.scenarios.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.txlab.node.live.LocalPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A three-member etcd cluster on loopback, the yardstick {@code txlab bench live} measures the live
 * cluster against with the same client: the {@code etcd} on the PATH (Debian's {@code
 * etcd-server}), fsync on as it always is, each member's data in its own directory, its output in
 * {@code eN.log} beside it. Members are started as child processes and stopped (and, from a
 * shutdown hook, killed) with this object, so none is left behind.
 */
public final class EtcdCluster implements AutoCloseable {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
  private final List<Process> members = new ArrayList<>();
  private final List<NodeApi> clients = new ArrayList<>();
  private final Thread hook = new Thread(this::kill, "txlab-etcd-stop");

  private EtcdCluster() {}

  /** The {@code etcd} program on the PATH, if there is one. */
  public static Optional<Path> onPath() {
    String path = System.getenv("PATH");
    if (path == null) return Optional.empty();
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path p = Path.of(dir, "etcd");
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /**
   * Starts three members of a fresh cluster in {@code dir} and waits until one of them leads.
   *
   * @throws LiveException if a member does not start or no leader is elected within a minute
   */
  public static EtcdCluster start(Path etcd, Path dir) throws LiveException {
    EtcdCluster c = new EtcdCluster();
    Runtime.getRuntime().addShutdownHook(c.hook);
    try {
      Files.createDirectories(dir);
      List<Integer> ports = LocalPorts.free(6);
      StringBuilder initial = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        if (i > 0) initial.append(',');
        initial.append("e").append(i + 1).append("=http://127.0.0.1:").append(ports.get(3 + i));
      }
      for (int i = 0; i < 3; i++) {
        String name = "e" + (i + 1);
        String client = "http://127.0.0.1:" + ports.get(i);
        String peer = "http://127.0.0.1:" + ports.get(3 + i);
        ProcessBuilder pb =
            new ProcessBuilder(
                    etcd.toString(),
                    "--name",
                    name,
                    "--data-dir",
                    dir.resolve(name).toString(),
                    "--listen-client-urls",
                    client,
                    "--advertise-client-urls",
                    client,
                    "--listen-peer-urls",
                    peer,
                    "--initial-advertise-peer-urls",
                    peer,
                    "--initial-cluster",
                    initial.toString(),
                    "--initial-cluster-state",
                    "new",
                    "--initial-cluster-token",
                    "txlab-bench")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        c.members.add(pb.start());
        c.clients.add(new NodeApi(name, ports.get(i), 0, ""));
      }
      c.awaitLeader(Duration.ofSeconds(60));
      return c;
    } catch (IOException | LiveException | RuntimeException e) {
      c.close();
      throw e instanceof LiveException
          ? (LiveException) e
          : new LiveException("etcd did not start: " + e.getMessage(), e);
    }
  }

  private void awaitLeader(Duration max) throws LiveException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      for (Process p : members) {
        if (!p.isAlive()) {
          throw new LiveException("an etcd member exited at start (exit " + p.exitValue() + ")");
        }
      }
      if (leader().isPresent()) return;
      LiveCluster.sleep(200);
    }
    throw new LiveException("etcd elected no leader within " + max.toSeconds() + " s");
  }

  /** The client API of the member that leads now, if one does. */
  public Optional<NodeApi> leader() {
    for (NodeApi api : clients) {
      NodeApi.Reply r = api.post("/v3/maintenance/status", Map.of(), CALL_TIMEOUT);
      if (!r.ok() || r.body() == null) continue;
      JsonNode header = r.body().path("header");
      String member = header.path("member_id").asText("");
      String leader = r.body().path("leader").asText("-");
      if (!member.isEmpty() && member.equals(leader)) return Optional.of(api);
    }
    return Optional.empty();
  }

  /** The members' client APIs, in order. */
  public List<NodeApi> members() {
    return List.copyOf(clients);
  }

  private synchronized void kill() {
    for (Process p : members) {
      p.destroyForcibly();
    }
    for (Process p : members) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops every member (SIGTERM, then SIGKILL after 10 s); returns those still alive after. */
  public synchronized List<String> stop() {
    for (Process p : members) p.destroy();
    List<String> alive = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Process p = members.get(i);
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (p.isAlive()) alive.add("e" + (i + 1));
    }
    return alive;
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }
}
