package dev.txlab.chaos.live;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.Link;
import dev.txlab.chaos.fault.NodeOrder;
import dev.txlab.chaos.fault.Partitions;
import dev.txlab.chaos.fault.Percent;
import dev.txlab.chaos.fault.Resolved;
import dev.txlab.chaos.fault.TargetResolver;
import dev.txlab.chaos.schedule.FaultEvent;
import dev.txlab.chaos.schedule.NemesisState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The nemesis of a live cluster, shaped as the simulator's ({@code chaos.sim.SimNemesis}): each
 * event of a plan is applied to the {@link NemesisState} — the reference meaning of the plan, the
 * same object the simulator's nemesis keeps — and then the real cluster is <em>reconciled</em> with
 * that state through {@link LiveControl}: processes killed, restarted, paused or continued; each
 * node told exactly which peers it is cut from; link and clock settings set where they differ. So a
 * plan means the same on both hosts: overlapping partitions add up, a window's end undoes exactly
 * what its start did, a heal ends every cut.
 *
 * <p><b>Actual state.</b> Whether a process runs is read from the cluster at every reconcile; the
 * settings a node holds (cuts, link faults, clock, an armed kill) are what this nemesis last told
 * it, forgotten whenever the node's process is found down or restarted, since a node starts with
 * none. A node that is down is reconciled when it comes back.
 *
 * <p><b>What the live host cannot do</b> is refused before the state changes, with the reason:
 * one-way cuts (a node drops both directions across a cut), reordering (TCP delivers each link in
 * order), clock strobes; and network, link, clock or phase faults on nodes without an admin API.
 *
 * <p><b>Phase-triggered kills</b> ({@code kill coordinator after prepare}): the nodes the kill's
 * target resolves to when it is applied (the coordinator's node) are armed, and halt themselves
 * when a coordinator on them reaches the phase. A reconcile that finds an armed node down records
 * the kill as fired on that node (so its window's end restarts it) and disarms the rest. (The
 * simulator kills whichever coordinator reaches the phase first; a live node can only watch its
 * own.)
 *
 * <p>Not thread-safe: one nemesis, one thread.
 */
public final class LiveNemesis {
  private final LiveControl control;
  private final SplittableRandom random;
  private final NemesisState state = new NemesisState();

  private final TreeMap<String, SortedSet<String>> cutsApplied = new TreeMap<>(NodeOrder::compare);
  private final TreeMap<String, List<Object>> linkApplied = new TreeMap<>(NodeOrder::compare);
  private final TreeMap<String, List<Fault>> clocksApplied = new TreeMap<>(NodeOrder::compare);
  private final TreeMap<String, Fault.TxnPhase> armedApplied = new TreeMap<>(NodeOrder::compare);

  /**
   * For each armed kill (by its event), the nodes armed: where its target resolved when it was
   * applied.
   */
  private final TreeMap<Integer, List<String>> armedNodes = new TreeMap<>();

  private final TreeSet<String> pausedApplied = new TreeSet<>(NodeOrder::compare);
  private final List<String> changes = new ArrayList<>();
  private final List<Fired> fired = new ArrayList<>();

  /** An armed kill that fired: {@code node} halted itself at {@code phase}. */
  public record Fired(String node, Fault.TxnPhase phase) {}

  public LiveNemesis(LiveControl control, SplittableRandom random) {
    this.control = control;
    this.random = random;
  }

  /** What one event did: the nodes it acted on (or why it could not act), and each change made. */
  public record Applied(FaultEvent event, Resolved<List<String>> result, List<String> changes) {
    public Applied {
      changes = List.copyOf(changes);
    }

    /** {@code kill leader:shard-1 → n3}, or why it was not applied. */
    public String summary() {
      if (!result.isResolved()) {
        return event.fault().text() + " (not applied: " + result.reason() + ")";
      }
      return event.fault().text()
          + (result.value().isEmpty() ? "" : " → " + String.join(",", result.value()));
    }
  }

  /** The reference state (for reports, and for tests that compare it with the cluster). */
  public NemesisState state() {
    return state;
  }

  /**
   * Why the live host cannot apply {@code fault}, if it cannot. Checked before the state changes,
   * so a refused fault leaves no trace in it.
   */
  public static Optional<String> unsupported(Fault fault, boolean admin) {
    if (fault instanceof Fault.PartitionOneWay) {
      return Optional.of(
          "one-way partitions need a node that drops only one direction; live nodes drop both directions across a cut");
    }
    if (fault instanceof Fault.Reorder && ((Fault.Reorder) fault).probability().basisPoints() > 0) {
      return Optional.of(
          "live nodes cannot reorder messages on one link (TCP delivers each link in order)");
    }
    if (fault instanceof Fault.Phase) {
      return Optional.of(
          "the live host has no migration phases (the migration lab runs simulated)");
    }
    if (fault instanceof Fault.ClockStrobe) {
      return Optional.of("live nodes cannot strobe their clocks; use clock-skew or clock-drift");
    }
    boolean needsAdmin =
        fault.category() == Fault.Category.NETWORK
            || fault.category() == Fault.Category.LINK
            || fault.category() == Fault.Category.CLOCK
            || (fault instanceof Fault.Kill k && k.after().isPresent());
    if (needsAdmin && !admin) {
      return Optional.of(
          "the nodes of this cluster have no admin API, which network, link, clock and phase faults need");
    }
    return Optional.empty();
  }

  /**
   * Applies one event of a plan: to the reference state, then to the cluster. A random-shaped
   * partition is drawn first ({@link Partitions#realize}), so the state holds the partition the
   * cluster got.
   */
  public Applied apply(FaultEvent event) {
    changes.clear();
    Fault fault = event.fault();
    if (event.cause() == FaultEvent.Cause.START) {
      Optional<String> refused = unsupported(fault, control.hasAdmin());
      if (refused.isPresent()) {
        return new Applied(event, Resolved.unresolved(refused.get()), List.of());
      }
    }
    detectFiredKills();
    ClusterView view = control.view();
    FaultEvent concrete = event;
    if (event.cause() == FaultEvent.Cause.START && fault.category() == Fault.Category.NETWORK) {
      Resolved<Fault> realized = Partitions.realize(fault, view, random);
      if (!realized.isResolved()) {
        return new Applied(event, Resolved.unresolved(realized.reason()), List.of());
      }
      concrete =
          new FaultEvent(
              event.index(), event.atNanos(), realized.value(), event.cause(), event.undoesIndex());
    }
    if (event.cause() == FaultEvent.Cause.START
        && fault instanceof Fault.Kill k
        && k.after().isPresent()) {
      // Armed where the target resolves now (the coordinator's node), not on every node: each
      // armed node halts at its own first coordinator to reach the phase.
      Resolved<List<String>> nodes = TargetResolver.resolve(k.target(), view, random);
      if (!nodes.isResolved()) {
        return new Applied(event, nodes, List.of());
      }
      armedNodes.put(event.index(), List.copyOf(nodes.value()));
    }
    if (fault instanceof Fault.DisconnectClients) {
      Resolved<List<String>> nodes =
          TargetResolver.resolve(((Fault.DisconnectClients) fault).target(), view, random);
      if (!nodes.isResolved()) {
        return new Applied(event, nodes, List.of());
      }
      for (String n : nodes.value()) {
        try {
          control.disconnectClients(n);
          changes.add("disconnected the clients of " + n);
        } catch (LiveFaultException e) {
          return new Applied(event, Resolved.unresolved(e.getMessage()), List.copyOf(changes));
        }
      }
      return new Applied(event, nodes, List.copyOf(changes));
    }
    Resolved<List<String>> result = state.apply(concrete, view, random);
    reconcileNow();
    return new Applied(concrete, result, changes);
  }

  /**
   * Brings the cluster to the state: called after every event, and by a caller that wants a node
   * that came back to get the settings the plan still wants. Returns the changes made.
   */
  public List<String> reconcile() {
    changes.clear();
    return reconcileNow();
  }

  private List<String> reconcileNow() {
    detectFiredKills();
    for (String n : control.nodes()) {
      reconcileProcess(n);
    }
    for (String n : control.nodes()) {
      if (control.isUp(n)) {
        reconcileSettings(n);
      }
    }
    return List.copyOf(changes);
  }

  /** The armed kills found fired since the last call, in the order found. */
  public List<Fired> drainFired() {
    List<Fired> out = List.copyOf(fired);
    fired.clear();
    return out;
  }

  /** A node armed for a phase that is now down halted itself: the kill fired there. */
  private void detectFiredKills() {
    for (String n : new ArrayList<>(armedApplied.keySet())) {
      if (!control.isUp(n)) {
        fired(n);
      }
    }
  }

  /**
   * {@code n}, armed, was found down: if its phase's kill is still pending, it fired there. Every
   * place that finds a node down asks this first, so a node that halts between two looks is never
   * mistaken for one to restart.
   */
  private void fired(String n) {
    Fault.TxnPhase phase = armedApplied.get(n);
    if (phase != null) {
      for (Map.Entry<Integer, Fault.TxnPhase> e : state.armedKills().entrySet()) {
        if (e.getValue() == phase && armedNodes.getOrDefault(e.getKey(), List.of()).contains(n)) {
          state.fire(e.getKey(), n);
          changes.add(n + " halted itself at '" + phase.text() + "' (armed kill fired)");
          fired.add(new Fired(n, phase));
          break;
        }
      }
    }
    forget(n);
  }

  private void reconcileProcess(String n) {
    boolean up = control.isUp(n);
    if (!up && armedApplied.containsKey(n)) {
      fired(n);
    }
    boolean wantDown = state.down().contains(n);
    try {
      if (wantDown && up) {
        control.kill(n);
        changes.add("killed " + n);
        forget(n);
      } else if (!wantDown && !up) {
        control.restart(n);
        changes.add("restarted " + n);
        forget(n);
      } else if (!up) {
        forget(n);
      }
      if (!control.isUp(n)) {
        return;
      }
      boolean wantPaused = state.paused().contains(n);
      if (wantPaused != pausedApplied.contains(n)) {
        control.pause(n, wantPaused);
        changes.add((wantPaused ? "paused " : "resumed ") + n);
        if (wantPaused) {
          pausedApplied.add(n);
        } else {
          pausedApplied.remove(n);
        }
      }
    } catch (LiveFaultException e) {
      changes.add(n + ": " + e.getMessage());
    }
  }

  private void reconcileSettings(String n) {
    if (!control.hasAdmin()) {
      return;
    }
    try {
      SortedSet<String> wantCut = cutFrom(n);
      if (!wantCut.equals(cutsApplied.getOrDefault(n, new TreeSet<>()))) {
        control.cutOff(n, wantCut);
        changes.add(
            wantCut.isEmpty()
                ? n + " cut from nobody"
                : n + " cut from " + String.join(",", wantCut));
        cutsApplied.put(n, wantCut);
      }
      List<Object> wantLink = List.of(state.delay(), state.loss(), state.duplicate());
      List<Object> noLink = List.of(new Fault.Delay(0, 0), Percent.ZERO, Percent.ZERO);
      if (!wantLink.equals(linkApplied.getOrDefault(n, noLink))) {
        control.linkFaults(n, state.delay(), state.loss(), state.duplicate());
        changes.add(
            n
                + " links: "
                + state.delay().text()
                + ", "
                + state.loss().text()
                + " lost, "
                + state.duplicate().text()
                + " duplicated");
        linkApplied.put(n, wantLink);
      }
      List<Fault> wantClock = state.clockFaults().getOrDefault(n, List.of());
      if (!wantClock.equals(clocksApplied.getOrDefault(n, List.of()))) {
        control.clock(n, wantClock);
        List<String> texts = new ArrayList<>();
        wantClock.forEach(f -> texts.add(f.text()));
        changes.add(n + " clock: " + (texts.isEmpty() ? "honest" : String.join(", ", texts)));
        clocksApplied.put(n, wantClock);
      }
      Fault.TxnPhase wantArmed = wantArmed(n);
      if (wantArmed != armedApplied.get(n)) {
        control.armKill(n, wantArmed);
        changes.add(
            wantArmed == null
                ? n + " disarmed"
                : n + " armed: halts when a coordinator there reaches '" + wantArmed.text() + "'");
        if (wantArmed == null) {
          armedApplied.remove(n);
        } else {
          armedApplied.put(n, wantArmed);
        }
      }
    } catch (LiveFaultException e) {
      changes.add(n + ": " + e.getMessage());
    }
  }

  /**
   * The phase {@code n} should halt at: that of the first pending armed kill armed on it, if any.
   */
  private Fault.TxnPhase wantArmed(String n) {
    for (Map.Entry<Integer, Fault.TxnPhase> e : state.armedKills().entrySet()) {
      if (armedNodes.getOrDefault(e.getKey(), List.of()).contains(n)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Every peer {@code n} shares a cut link with, in either direction. */
  private SortedSet<String> cutFrom(String n) {
    SortedSet<String> away = new TreeSet<>(NodeOrder::compare);
    for (Link l : state.cutLinks()) {
      if (l.from().equals(n)) {
        away.add(l.to());
      } else if (l.to().equals(n)) {
        away.add(l.from());
      }
    }
    return away;
  }

  /** A node that is down or restarted holds no setting. */
  private void forget(String n) {
    cutsApplied.remove(n);
    linkApplied.remove(n);
    clocksApplied.remove(n);
    armedApplied.remove(n);
    pausedApplied.remove(n);
  }
}
