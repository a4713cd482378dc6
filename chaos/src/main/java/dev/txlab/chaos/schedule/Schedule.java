package dev.txlab.chaos.schedule;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.fault.Partitions;
import dev.txlab.chaos.fault.Resolved;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A run's fault schedule — its lines, timed faults and random generators — and the plan it expands
 * to: every fault event of the run, in the order the nemesis applies them, ending with the
 * {@linkplain FinalHeal final heal}.
 *
 * <p>Planning is a pure function of the schedule, the cluster's shape, the heal time and the random
 * source. Each line draws from its own fork of that source, split off in line order, so appending
 * lines (as {@code --fault} does) never changes what the earlier lines draw.
 *
 * <p>Order of events: by time; at one instant, undos before starts (a window that ends as another
 * begins must not wipe out the new fault), then by line, then by occurrence. Events at or after the
 * heal time are left out: the final heal undoes whatever they would have.
 */
public record Schedule(List<ScheduleLine> lines) {
  /** A plan longer than this is refused rather than built; no real run comes near it. */
  public static final int EVENTS_MAX = 1_000_000;

  public Schedule {
    lines = List.copyOf(lines);
  }

  public static Schedule of(ScheduleLine... lines) {
    return new Schedule(List.of(lines));
  }

  /**
   * Reads each text as a line. The first bad line's exception is thrown as is; a caller that knows
   * where the lines came from (a YAML list) should parse them one by one with {@link
   * ScheduleLine#parse} to name the line.
   */
  public static Schedule parse(List<String> texts) throws FaultSyntaxException {
    List<ScheduleLine> lines = new ArrayList<>();
    for (String text : texts) {
      lines.add(ScheduleLine.parse(text));
    }
    return new Schedule(lines);
  }

  /** The canonical texts, one per line. */
  public List<String> texts() {
    List<String> texts = new ArrayList<>();
    for (ScheduleLine line : lines) {
      texts.add(line.text());
    }
    return texts;
  }

  /** This schedule with {@code more} lines after its own ({@code txlab run --fault …}). */
  public Schedule with(List<ScheduleLine> more) {
    List<ScheduleLine> all = new ArrayList<>(lines);
    all.addAll(more);
    return new Schedule(all);
  }

  /**
   * What is wrong with this schedule for a cluster, if anything: a node or shard a line names that
   * the cluster lacks, a shape or generator that cannot act on it. The message starts with the
   * line's text; loaders that know each line's place should ask {@link ScheduleLine#problemWith}
   * line by line instead.
   */
  public Optional<String> problemWith(ClusterView view) {
    for (ScheduleLine line : lines) {
      Optional<String> problem = line.problemWith(view);
      if (problem.isPresent()) {
        return Optional.of("'" + line.text() + "': " + problem.get());
      }
    }
    return Optional.empty();
  }

  /**
   * Every event of the run up to and including the final heal at {@code healAtNanos}.
   *
   * @param view the cluster's shape (its nodes and shards; leaders are not consulted)
   * @param healAtNanos when the final heal happens, before the final reads
   * @param random a fork of the run's seeded source, used for this and nothing else
   * @throws IllegalArgumentException if {@link #problemWith} reports a problem, or the plan would
   *     exceed {@link #EVENTS_MAX} events
   */
  public List<FaultEvent> plan(ClusterView view, long healAtNanos, SplittableRandom random) {
    Optional<String> problem = problemWith(view);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    List<Pending> pending = new ArrayList<>();
    for (int lineIndex = 0; lineIndex < lines.size(); lineIndex++) {
      ScheduleLine line = lines.get(lineIndex);
      SplittableRandom lineRandom = random.split();
      if (line instanceof ScheduleEntry) {
        expandEntry((ScheduleEntry) line, lineIndex, view, healAtNanos, lineRandom, pending);
      } else if (line instanceof RandomNemesis) {
        List<RandomNemesis.Window> windows =
            ((RandomNemesis) line).generate(view, healAtNanos, lineRandom);
        for (RandomNemesis.Window window : windows) {
          addWindow(
              window.startNanos(),
              window.windowNanos(),
              window.fault(),
              lineIndex,
              healAtNanos,
              pending);
        }
      } else {
        throw new IllegalStateException("unhandled schedule line: " + line.getClass());
      }
      if (pending.size() > EVENTS_MAX) {
        throw new IllegalArgumentException(
            "'"
                + line.text()
                + "' makes the plan longer than "
                + EVENTS_MAX
                + " events before "
                + Durations.text(healAtNanos));
      }
    }
    pending.sort(
        Comparator.comparingLong((Pending p) -> p.atNanos)
            .thenComparingInt(p -> p.cause == FaultEvent.Cause.UNDO ? 0 : 1)
            .thenComparingInt(p -> p.lineIndex)
            .thenComparingInt(p -> p.sequence));
    for (Fault fault : FinalHeal.faults()) {
      pending.add(
          new Pending(healAtNanos, fault, FaultEvent.Cause.FINAL_HEAL, null, lines.size(), 0));
    }
    Map<Pending, Integer> indexOf = new IdentityHashMap<>();
    List<FaultEvent> events = new ArrayList<>();
    for (Pending p : pending) {
      int index = events.size();
      indexOf.put(p, index);
      int undoesIndex = p.undoes == null ? -1 : indexOf.get(p.undoes);
      events.add(new FaultEvent(index, p.atNanos, p.fault, p.cause, undoesIndex));
    }
    return List.copyOf(events);
  }

  /** The canonical text of a plan, one {@code at TIME FAULT} line per event. */
  public static String planText(List<FaultEvent> events) {
    StringBuilder sb = new StringBuilder();
    for (FaultEvent event : events) {
      sb.append(event.text()).append('\n');
    }
    return sb.toString();
  }

  /**
   * Adds an entry's occurrences. Random-shaped partitions are realized here, one draw per
   * occurrence, so the plan shows which nodes each one cuts; role targets stay roles, since who
   * holds a role is only known when the fault is applied.
   */
  private static void expandEntry(
      ScheduleEntry entry,
      int lineIndex,
      ClusterView view,
      long healAtNanos,
      SplittableRandom random,
      List<Pending> pending) {
    long step = entry.repeats() ? entry.periodNanos() : Long.MAX_VALUE;
    for (long at = entry.startNanos(); at < healAtNanos; at = saturatedAdd(at, step)) {
      Resolved<Fault> fault = Partitions.realize(entry.fault(), view, random);
      if (!fault.isResolved()) {
        throw new IllegalArgumentException("'" + entry.text() + "': " + fault.reason());
      }
      addWindow(at, entry.windowNanos(), fault.value(), lineIndex, healAtNanos, pending);
      if (pending.size() > EVENTS_MAX) {
        return; // the caller reports it, naming the line
      }
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static void addWindow(
      long startNanos,
      long windowNanos,
      Fault fault,
      int lineIndex,
      long healAtNanos,
      List<Pending> pending) {
    if (startNanos >= healAtNanos) {
      return;
    }
    Pending start =
        new Pending(startNanos, fault, FaultEvent.Cause.START, null, lineIndex, pending.size());
    pending.add(start);
    Optional<Fault> undo = fault.undo();
    if (windowNanos > 0 && undo.isPresent() && startNanos + windowNanos < healAtNanos) {
      pending.add(
          new Pending(
              startNanos + windowNanos,
              undo.get(),
              FaultEvent.Cause.UNDO,
              start,
              lineIndex,
              pending.size()));
    }
  }

  /** An event before its index is known; identity matters (undos point at their start). */
  private static final class Pending {
    final long atNanos;
    final Fault fault;
    final FaultEvent.Cause cause;
    final Pending undoes;
    final int lineIndex;
    final int sequence;

    Pending(
        long atNanos,
        Fault fault,
        FaultEvent.Cause cause,
        Pending undoes,
        int lineIndex,
        int sequence) {
      this.atNanos = atNanos;
      this.fault = fault;
      this.cause = cause;
      this.undoes = undoes;
      this.lineIndex = lineIndex;
      this.sequence = sequence;
    }
  }
}
