package dev.txlab.coordinator;

import dev.txlab.coordinator.client.TxnClient;
import dev.txlab.coordinator.participant.TxnShardReplica;
import dev.txlab.coordinator.participant.TxnStateMachine;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnKnobs;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.coordinator.txn.TxnTimer;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.ForwardingEnv;
import dev.txlab.node.api.InMemoryStorage;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Storage;
import dev.txlab.node.api.Timer;
import dev.txlab.node.api.TrueTimeInterval;
import dev.txlab.node.golden.GoldenScripts;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.raft.RaftConfig;
import dev.txlab.node.raft.RaftMessage;
import dev.txlab.node.raft.RaftTimer;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden interaction scripts for the transaction protocol ({@code src/test/resources/txn/*.txt}),
 * in the style of the Raft ones: prose ({@code #} lines) saying what the file shows, then blocks of
 * {@code command / ---- / expected output}. The real processes run — each shard a Raft group of
 * {@link TxnShardReplica}s on n1, n2, n3 (Spanner-style: shard leaders coordinate), clients {@link
 * TxnClient}s — over a network with no delay that delivers in order when asked, and a manual clock.
 * Raft's own messages are delivered but not printed, so the transcript is the transaction protocol:
 * every transaction message, and each client outcome. Regenerate the expected output with {@code
 * -Dgolden.rewrite=true}.
 *
 * <p>Commands: {@code cluster SHARDS [classic]} (three nodes; shard k's first leader is n(k mod 3 +
 * 1); with {@code classic}, classic 2PC: locking reads and one unreplicated coordinator {@code
 * c0/coord}), {@code keys} (which shard each of the keys a..h lives on), {@code begin cX OP; OP…}
 * (client cX runs a transaction: {@code append k v}, {@code r k}; cX is created on first use),
 * {@code stabilize} (deliver until quiet; no time passes), {@code deliver N} (until N transaction
 * messages went), {@code hold cX} / {@code release cX} (messages from cX wait in the network, then
 * go on in their order), {@code elapse MS} (time passes, timers fire as they come due, each
 * followed by delivery), {@code crash nX}, {@code restart nX}, {@code isolate nX}, {@code heal},
 * {@code status} (each shard's leader and, per replica, its transactions: active ones with their
 * state, decided ones it still keeps — a coordinator record not yet acknowledged by every
 * participant is marked {@code (awaiting acks)}).
 */
class TxnScriptTest {
  static final Path DIR = Path.of("src/test/resources/txn");
  static final long EPSILON_NANOS = 1_000_000L;

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return GoldenScripts.tests(DIR, World::new);
  }

  private record Envelope(Address from, Address to, Message message) {}

  private record Due(long atNanos, long seq, Address owner, Timer timer) {}

  /** The processes, the in-order network and the manual clock of one script. */
  private static final class World implements GoldenScripts.World {
    final List<NodeId> servers = List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));
    TxnKnobs knobs = TxnKnobs.spanner();

    /** Classic 2PC's coordinator ({@code cluster N classic}), or null. */
    Address single;

    long now;
    long timerSeq;
    ShardMap shardMap;
    final TreeMap<Address, Host> hosts = new TreeMap<>();
    final ArrayDeque<Envelope> network = new ArrayDeque<>();
    final List<Due> timers = new ArrayList<>();
    final TreeSet<String> isolated = new TreeSet<>();
    final TreeSet<String> down = new TreeSet<>();
    final TreeSet<String> held = new TreeSet<>();
    final ArrayDeque<Envelope> heldBack = new ArrayDeque<>();
    final StringBuilder out = new StringBuilder();

    /** One hosted process, its storage surviving crashes, and its environment. */
    final class Host implements Env {
      final Address self;
      final java.util.function.Function<Env, Process> factory;
      final InMemoryStorage storage = new InMemoryStorage();
      Process process;
      RandomSource random;
      int incarnation;

      Host(Address self, java.util.function.Function<Env, Process> factory) {
        this.self = self;
        this.factory = factory;
      }

      void start() {
        incarnation++;
        random = new RandomSource(7).fork(self + "/" + incarnation);
        process = factory.apply(this);
        process.onStart();
      }

      @Override
      public Address self() {
        return self;
      }

      @Override
      public void send(Address to, Message message) {
        network.add(new Envelope(self, to, message));
      }

      @Override
      public void setTimer(long delayNanos, Timer timer) {
        timers.add(new Due(now + delayNanos, timerSeq++, self, timer));
      }

      @Override
      public long localClockNanos() {
        return now;
      }

      @Override
      public TrueTimeInterval trueTime() {
        return new TrueTimeInterval(now - EPSILON_NANOS, now + EPSILON_NANOS);
      }

      @Override
      public RandomSource random() {
        return random;
      }

      @Override
      public Storage storage() {
        return storage;
      }

      @Override
      public void log(String text) {}
    }

    /** A client whose next transaction is the one a {@code begin} names. */
    final class Client implements TxnObserver {
      final String name;
      List<MicroOp> next;
      TxnTimer.ClientNext parked;
      Host host;

      Client(String name) {
        this.name = name;
      }

      @Override
      public void invoked(String c, long seq, List<MicroOp> txn) {}

      @Override
      public void completed(String c, long seq, List<MicroOp> result, Outcome outcome, String why) {
        out.append(name)
            .append(" txn ")
            .append(seq)
            .append(' ')
            .append(outcome == Outcome.OK ? "ok" : outcome == Outcome.FAIL ? "fail" : "info")
            .append(' ')
            .append(result)
            .append(why == null ? "" : " (" + why + ")")
            .append('\n');
      }
    }

    final TreeMap<String, Client> clients = new TreeMap<>();

    @Override
    public String run(String line) {
      out.setLength(0);
      String[] w = line.trim().split("\\s+");
      switch (w[0]) {
        case "cluster" -> {
          if (w.length > 2 && w[2].equals("classic")) {
            knobs = TxnKnobs.classic2pc();
            single = Address.of(NodeId.of("c0"), "coord");
          }
          cluster(Integer.parseInt(w[1]));
        }
        case "keys" -> {
          for (char k = 'a'; k <= 'h'; k++) {
            out.append(k).append(" on ").append(shardMap.shardOf(String.valueOf(k))).append('\n');
          }
        }
        case "begin" -> begin(w[1], line.substring(line.indexOf(w[1]) + w[1].length()).trim());
        case "stabilize" -> stabilize();
        case "deliver" -> deliver(Integer.parseInt(w[1]));
        case "hold" -> {
          held.add(w[1]);
          out.append("holding messages from ").append(w[1]).append('\n');
        }
        case "release" -> {
          held.remove(w[1]);
          network.addAll(heldBack);
          heldBack.clear();
          out.append("released ").append(w[1]).append('\n');
        }
        case "elapse" -> elapse(Long.parseLong(w[1]) * 1_000_000L);
        case "crash" -> {
          down.add(w[1]);
          timers.removeIf(d -> d.owner().node().name().equals(w[1]));
          network.removeIf(
              e -> e.to().node().name().equals(w[1]) || e.from().node().name().equals(w[1]));
          out.append(w[1]).append(" crashed\n");
        }
        case "restart" -> {
          down.remove(w[1]);
          out.append(w[1]).append(" restarted\n");
          for (Host h : hosts.values()) if (h.self.node().name().equals(w[1])) h.start();
        }
        case "isolate" -> {
          isolated.add(w[1]);
          out.append(w[1]).append(" isolated\n");
        }
        case "heal" -> {
          isolated.clear();
          out.append("healed\n");
        }
        case "status" -> status();
        default -> throw new IllegalArgumentException("unknown command " + line);
      }
      return out.toString();
    }

    void cluster(int shards) {
      shardMap = new ShardMap(servers, shards, 3);
      for (ShardId s : shardMap.allShards()) {
        List<Address> members = shardMap.replicasOf(s);
        TxnShardReplica.Config rc =
            new TxnShardReplica.Config(
                s,
                RaftConfig.defaults(members),
                shardMap,
                knobs,
                single,
                16,
                20_000_000L,
                300_000_000L);
        for (Address a : members) {
          hosts.put(a, new Host(a, env -> new TxnShardReplica(env, rc, TxnProbe.NONE)));
        }
      }
      if (single != null) {
        hosts.put(
            single,
            new Host(
                single,
                env ->
                    new dev.txlab.coordinator.single.SingleCoordinator(
                        env, shardMap, knobs, TxnProbe.NONE)));
      }
      for (Host h : hosts.values()) h.start();
      // An election timeout passes (no timer fires on its own), then each first leader campaigns.
      now += 300_000_000L;
      for (ShardId s : shardMap.allShards()) {
        NodeId first = servers.get(s.index() % servers.size());
        Address a = Address.of(first, s.component());
        // Its election timer fires now: the first leader is chosen, not left to chance.
        Due d =
            timers.stream()
                .filter(t -> t.owner().equals(a) && t.timer() instanceof RaftTimer.ElectionTimeout)
                .findFirst()
                .orElseThrow();
        timers.remove(d);
        fire(d);
        stabilize();
      }
      out.setLength(0);
      for (ShardId s : shardMap.allShards()) {
        out.append(s).append(" leader ").append(leader(s)).append('\n');
      }
    }

    String leader(ShardId s) {
      for (Address a : shardMap.replicasOf(s)) {
        Host h = hosts.get(a);
        if (!down.contains(a.node().name())
            && h.process instanceof TxnShardReplica r
            && r.raft().isLeader()) {
          return a.node().name();
        }
      }
      return "none";
    }

    void begin(String name, String opsText) {
      Client c =
          clients.computeIfAbsent(
              name,
              n -> {
                Client cl = new Client(n);
                Address a = Address.of(NodeId.of(n), "client");
                TxnClient.Config cc = TxnClient.Config.defaults(shardMap, knobs, single, 1);
                Host h =
                    new Host(
                        a,
                        env ->
                            new TxnClient(
                                new ParkingEnv(env, cl),
                                cc,
                                random -> {
                                  List<MicroOp> ops = cl.next;
                                  cl.next = null;
                                  return ops;
                                },
                                cl,
                                TxnProbe.NONE));
                cl.host = h;
                hosts.put(a, h);
                h.start();
                return cl;
              });
      List<MicroOp> ops = new ArrayList<>();
      for (String part : opsText.split(";")) {
        String[] p = part.trim().split("\\s+");
        ops.add(
            switch (p[0]) {
              case "append" -> MicroOp.append(p[1], Long.parseLong(p[2]));
              case "r" -> MicroOp.readList(p[1]);
              default -> throw new IllegalArgumentException("unknown op " + part);
            });
      }
      if (c.parked == null) throw new IllegalStateException(name + " is busy");
      c.next = ops;
      TxnTimer.ClientNext t = c.parked;
      c.parked = null;
      c.host.process.onTimer(t);
    }

    /** The client's environment, with its next-transaction timer parked until a begin. */
    final class ParkingEnv extends ForwardingEnv {
      final Client client;

      ParkingEnv(Env env, Client client) {
        super(env);
        this.client = client;
      }

      @Override
      public void setTimer(long delayNanos, Timer timer) {
        if (timer instanceof TxnTimer.ClientNext n) client.parked = n;
        else super.setTimer(delayNanos, timer);
      }
    }

    boolean reachable(Address from, Address to) {
      String a = from.node().name();
      String b = to.node().name();
      if (down.contains(b)) return false;
      return a.equals(b) || (!isolated.contains(a) && !isolated.contains(b));
    }

    void stabilize() {
      deliver(Integer.MAX_VALUE);
    }

    /** Delivers in order until {@code n} transaction messages went (Raft's go along unprinted). */
    void deliver(int n) {
      int delivered = 0;
      int printed = 0;
      while (!network.isEmpty() && printed < n) {
        if (++delivered > 100_000) throw new IllegalStateException("the network never settles");
        Envelope e = network.poll();
        if (held.contains(e.from().node().name())) {
          heldBack.add(e);
          continue;
        }
        if (!(e.message() instanceof RaftMessage)) printed++;
        Host h = hosts.get(e.to());
        boolean ok = h != null && reachable(e.from(), e.to());
        if (!(e.message() instanceof RaftMessage)) {
          out.append(e.from())
              .append(" -> ")
              .append(e.to())
              .append(' ')
              .append(describe(e.message()))
              .append(ok ? "" : "  (lost)")
              .append('\n');
        }
        if (ok) {
          h.process.onMessage(e.from(), e.message());
          h.process.checkInvariants();
        }
      }
    }

    void elapse(long nanos) {
      long end = now + nanos;
      while (true) {
        Due next = null;
        for (Due d : timers) {
          if (d.atNanos() <= end
              && (next == null
                  || d.atNanos() < next.atNanos()
                  || (d.atNanos() == next.atNanos() && d.seq() < next.seq()))) {
            next = d;
          }
        }
        if (next == null) break;
        timers.remove(next);
        now = next.atNanos();
        fire(next);
        stabilize();
      }
      now = end;
      out.append("now ").append(now / 1_000_000).append("ms\n");
    }

    void fire(Due d) {
      Host h = hosts.get(d.owner());
      if (down.contains(d.owner().node().name())) return;
      if (d.timer() instanceof TxnTimer t && !(t instanceof TxnTimer.Tick)) {
        out.append(d.owner()).append(" timer ").append(describe(t)).append('\n');
      }
      h.process.onTimer(d.timer());
      h.process.checkInvariants();
    }

    void status() {
      for (ShardId s : shardMap.allShards()) {
        out.append(s).append(" leader ").append(leader(s)).append('\n');
        for (Address a : shardMap.replicasOf(s)) {
          out.append("  ").append(a.node()).append(": ");
          if (down.contains(a.node().name())) {
            out.append("down\n");
            continue;
          }
          TxnStateMachine m = ((TxnShardReplica) hosts.get(a).process).machine();
          List<String> parts = new ArrayList<>();
          for (TxnStateMachine.Active t : m.activeTxns().values()) {
            parts.add(t.txn() + " " + t.status().name().toLowerCase());
          }
          for (Map.Entry<dev.txlab.coordinator.txn.TxnId, TxnStateMachine.Decided> d :
              m.decisions().entrySet()) {
            parts.add(
                d.getKey()
                    + " "
                    + d.getValue().decision().name().toLowerCase()
                    + (d.getValue().commitTs() > 0
                        ? "@" + d.getValue().commitTs() / 1000 + "us"
                        : "")
                    + (m.awaitingEnd().containsKey(d.getKey()) ? " (awaiting acks)" : ""));
          }
          out.append(parts.isEmpty() ? "-" : String.join(", ", parts))
              .append("  data ")
              .append(data(m))
              .append('\n');
        }
      }
    }

    static String data(TxnStateMachine m) {
      List<String> kv = new ArrayList<>();
      for (char k = 'a'; k <= 'h'; k++) {
        String v = m.store().latest(String.valueOf(k));
        if (v != null) kv.add(k + "=" + v);
      }
      return kv.isEmpty() ? "{}" : "{" + String.join(", ", kv) + "}";
    }
  }

  /**
   * A message or timer as {@code Name field=value …}; timestamps in microseconds of the manual
   * clock.
   */
  static String describe(Object o) {
    if (!o.getClass().isRecord()) return o.toString();
    StringBuilder b = new StringBuilder(o.getClass().getSimpleName());
    for (RecordComponent c : o.getClass().getRecordComponents()) {
      Object v;
      try {
        v = c.getAccessor().invoke(o);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      String name = c.getName();
      if (v instanceof Long l
          && (name.endsWith("Ts") || name.equals("ts") || name.equals("priority"))) {
        v = l / 1000 + "us";
      }
      b.append(' ').append(name).append('=').append(v);
    }
    return b.toString();
  }
}
