package dev.txlab.coordinator.migration;

import dev.txlab.coordinator.protocol.Topology;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import dev.txlab.node.golden.GoldenScripts;
import dev.txlab.node.kv.KvMessage;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.KvResult;
import dev.txlab.node.sim.SimConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden scripts for the migration lab ({@code src/test/resources/migration/*.txt}): a whole {@link
 * MigrationSimCluster} (three Raft replicas of one shard as the new store, the old store, the
 * consumer, the router, the operator) driven on the simulator by an application that sends one
 * request at a time to the router, with the clock advanced by hand and nodes killed by name.
 *
 * <p>Commands: {@code cluster [knob=value…]} builds it (seed 1); {@code put K V}, {@code cas K E
 * V}, {@code get K} send one request and wait for its answer; {@code writes N K1,K2,…} sends {@code
 * N} puts one after another over the keys in turn, values counting from 1; {@code run D} advances
 * time ({@code 300ms}, {@code 2s}); {@code run-until-applied N} until the consumer has applied
 * {@code N} changes (and not a step further); {@code kill NODE}, {@code restart NODE}; {@code phase
 * N}, {@code rollback phase N}; {@code show K…} prints each key in both stores; {@code ranges K…}
 * each key's range; {@code log} prints the old store's retained log; {@code slot} its slot and
 * retained bytes; {@code stats} what the measurements counted; {@code agree} the stores'
 * comparison.
 */
class MigrationScriptTest {
  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return GoldenScripts.tests(Path.of("src/test/resources/migration"), World::new);
  }

  /** An operation for the application to send, handed to it by the script. */
  record Submit(KvOp op) implements Message {}

  /** The application: one request at a time to the router, answers written down. */
  static final class App implements Process {
    static final Address ADDRESS = Address.of(NodeId.of("t1"), "app");
    final Env env;
    final ArrayDeque<KvOp> queue = new ArrayDeque<>();
    final List<String> answers = new ArrayList<>();
    KvOp current;
    long seq;

    App(Env env) {
      this.env = env;
    }

    @Override
    public void onStart() {}

    void submit(KvOp op) {
      queue.add(op);
      if (current == null) {
        next();
      }
    }

    private void next() {
      current = queue.poll();
      if (current != null) {
        seq++;
        send();
      }
    }

    private void send() {
      env.send(
          Address.of(MigrationSimCluster.APP, "shard-0"),
          new KvMessage.ClientRequest("tester", seq, current));
      env.setTimer(300_000_000L, new MigrationTimer.Tick(seq));
    }

    @Override
    public void onMessage(Address from, Message message) {
      if (message instanceof Submit s) {
        submit(s.op());
        return;
      }
      if (!(message instanceof KvMessage.ClientReply r) || r.seq() != seq || current == null) {
        return;
      }
      KvResult res = r.result();
      if (res instanceof KvResult.Ok ok) {
        answers.add("ok " + ok.value());
      } else if (res instanceof KvResult.CasFailed cf) {
        answers.add("cas-failed " + cf.actual());
      } else if (res instanceof KvResult.Unknown u) {
        answers.add("unknown: " + u.reason());
      } else {
        answers.add(String.valueOf(res));
      }
      current = null;
      next();
    }

    @Override
    public void onTimer(Timer timer) {
      if (timer instanceof MigrationTimer.Tick t && t.n() == seq && current != null) {
        send(); // the same seq: the router answers a retry as the first time
      }
    }
  }

  private static final class World implements GoldenScripts.World {
    MigrationSimCluster cluster;

    App app() {
      return (App) cluster.sim().process(App.ADDRESS);
    }

    void submit(KvOp op) {
      cluster.sim().inject(App.ADDRESS, App.ADDRESS, new Submit(op));
    }

    @Override
    public String run(String command) {
      String[] w = command.trim().split("\\s+");
      switch (w[0]) {
        case "cluster":
          {
            Map<String, String> given = new TreeMap<>();
            for (int i = 1; i < w.length; i++) {
              String[] kv = w[i].split("=", 2);
              given.put(kv[0], kv[1]);
            }
            MigrationProtocol p = new MigrationProtocol();
            cluster =
                new MigrationSimCluster(
                    new Topology(3, 1, 3, List.of()), p.settings(given), SimConfig.defaults(1));
            cluster.sim().addProcess(App.ADDRESS, App::new);
            return "ok\n";
          }
        case "put":
          return request(new KvOp.Put(w[1], w[2]));
        case "cas":
          return request(new KvOp.Cas(w[1], w[2], w[3]));
        case "get":
          return request(new KvOp.Get(w[1]));
        case "writes":
          {
            int n = Integer.parseInt(w[1]);
            String[] keys = w[2].split(",");
            int before = app().answers.size();
            for (int i = 1; i <= n; i++) {
              submit(new KvOp.Put(keys[(i - 1) % keys.length], Integer.toString(i)));
            }
            cluster.sim().runUntil(() -> app().answers.size() == before + n, 60_000_000_000L);
            long ok =
                app().answers.subList(before, app().answers.size()).stream()
                    .filter(a -> a.startsWith("ok"))
                    .count();
            return ok + " of " + n + " ok\n";
          }
        case "run-until-applied":
          {
            long n = Long.parseLong(w[1]);
            cluster
                .sim()
                .runUntil(() -> cluster.measurements().changesApplied() >= n, 10_000_000_000L);
            return "applied "
                + cluster.measurements().changesApplied()
                + ", slot "
                + cluster.oldStore().slot()
                + "\n";
          }
        case "run":
          cluster.sim().runFor(nanos(w[1]));
          return "t=" + cluster.sim().nowNanos() / 1_000_000 + "ms\n";
        case "kill":
          cluster.control().crash(NodeId.of(w[1]));
          return "killed " + w[1] + "\n";
        case "restart":
          cluster.control().restart(NodeId.of(w[1]));
          return "restarted " + w[1] + "\n";
        case "phase":
          return step(Integer.parseInt(w[1]), false);
        case "rollback":
          return step(Integer.parseInt(w[2]), true);
        case "show":
          {
            StringBuilder sb = new StringBuilder();
            SortedMap<String, String> old = cluster.oldStore().contents();
            SortedMap<String, String> fresh = cluster.newStoreContents().orElseThrow();
            for (int i = 1; i < w.length; i++) {
              sb.append(w[i])
                  .append(": old ")
                  .append(old.getOrDefault(w[i], "absent"))
                  .append(", new ")
                  .append(fresh.getOrDefault(w[i], "absent"))
                  .append('\n');
            }
            return sb.toString();
          }
        case "ranges":
          {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < w.length; i++) {
              sb.append(w[i])
                  .append(" in range ")
                  .append(Router.rangeOf(w[i], MigrationSimCluster.RANGES))
                  .append('\n');
            }
            return sb.toString();
          }
        case "log":
          {
            StringBuilder sb = new StringBuilder();
            for (MigrationMessage.Change c : cluster.oldStore().retainedLog()) {
              sb.append(c.position()).append(' ').append(c.kind());
              if (c.key() != null) {
                sb.append(' ').append(c.key()).append('=').append(c.value());
              }
              if (c.origin() == MigrationMessage.Origin.WRITE_BACK) {
                sb.append(" (write-back)");
              }
              sb.append('\n');
            }
            return sb.length() == 0 ? "empty\n" : sb.toString();
          }
        case "slot":
          {
            OldStore o = cluster.oldStore();
            return "slot "
                + o.slot()
                + ", retained "
                + o.retainedBytes()
                + " bytes, refused "
                + cluster.measurements().refusals()
                + " writes\n";
          }
        case "stats":
          {
            MigrationMeasurements m = cluster.measurements();
            return "applied "
                + m.changesApplied()
                + ", duplicates "
                + m.duplicates()
                + ", reordered "
                + m.reordered()
                + ", backfilled "
                + m.backfillRows()
                + ", shadow mismatches "
                + m.shadowMismatches()
                + "\n";
          }
        case "agree":
          {
            List<String> d = cluster.divergentKeys().orElseThrow();
            return d.isEmpty() ? "stores agree\n" : String.join("\n", d) + "\n";
          }
        default:
          throw new IllegalArgumentException("unknown command " + command);
      }
    }

    private String step(int phase, boolean rollback) {
      Optional<String> why = cluster.operatorStep(phase, rollback);
      if (why.isPresent()) {
        return "not applied: " + why.get() + "\n";
      }
      cluster.sim().runFor(100_000_000L);
      return "on the new store: " + cluster.router().servedByNew() + "\n";
    }

    private String request(KvOp op) {
      int before = app().answers.size();
      submit(op);
      cluster.sim().runUntil(() -> app().answers.size() > before, 10_000_000_000L);
      return app().answers.size() > before ? app().answers.get(before) + "\n" : "no answer\n";
    }

    static long nanos(String d) {
      if (d.endsWith("ms")) {
        return Long.parseLong(d.substring(0, d.length() - 2)) * 1_000_000L;
      }
      return Long.parseLong(d.substring(0, d.length() - 1)) * 1_000_000_000L;
    }
  }
}
