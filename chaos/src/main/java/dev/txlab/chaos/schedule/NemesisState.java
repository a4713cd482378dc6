package dev.txlab.chaos.schedule;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.Link;
import dev.txlab.chaos.fault.NodeOrder;
import dev.txlab.chaos.fault.Partitions;
import dev.txlab.chaos.fault.Percent;
import dev.txlab.chaos.fault.Resolved;
import dev.txlab.chaos.fault.Target;
import dev.txlab.chaos.fault.TargetResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the faults applied so far have done to a cluster, independent of any host: which nodes are
 * down or paused, which links are cut, which clocks are off, which link faults are on, which
 * triggered kills are armed. It is the reference meaning of a plan — adapters for the simulator and
 * the live host apply the same events to real things and can check themselves against it, a report
 * can show the faults active at any moment, and tests use it to prove a plan ends healed.
 *
 * <p>Role targets are resolved against the view given with each event, from the random source given
 * with it; undo events reuse what their start resolved to ({@link FaultEvent}). Cut links are
 * remembered per event, so undoing one partition leaves another one's cuts in place; a standalone
 * {@code heal} clears them all. Not thread-safe: one nemesis, one thread.
 */
public final class NemesisState {
  private final SortedMap<Integer, SortedSet<Link>> cutsByEvent = new TreeMap<>();
  private final SortedSet<String> down = new TreeSet<>(NodeOrder::compare);
  private final SortedSet<String> paused = new TreeSet<>(NodeOrder::compare);

  /** Per node, per part of its clock (see {@link #clockPart}), the event that set it. */
  private final SortedMap<String, SortedMap<Integer, ClockSetting>> clockFaults =
      new TreeMap<>(NodeOrder::compare);

  private final SortedMap<Integer, Fault.TxnPhase> armedKills = new TreeMap<>();
  private final Map<Integer, List<String>> nodesByEvent = new TreeMap<>();
  private final Map<Integer, Fault> clockSettingByEvent = new TreeMap<>();
  private final List<Fault.Phase> operatorSteps = new ArrayList<>();
  private Fault.Delay delay = new Fault.Delay(0, 0);
  private Percent loss = Percent.ZERO;
  private Percent duplicate = Percent.ZERO;
  private Percent reorder = Percent.ZERO;

  /**
   * Applies one event.
   *
   * @return the nodes it acted on (for a partition, the nodes with a cut link), or why it could not
   *     act (a role with nobody in it right now); an unresolved event changes nothing
   */
  public Resolved<List<String>> apply(FaultEvent event, ClusterView view, SplittableRandom random) {
    Fault fault = event.fault();
    if (event.cause() == FaultEvent.Cause.UNDO) {
      return undo(event, fault);
    }
    Resolved<List<String>> result = act(event.index(), fault, view, random);
    if (result.isResolved()) {
      nodesByEvent.put(event.index(), result.value());
      if (fault.category() == Fault.Category.CLOCK && !(fault instanceof Fault.ClockReset)) {
        clockSettingByEvent.put(event.index(), fault);
      }
    }
    return result;
  }

  /**
   * The operator's migration steps ordered so far, in order ({@code phase 2}, {@code rollback phase
   * 2}): steps are never undone by the state, only by a later step.
   */
  public List<Fault.Phase> operatorSteps() {
    return List.copyOf(operatorSteps);
  }

  /**
   * A triggered kill fired: the armed kill of event {@code eventIndex} killed {@code node}.
   * Adapters call this when the protocol reaches the phase; its undo then restarts that node.
   */
  public void fire(int eventIndex, String node) {
    if (armedKills.remove(eventIndex) == null) {
      throw new IllegalStateException("no kill armed by event " + eventIndex);
    }
    down.add(node);
    nodesByEvent.put(eventIndex, List.of(node));
  }

  /** The kills armed by {@code kill coordinator after …} that have not fired, by event index. */
  public SortedMap<Integer, Fault.TxnPhase> armedKills() {
    return new TreeMap<>(armedKills);
  }

  /** True when nothing applied is still in effect: the state every plan must end in. */
  public boolean isHealed() {
    return cutsByEvent.isEmpty()
        && down.isEmpty()
        && paused.isEmpty()
        && clockFaults.isEmpty()
        && armedKills.isEmpty()
        && delay.isNone()
        && loss.basisPoints() == 0
        && duplicate.basisPoints() == 0
        && reorder.basisPoints() == 0;
  }

  /** The message delay in effect ({@code delay 0s} when none). */
  public Fault.Delay delay() {
    return delay;
  }

  /** The probability a message is lost, by the {@code loss} fault in effect. */
  public Percent loss() {
    return loss;
  }

  public Percent duplicate() {
    return duplicate;
  }

  public Percent reorder() {
    return reorder;
  }

  /** Every link currently cut, by any partition. */
  public SortedSet<Link> cutLinks() {
    SortedSet<Link> all = new TreeSet<>();
    for (SortedSet<Link> links : cutsByEvent.values()) {
      all.addAll(links);
    }
    return all;
  }

  public SortedSet<String> down() {
    return new TreeSet<>(down);
  }

  public SortedSet<String> paused() {
    return new TreeSet<>(paused);
  }

  /**
   * For each node whose clock is off, the faults in effect on it: at most one each for its offset,
   * rate and strobe, in that order.
   */
  public SortedMap<String, List<Fault>> clockFaults() {
    SortedMap<String, List<Fault>> copy = new TreeMap<>(NodeOrder::compare);
    for (Map.Entry<String, SortedMap<Integer, ClockSetting>> node : clockFaults.entrySet()) {
      List<Fault> faults = new ArrayList<>();
      for (ClockSetting setting : node.getValue().values()) {
        faults.add(setting.fault());
      }
      copy.put(node.getKey(), List.copyOf(faults));
    }
    return copy;
  }

  /** 0 for the offset, 1 for the rate, 2 for the strobe: the part of a clock a fault sets. */
  private static int clockPart(Fault fault) {
    if (fault instanceof Fault.ClockSkew || fault instanceof Fault.TrueTimeViolation) {
      return 0;
    } else if (fault instanceof Fault.ClockDrift) {
      return 1;
    } else if (fault instanceof Fault.ClockStrobe) {
      return 2;
    }
    throw new IllegalStateException("not a clock-setting fault: " + fault.text());
  }

  /**
   * What is in effect, one phrase each, in a fixed order ({@code down n3}, {@code cut n1->n2},
   * {@code n1: clock-skew n1 +40ms}, {@code loss 20%}); empty when healed. For reports and failure
   * messages.
   */
  public List<String> describe() {
    List<String> phrases = new ArrayList<>();
    for (String node : down) {
      phrases.add("down " + node);
    }
    for (String node : paused) {
      phrases.add("paused " + node);
    }
    for (Map.Entry<Integer, Fault.TxnPhase> armed : armedKills.entrySet()) {
      phrases.add("armed kill coordinator after " + armed.getValue().text());
    }
    for (Link link : cutLinks()) {
      phrases.add("cut " + link.text());
    }
    for (Map.Entry<String, SortedMap<Integer, ClockSetting>> clock : clockFaults.entrySet()) {
      for (ClockSetting setting : clock.getValue().values()) {
        phrases.add(clock.getKey() + ": " + setting.fault().text());
      }
    }
    for (Fault linkFault :
        List.of(
            delay,
            new Fault.Loss(loss),
            new Fault.Duplicate(duplicate),
            new Fault.Reorder(reorder))) {
      if (linkFault.undo().isPresent()) {
        phrases.add(linkFault.text());
      }
    }
    return phrases;
  }

  private Resolved<List<String>> undo(FaultEvent event, Fault fault) {
    int start = event.undoesIndex();
    if (fault instanceof Fault.Heal) {
      SortedSet<Link> cut = cutsByEvent.remove(start);
      return Resolved.of(cut == null ? List.of() : endpoints(cut));
    }
    if (fault instanceof Fault.Restart && armedKills.remove(start) != null) {
      return Resolved.of(List.of()); // the trigger never fired: disarming is the whole undo
    }
    List<String> nodes = nodesByEvent.get(start);
    if (nodes == null) {
      return Resolved.unresolved("event " + start + " did not apply, so there is nothing to undo");
    }
    if (fault instanceof Fault.Restart) {
      down.removeAll(nodes);
    } else if (fault instanceof Fault.Resume) {
      paused.removeAll(nodes);
    } else if (fault instanceof Fault.ClockReset) {
      // Only the part of each clock the start set, and only if no later fault replaced it: a
      // strobe's window ending must not take away a skew that is still meant to be there.
      Fault started = clockSettingByEvent.get(start);
      for (String node : nodes) {
        SortedMap<Integer, ClockSetting> parts = clockFaults.get(node);
        ClockSetting current = parts == null ? null : parts.get(clockPart(started));
        if (current != null && current.eventIndex() == start) {
          parts.remove(clockPart(started));
          if (parts.isEmpty()) {
            clockFaults.remove(node);
          }
        }
      }
    } else {
      // Link faults are global; their undo is an ordinary setting (delay 0s, loss 0%).
      return act(event.index(), fault, null, null);
    }
    return Resolved.of(nodes);
  }

  private Resolved<List<String>> act(
      int index, Fault fault, ClusterView view, SplittableRandom random) {
    if (fault instanceof Fault.Partition
        || fault instanceof Fault.PartitionHalves
        || fault instanceof Fault.PartitionMajorityRing
        || fault instanceof Fault.PartitionBridge
        || fault instanceof Fault.PartitionOneWay
        || fault instanceof Fault.Isolate) {
      Resolved<SortedSet<Link>> cut = Partitions.cutLinks(fault, view, random);
      if (!cut.isResolved()) {
        return Resolved.unresolved(cut.reason());
      }
      cutsByEvent.put(index, cut.value());
      if (fault instanceof Fault.Isolate) {
        // Name the nodes that were isolated, not every endpoint of a cut link (that is everyone).
        List<String> isolated = new java.util.ArrayList<>();
        for (String n : view.nodes()) {
          boolean alone = view.nodes().size() > 1;
          for (String m : view.nodes()) {
            if (!m.equals(n) && !cut.value().contains(new Link(n, m))) {
              alone = false;
              break;
            }
          }
          if (alone) {
            isolated.add(n);
          }
        }
        return Resolved.of(isolated);
      }
      return Resolved.of(endpoints(cut.value()));
    } else if (fault instanceof Fault.Heal) {
      List<String> healed = endpoints(cutLinks());
      cutsByEvent.clear();
      return Resolved.of(healed);
    } else if (fault instanceof Fault.Kill) {
      Fault.Kill kill = (Fault.Kill) fault;
      if (kill.after().isPresent()) {
        armedKills.put(index, kill.after().get());
        return Resolved.of(List.of());
      }
      return onTargets(kill.target(), view, random, down::addAll);
    } else if (fault instanceof Fault.Restart) {
      Target target = ((Fault.Restart) fault).target();
      if (target.equals(Target.all())) {
        armedKills.clear(); // the final heal also disarms kills that never fired
      }
      return onTargets(target, view, random, down::removeAll);
    } else if (fault instanceof Fault.Pause) {
      return onTargets(((Fault.Pause) fault).target(), view, random, paused::addAll);
    } else if (fault instanceof Fault.DisconnectClients) {
      // An action, not a state: the nodes it names, and nothing to reconcile later.
      return onTargets(((Fault.DisconnectClients) fault).target(), view, random, nodes -> {});
    } else if (fault instanceof Fault.Resume) {
      return onTargets(((Fault.Resume) fault).target(), view, random, paused::removeAll);
    } else if (fault instanceof Fault.ClockSkew
        || fault instanceof Fault.ClockDrift
        || fault instanceof Fault.ClockStrobe
        || fault instanceof Fault.TrueTimeViolation) {
      return onTargets(
          fault.targets().get(0),
          view,
          random,
          nodes -> {
            for (String node : nodes) {
              clockFaults
                  .computeIfAbsent(node, n -> new TreeMap<>())
                  .put(clockPart(fault), new ClockSetting(index, fault));
            }
          });
    } else if (fault instanceof Fault.ClockReset) {
      return onTargets(
          ((Fault.ClockReset) fault).target(),
          view,
          random,
          nodes -> {
            for (String node : nodes) {
              clockFaults.remove(node);
            }
          });
    } else if (fault instanceof Fault.Delay) {
      delay = (Fault.Delay) fault;
    } else if (fault instanceof Fault.Loss) {
      loss = ((Fault.Loss) fault).probability();
    } else if (fault instanceof Fault.Duplicate) {
      duplicate = ((Fault.Duplicate) fault).probability();
    } else if (fault instanceof Fault.Reorder) {
      reorder = ((Fault.Reorder) fault).probability();
    } else if (fault instanceof Fault.Phase) {
      operatorSteps.add((Fault.Phase) fault);
    } else if (fault instanceof Fault.NetReset) {
      delay = new Fault.Delay(0, 0);
      loss = Percent.ZERO;
      duplicate = Percent.ZERO;
      reorder = Percent.ZERO;
    } else {
      throw new IllegalStateException("unhandled fault type: " + fault.getClass());
    }
    return Resolved.of(List.of());
  }

  private static Resolved<List<String>> onTargets(
      Target target,
      ClusterView view,
      SplittableRandom random,
      java.util.function.Consumer<List<String>> effect) {
    Resolved<List<String>> nodes = TargetResolver.resolve(target, view, random);
    if (nodes.isResolved()) {
      effect.accept(nodes.value());
    }
    return nodes;
  }

  private static List<String> endpoints(SortedSet<Link> links) {
    SortedSet<String> nodes = new TreeSet<>(NodeOrder::compare);
    for (Link link : links) {
      nodes.add(link.from());
      nodes.add(link.to());
    }
    return List.copyOf(nodes);
  }

  /** Which event set a part of a node's clock, and with what fault. */
  private record ClockSetting(int eventIndex, Fault fault) {}
}
