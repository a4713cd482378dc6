package dev.txlab.scenarios.run;

import dev.txlab.node.api.NodeId;
import dev.txlab.node.sim.Simulator;
import java.util.ArrayList;
import java.util.List;

/**
 * Every node's clock error (local − true time) and TrueTime's ε, sampled between simulation slices
 * — so a report can say, for any stretch of the run, which clocks were where and whether any of
 * them was outside the uncertainty TrueTime claimed. Sampling reads the simulator and schedules
 * nothing, so it does not change the run.
 */
public final class ClockTimeline {
  private final List<NodeId> nodes;
  private final int servers;
  private final List<Long> times = new ArrayList<>();
  private final List<long[]> errors = new ArrayList<>();
  private final List<Long> epsilons = new ArrayList<>();

  /**
   * @param nodes servers first, then clients; {@code servers} says how many are servers
   */
  ClockTimeline(List<NodeId> nodes, int servers) {
    this.nodes = List.copyOf(nodes);
    this.servers = servers;
  }

  /** Servers (nodes that are not {@code c1, c2, …} clients) first, then the clients. */
  public static ClockTimeline of(java.util.Collection<NodeId> all) {
    List<NodeId> srv = new ArrayList<>();
    List<NodeId> cli = new ArrayList<>();
    for (NodeId n : all) {
      (n.name().matches("c[1-9][0-9]*") ? cli : srv).add(n);
    }
    cli.sort(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.name().substring(1))));
    List<NodeId> nodes = new ArrayList<>(srv);
    nodes.addAll(cli);
    return new ClockTimeline(nodes, srv.size());
  }

  /** How many of {@link #nodes()} (the first ones) are servers; the rest are clients. */
  public int servers() {
    return servers;
  }

  void sample(Simulator sim) {
    long[] e = new long[nodes.size()];
    for (int i = 0; i < e.length; i++) {
      e[i] = sim.clockErrorNanos(nodes.get(i));
    }
    times.add(sim.nowNanos());
    errors.add(e);
    epsilons.add(sim.epsilonNanosNow());
  }

  public List<NodeId> nodes() {
    return nodes;
  }

  /**
   * Each sample as {@code [time, ε, error of node 0, error of node 1, …]}, thinned to at most 600.
   */
  public List<long[]> samples() {
    List<long[]> out = new ArrayList<>();
    int stride = Math.max(1, (times.size() + 599) / 600);
    for (int i = 0; i < times.size(); i += stride) {
      long[] e = errors.get(i);
      long[] row = new long[2 + e.length];
      row[0] = times.get(i);
      row[1] = epsilons.get(i);
      System.arraycopy(e, 0, row, 2, e.length);
      out.add(row);
    }
    return out;
  }

  public boolean isEmpty() {
    return times.isEmpty();
  }

  /** One node's clock over a stretch of true time: its error range and the largest ε then. */
  public record Span(NodeId node, long minErrorNanos, long maxErrorNanos, long epsilonMaxNanos) {
    /** Some sample put the clock further from true time than ε: TrueTime lied. */
    public boolean outsideEpsilon() {
      return Math.max(Math.abs(minErrorNanos), Math.abs(maxErrorNanos)) > epsilonMaxNanos;
    }
  }

  /**
   * Each node's clock between {@code fromNanos} and {@code toNanos}, from the samples in that
   * window plus the last one before it (the clocks as they stood when the window opened).
   */
  public List<Span> during(long fromNanos, long toNanos) {
    List<Span> out = new ArrayList<>();
    if (times.isEmpty()) {
      return out;
    }
    int first = 0;
    while (first + 1 < times.size() && times.get(first + 1) <= fromNanos) {
      first++;
    }
    int last = first;
    while (last + 1 < times.size() && times.get(last + 1) <= toNanos) {
      last++;
    }
    for (int n = 0; n < nodes.size(); n++) {
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      long eps = 0;
      for (int i = first; i <= last; i++) {
        long e = errors.get(i)[n];
        min = Math.min(min, e);
        max = Math.max(max, e);
        eps = Math.max(eps, epsilons.get(i));
      }
      out.add(new Span(nodes.get(n), min, max, eps));
    }
    return out;
  }
}
