package dev.txlab.node.live;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.HostContractTest;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ProcessFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * The live host honours the same step contract as the simulator: real Vert.x verticles, real files
 * with fsync, real timers, nodes joined by an in-JVM transport.
 *
 * <p>Host time here is real time in slow motion (×4): the contract's scripts count timer ticks
 * between crashes, and on a loaded two-core machine the fsync and scheduling jitter of a real host
 * would otherwise decide a tick either way. One event loop runs every process, so the journals the
 * test processes write (plain lists) see one thread; {@code runFor} ends with a round trip through
 * that loop so the test thread sees what they wrote.
 */
class VertxHostContractTest extends HostContractTest {
  private static final int SLOW_MOTION = 4;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) resources.get(i).close();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected TestHost newHost() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    GroupCommitter disk = new GroupCommitter("contract-disk");
    Path dir;
    try {
      dir = Files.createTempDirectory("txlab-contract");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalNetwork network = new LocalNetwork();
    Map<NodeId, VertxHost> hosts = new TreeMap<>();
    resources.add(() -> await(vertx.close()));
    resources.add(disk);
    resources.add(() -> hosts.values().forEach(VertxHost::close));
    resources.add(() -> deleteTree(dir));

    return new TestHost() {
      VertxHost host(NodeId node) {
        return hosts.computeIfAbsent(
            node,
            n ->
                new VertxHost(
                    vertx,
                    VertxHost.Config.defaults(n, dir.resolve(n.name()), 42)
                        .withSlowMotion(SLOW_MOTION),
                    network.transport(n),
                    disk));
      }

      // Like the simulator, a process added here starts when host time next runs.
      final List<Runnable> pendingStarts = new ArrayList<>();

      void startPending() {
        for (Runnable r : pendingStarts) r.run();
        pendingStarts.clear();
      }

      @Override
      public void add(Address address, ProcessFactory factory) {
        VertxHost h = host(address.node());
        pendingStarts.add(() -> await(h.add(address.component(), factory)));
      }

      @Override
      public void runFor(long nanos) {
        startPending();
        try {
          Thread.sleep(nanos * SLOW_MOTION / 1_000_000L);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        // A round trip through the (single) event loop: everything done before it is visible here.
        for (VertxHost h : hosts.values())
          for (String c : h.components()) await(h.onProcessThread(c, () -> {}));
        for (VertxHost h : hosts.values()) {
          if (!h.failures().isEmpty())
            throw new AssertionError("process failed", h.failures().get(0));
        }
      }

      @Override
      public void crash(NodeId node) {
        await(host(node).crash());
      }

      @Override
      public void restart(NodeId node) {
        await(host(node).restart());
      }

      @Override
      public boolean crashDuringSync(Address address) {
        disk.stall();
        try {
          startPending();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
          VertxHost h = host(address.node());
          while (!h.syncInProgress(address.component())) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(1);
          }
          await(h.crash());
          return true;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        } finally {
          disk.unstall();
        }
      }
    };
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList())
        Files.deleteIfExists(p);
    }
  }
}
