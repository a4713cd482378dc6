package dev.txlab.chaos.sim;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.Resolved;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.chaos.schedule.NemesisState;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.sim.Latency;
import dev.txlab.node.sim.LinkConfig;
import dev.txlab.node.sim.SimControl;
import dev.txlab.node.sim.SimLink;
import dev.txlab.node.time.EpsilonModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The nemesis of a simulated run: schedules every event of a fault plan at its virtual time and,
 * when it fires, applies it to the {@link NemesisState} (the reference meaning of the plan) and
 * then <em>reconciles</em> the simulator with that state — links cut, nodes down or paused, clocks
 * off, link behaviour. Reconciling (rather than translating each event into a command) keeps the
 * simulator and the state from ever disagreeing, whatever order windows overlap in.
 *
 * <p>Role targets ({@code leader:shard-1}) are resolved against the cluster as it is at that
 * instant, with a random source forked from the run's seed, so a run is reproducible.
 */
public final class SimNemesis {
  /** How long a reordered message may be held back. */
  public static final long REORDER_DELAY_NANOS_MAX = 20_000_000L;

  /** Told of each event as it is applied, with the nodes it acted on or why it could not act. */
  public interface Recorder {
    void applied(long atNanos, FaultEvent event, Resolved<List<String>> result);

    /** A kill armed for a protocol phase fired: {@code node} was crashed. */
    default void fired(long atNanos, Fault.TxnPhase phase, String node) {}
  }

  /**
   * The simulated cluster a nemesis acts on: its fault surface and what role targets need (the
   * server nodes, the shards, who leads and who coordinates right now).
   */
  public interface Target {
    SimControl control();

    /** The server nodes {@code n1…nN}, in order (clients are never faulted). */
    List<NodeId> serverNodes();

    /** The shards' names in order ({@code shard-0}, …). */
    List<String> shards();

    /** The node leading {@code shard} now, if any. */
    Optional<String> leaderOf(String shard);

    /** The node of the coordinator the next transaction would use, if known. */
    Optional<String> coordinator();

    /** The network's own link behaviour (faults add to it). */
    LinkConfig baseLink();

    /** TrueTime's ε model. */
    EpsilonModel epsilon();

    /**
     * Starts an operator's migration step ({@code phase 2}, {@code rollback phase 2}); returns why
     * it cannot, if it cannot (a cluster without migration phases).
     */
    default Optional<String> operatorStep(int phase, boolean rollback) {
      return Optional.of("this cluster has no migration phases");
    }
  }

  /** The KV cluster as a nemesis target. */
  public static Target of(dev.txlab.node.cluster.SimCluster cluster) {
    List<String> shards = new ArrayList<>();
    for (ShardId s : cluster.shardMap().allShards()) {
      shards.add(s.component());
    }
    return new Target() {
      @Override
      public SimControl control() {
        return cluster.control();
      }

      @Override
      public List<NodeId> serverNodes() {
        return cluster.serverNodes();
      }

      @Override
      public List<String> shards() {
        return shards;
      }

      @Override
      public Optional<String> leaderOf(String shard) {
        int i = shards.indexOf(shard);
        if (i < 0) {
          return Optional.empty();
        }
        Address leader = cluster.leaderOf(cluster.shardMap().allShards().get(i));
        return leader == null ? Optional.empty() : Optional.of(leader.node().toString());
      }

      @Override
      public Optional<String> coordinator() {
        // No transaction coordinator runs in a plain KV cluster.
        return Optional.empty();
      }

      @Override
      public LinkConfig baseLink() {
        return cluster.config().sim().defaultLink();
      }

      @Override
      public EpsilonModel epsilon() {
        return cluster.config().sim().epsilon();
      }
    };
  }

  private final Target cluster;
  private final SimControl control;
  private final SplittableRandom random;
  private final Recorder recorder;
  private final NemesisState state = new NemesisState();
  private final LinkConfig baseLink;
  private final EpsilonModel epsilon;

  private final TreeSet<NodeId> pausedApplied = new TreeSet<>();
  private final TreeMap<NodeId, List<Fault>> clocksApplied = new TreeMap<>();

  /**
   * Bumped whenever a node's strobe changes, so that flips of an older strobe recognise themselves
   * as stale.
   */
  private final TreeMap<NodeId, Integer> strobeGeneration = new TreeMap<>();

  private LinkConfig linkApplied;
  private int stepsHanded;
  private int applied;

  public SimNemesis(
      dev.txlab.node.cluster.SimCluster cluster, SplittableRandom random, Recorder recorder) {
    this(of(cluster), random, recorder);
  }

  public SimNemesis(Target cluster, SplittableRandom random, Recorder recorder) {
    this.cluster = cluster;
    this.control = cluster.control();
    this.random = random;
    this.recorder = recorder;
    this.baseLink = cluster.baseLink();
    this.epsilon = cluster.epsilon();
    this.linkApplied = baseLink;
  }

  /** The cluster as the nemesis sees it now: its nodes, shards, current leaders and coordinator. */
  public ClusterView view() {
    List<String> nodes = new ArrayList<>();
    for (NodeId n : cluster.serverNodes()) {
      nodes.add(n.toString());
    }
    List<String> shards = cluster.shards();
    return new ClusterView() {
      @Override
      public List<String> nodes() {
        return nodes;
      }

      @Override
      public List<String> shards() {
        return shards;
      }

      @Override
      public Optional<String> leaderOf(String shard) {
        return cluster.leaderOf(shard);
      }

      @Override
      public Optional<String> coordinator() {
        return cluster.coordinator();
      }
    };
  }

  /**
   * The protocol reached {@code phase} at a coordinator on {@code node}: fire every kill armed for
   * that phase ({@code kill coordinator after prepare}) — crash the node now, before the protocol
   * takes its next step. The kill's window then restarts it, as for any other kill.
   */
  public void onCoordinatorPhase(Fault.TxnPhase phase, String node) {
    for (java.util.Map.Entry<Integer, Fault.TxnPhase> armed : state.armedKills().entrySet()) {
      if (armed.getValue() == phase) {
        state.fire(armed.getKey(), node);
        reconcile();
        recorder.fired(control.nowNanos(), phase, node);
      }
    }
  }

  /** Schedules every event of the plan on the simulator. */
  public void schedule(List<FaultEvent> plan) {
    for (FaultEvent e : plan) {
      control.schedule(e.atNanos(), "nemesis " + e.text(), () -> apply(e));
    }
  }

  /** The reference state (for reports and for tests that compare it with the simulator). */
  public NemesisState state() {
    return state;
  }

  /** Events applied so far. */
  public int appliedEvents() {
    return applied;
  }

  void apply(FaultEvent event) {
    if (event.fault() instanceof Fault.DisconnectClients) {
      applied++;
      recorder.applied(
          control.nowNanos(),
          event,
          Resolved.unresolved(
              "simulated clients keep no connection to a node (one request, one reply): nothing"
                  + " to disconnect"));
      return;
    }
    Resolved<List<String>> result = state.apply(event, view(), random);
    reconcile();
    Optional<String> refused = reconcileOperatorSteps();
    if (refused.isPresent()) {
      result = Resolved.unresolved(refused.get());
    }
    applied++;
    recorder.applied(control.nowNanos(), event, result);
  }

  private void reconcile() {
    reconcileLinks();
    reconcileProcesses();
    reconcileClocks();
    reconcileLinkBehaviour();
  }

  private void reconcileLinks() {
    TreeSet<SimLink> desired = new TreeSet<>();
    for (dev.txlab.chaos.fault.Link l : state.cutLinks()) {
      desired.add(new SimLink(NodeId.of(l.from()), NodeId.of(l.to())));
    }
    TreeSet<SimLink> current = new TreeSet<>(control.cutLinks());
    TreeSet<SimLink> toHeal = new TreeSet<>(current);
    toHeal.removeAll(desired);
    TreeSet<SimLink> toCut = new TreeSet<>(desired);
    toCut.removeAll(current);
    if (!toHeal.isEmpty()) {
      control.heal(toHeal);
    }
    if (!toCut.isEmpty()) {
      control.cut(toCut);
    }
  }

  /** Hands the cluster every operator step the state has ordered that it has not been handed. */
  private Optional<String> reconcileOperatorSteps() {
    List<Fault.Phase> steps = state.operatorSteps();
    Optional<String> refused = Optional.empty();
    for (; stepsHanded < steps.size(); stepsHanded++) {
      Fault.Phase step = steps.get(stepsHanded);
      Optional<String> why = cluster.operatorStep(step.phase(), step.rollback());
      if (why.isPresent()) {
        refused = why;
      }
    }
    return refused;
  }

  private void reconcileProcesses() {
    for (NodeId n : cluster.serverNodes()) {
      String name = n.toString();
      boolean wantDown = state.down().contains(name);
      if (wantDown && control.isUp(n)) {
        control.crash(n);
        pausedApplied.remove(n);
      } else if (!wantDown && !control.isUp(n)) {
        control.restart(n);
      }
      boolean wantPaused = state.paused().contains(name) && control.isUp(n);
      if (wantPaused && !pausedApplied.contains(n)) {
        control.pause(n);
        pausedApplied.add(n);
      } else if (!wantPaused && pausedApplied.contains(n)) {
        control.resume(n);
        pausedApplied.remove(n);
      }
    }
  }

  private void reconcileClocks() {
    TreeMap<NodeId, List<Fault>> desired = new TreeMap<>();
    state.clockFaults().forEach((node, faults) -> desired.put(NodeId.of(node), faults));
    TreeSet<NodeId> touched = new TreeSet<>(desired.keySet());
    touched.addAll(clocksApplied.keySet());
    for (NodeId n : touched) {
      List<Fault> want = desired.getOrDefault(n, List.of());
      if (want.equals(clocksApplied.getOrDefault(n, List.of()))) {
        continue;
      }
      // Rebuild this clock from honest: simpler to reason about than patching one part.
      strobeGeneration.merge(n, 1, Integer::sum);
      control.clearClockFault(n);
      for (Fault f : want) {
        applyClock(n, f);
      }
      if (want.isEmpty()) {
        clocksApplied.remove(n);
      } else {
        clocksApplied.put(n, want);
      }
    }
  }

  private void applyClock(NodeId n, Fault f) {
    if (f instanceof Fault.ClockSkew) {
      control.setClockOffset(n, ((Fault.ClockSkew) f).skewNanos());
    } else if (f instanceof Fault.TrueTimeViolation) {
      long beyond = ((Fault.TrueTimeViolation) f).beyondEpsilonNanos();
      // Past the largest ε the model ever reports, so the interval lies for the whole window.
      long offset = epsilonMaxNanos() + Math.abs(beyond);
      control.setClockOffset(n, beyond < 0 ? -offset : offset);
    } else if (f instanceof Fault.ClockDrift) {
      control.setClockDrift(n, ((Fault.ClockDrift) f).driftPpm());
    } else if (f instanceof Fault.ClockStrobe) {
      Fault.ClockStrobe s = (Fault.ClockStrobe) f;
      int generation = strobeGeneration.getOrDefault(n, 0);
      scheduleStrobe(n, s.amplitudeNanos(), s.periodNanos(), generation, 0);
    } else {
      throw new IllegalStateException("not a clock-setting fault: " + f.text());
    }
  }

  /** One flip of a strobe, then the next, until the strobe is replaced or reset. */
  private void scheduleStrobe(
      NodeId n, long amplitudeNanos, long periodNanos, int generation, long flip) {
    control.schedule(
        control.nowNanos() + periodNanos,
        "strobe " + n,
        () -> {
          if (strobeGeneration.getOrDefault(n, 0) != generation) {
            return; // stale: this strobe was reset or replaced
          }
          control.stepClock(n, flip % 2 == 0 ? amplitudeNanos : -amplitudeNanos);
          scheduleStrobe(n, amplitudeNanos, periodNanos, generation, flip + 1);
        });
  }

  private long epsilonMaxNanos() {
    if (epsilon instanceof EpsilonModel.Sawtooth) {
      return ((EpsilonModel.Sawtooth) epsilon).maxNanos();
    }
    return epsilon.epsilonNanos(control.nowNanos());
  }

  private void reconcileLinkBehaviour() {
    Fault.Delay d = state.delay();
    LinkConfig want =
        new LinkConfig(
            d.isNone() ? baseLink.latency() : new Latency.Jitter(d.meanNanos(), d.jitterNanos()),
            Math.max(baseLink.lossProbability(), state.loss().probability()),
            Math.max(baseLink.duplicateProbability(), state.duplicate().probability()),
            Math.max(baseLink.reorderProbability(), state.reorder().probability()),
            state.reorder().basisPoints() > 0
                ? Math.max(baseLink.reorderDelayNanosMax(), REORDER_DELAY_NANOS_MAX)
                : baseLink.reorderDelayNanosMax());
    if (!want.equals(linkApplied)) {
      control.setDefaultLink(want);
      linkApplied = want;
    }
  }
}
