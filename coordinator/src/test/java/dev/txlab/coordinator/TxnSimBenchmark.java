package dev.txlab.coordinator;

import dev.txlab.coordinator.cluster.SimTxnCluster;
import dev.txlab.node.kv.ClientObserver.Outcome;

/**
 * Figures, not a verdict: how fast the simulator runs the Spanner-style protocol. {@code java -cp
 * <test classpath> dev.txlab.coordinator.TxnSimBenchmark [seed] [seconds] [clients]}.
 */
public final class TxnSimBenchmark {
  private TxnSimBenchmark() {}

  public static void main(String[] args) {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
    long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    SimTxnCluster cluster = new SimTxnCluster(SimTxnCluster.Config.defaults(seed));
    cluster.sim().setLogLines(false);
    History history = new History();
    for (int i = 1; i <= clients; i++) {
      int idx = i;
      cluster.addClient(() -> Workloads.listAppend(idx, 20, 0.25), history, 30_000_000L);
    }
    long t0 = System.nanoTime();
    cluster.sim().runFor(seconds * 1_000_000_000L);
    double wall = (System.nanoTime() - t0) / 1e9;
    long ok = history.count(Outcome.OK);
    System.out.printf(
        "%d s simulated in %.2f s wall (%.1fx), %d txns ok (%.0f/s simulated), %d events%n",
        seconds, wall, seconds / wall, ok, ok / (double) seconds, cluster.sim().events());
    System.out.println(cluster.metrics().summary());
  }
}
