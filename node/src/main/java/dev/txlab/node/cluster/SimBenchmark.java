package dev.txlab.node.cluster;

import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.sim.LinkConfig;
import dev.txlab.node.sim.PartitionShapes;
import dev.txlab.node.sim.SimConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.Simulator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The simulator benchmark (figures, not a test): 5 nodes, 3 shards × 3 replicas, about 1,000 client
 * operations per simulated second on a register workload, 60 simulated seconds, with a nemesis
 * injecting partitions, crashes, restarts, pauses, clock drift, loss and duplication all along.
 * Raft's safety monitor runs after every event, as in the tests.
 *
 * <p>Prints simulated events per second, messages per second and the virtual/real time ratio. Time
 * is measured with the caller's clock; {@link #main} uses this thread's CPU time (the protocol
 * packages may not read the wall clock, and on an otherwise idle core CPU time and wall time agree
 * — on a shared machine CPU time is the fairer "one core" figure).
 *
 * <pre>java -cp … dev.txlab.node.cluster.SimBenchmark [seed] [simSeconds] [--compact-trace]</pre>
 */
public final class SimBenchmark {
  private SimBenchmark() {}

  /** The figures of one run. */
  public record Figures(
      long seed,
      long simulatedNanos,
      long measuredNanos,
      long events,
      long messages,
      long opsCompleted,
      long opsOk,
      String traceSha256) {
    public double eventsPerSecond() {
      return events / (measuredNanos / 1e9);
    }

    public double messagesPerSecond() {
      return messages / (measuredNanos / 1e9);
    }

    public double virtualToRealRatio() {
      return (double) simulatedNanos / measuredNanos;
    }

    public double opsPerSimulatedSecond() {
      return opsCompleted / (simulatedNanos / 1e9);
    }

    public String render() {
      return String.format(
          Locale.ROOT,
          "seed %d: %.0f simulated s in %.3f s%n"
              + "  events           %,d  (%,.0f events/s)%n"
              + "  messages         %,d  (%,.0f messages/s)%n"
              + "  client ops       %,d completed (%,d ok), %.0f per simulated s%n"
              + "  virtual/real     %.1fx%n"
              + "  trace sha256     %s",
          seed,
          simulatedNanos / 1e9,
          measuredNanos / 1e9,
          events,
          eventsPerSecond(),
          messages,
          messagesPerSecond(),
          opsCompleted,
          opsOk,
          opsPerSimulatedSecond(),
          virtualToRealRatio(),
          traceSha256);
    }
  }

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  /**
   * Runs the fixed scenario.
   *
   * @param clock a nanosecond clock to time the run with (the caller's choice)
   * @param traceMessageBodies full message contents in the trace (the default) or class names only
   */
  public static Figures run(
      long seed, long simulatedSeconds, boolean traceMessageBodies, LongSupplier clock) {
    SimConfig simConfig = SimConfig.defaults(seed).withTraceMessageBodies(traceMessageBodies);
    SimCluster cluster = new SimCluster(SimCluster.Config.defaults(seed).withSim(simConfig));
    cluster.sim().setLogLines(false);
    long[] completed = {0, 0};
    ClientObserver counter =
        new ClientObserver() {
          @Override
          public void invoked(String clientId, long seq, KvOp op) {}

          @Override
          public void completed(String clientId, long seq, KvOp op, Outcome outcome, String value) {
            completed[0]++;
            if (outcome == Outcome.OK) completed[1]++;
          }
        };
    // 10 closed-loop clients, 5 ms mean think time: about 1,000 ops per simulated second in total.
    for (int c = 0; c < 10; c++) {
      cluster.addClient(
          random -> {
            String key = "r" + random.nextInt(30);
            int dice = random.nextInt(10);
            if (dice < 5) return new KvOp.Get(key);
            if (dice < 9) return new KvOp.Put(key, Long.toString(random.nextInt(1000)));
            return new KvOp.Cas(
                key, Long.toString(random.nextInt(1000)), Long.toString(random.nextInt(1000)));
          },
          counter,
          5 * MS);
    }
    scheduleNemesis(cluster, seed, simulatedSeconds * S);
    long start = clock.getAsLong();
    cluster.sim().runFor(simulatedSeconds * S);
    long measured = Math.max(1, clock.getAsLong() - start);
    Simulator.Stats stats = cluster.sim().stats();
    return new Figures(
        seed,
        stats.virtualNanos(),
        measured,
        stats.events(),
        stats.messagesSent(),
        completed[0],
        completed[1],
        cluster.sim().trace().digestHex());
  }

  /** Every 1–3 s a fault, each healed 0.5–1.5 s later; crashes are followed by restarts. */
  private static void scheduleNemesis(SimCluster cluster, long seed, long untilNanos) {
    SimControl control = cluster.control();
    RandomSource r = new RandomSource(seed).fork("benchmark-nemesis");
    List<NodeId> servers = cluster.serverNodes();
    long t = 2 * S;
    while (t < untilNanos - 3 * S) {
      NodeId victim = servers.get(r.nextInt(servers.size()));
      long heal = t + r.between(500 * MS, 1_500 * MS);
      int kind = r.nextInt(7);
      switch (kind) {
        case 0 ->
            control.schedule(
                t,
                "partition halves",
                () -> control.cut(PartitionShapes.halves(cluster.serverNodeSet())));
        case 1 ->
            control.schedule(
                t,
                "isolate " + victim,
                () -> control.cut(PartitionShapes.isolate(victim, cluster.serverNodeSet())));
        case 2 -> control.schedule(t, "crash " + victim, () -> control.crash(victim));
        case 3 -> control.schedule(t, "pause " + victim, () -> control.pause(victim));
        case 4 -> control.schedule(t, "drift " + victim, () -> control.setClockDrift(victim, 300));
        case 5 ->
            control.schedule(
                t,
                "lossy links",
                () ->
                    control.setDefaultLink(LinkConfig.lan().withLoss(0.05).withDuplication(0.02)));
        default ->
            control.schedule(
                t,
                "majority ring",
                () -> control.cut(PartitionShapes.majorityRing(cluster.serverNodeSet())));
      }
      control.schedule(heal, "heal", cluster::healEverything);
      t = heal + r.between(500 * MS, 1_500 * MS);
    }
  }

  /** This thread's CPU time in nanoseconds. */
  public static long threadCpuNanos() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    return bean.getCurrentThreadCpuTime();
  }

  public static void main(String[] args) {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
    long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
    boolean bodies = !List.of(args).contains("--compact-trace");
    // Warm the JIT on two runs of other seeds first so the figure describes the steady state.
    run(seed + 1000, seconds, bodies, SimBenchmark::threadCpuNanos);
    run(seed + 2000, seconds, bodies, SimBenchmark::threadCpuNanos);
    Figures f = run(seed, seconds, bodies, SimBenchmark::threadCpuNanos);
    System.out.println(
        "txlab sim benchmark: 5 nodes, 3 shards x 3 replicas, ~1,000 ops/simulated s, faults on"
            + (bodies ? "" : ", compact trace")
            + ", time = this thread's CPU time");
    System.out.println(f.render());
  }
}
