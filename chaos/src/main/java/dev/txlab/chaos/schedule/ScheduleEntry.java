package dev.txlab.chaos.schedule;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.fault.Partitions;
import java.util.Optional;

/**
 * A fault at a time, optionally repeated and optionally undone after a window:
 *
 * <pre>
 * at 5s kill n3                            once, at 5 s
 * at 5s for 10s partition halves           at 5 s, undone (heal) at 15 s
 * every 10s for 3s isolate leader:shard-1  at 10 s, 20 s, 30 s…, each undone 3 s later
 * at 5s every 10s for 3s pause n2          at 5 s, 15 s, 25 s…
 * at 5s kill coordinator after prepare     armed at 5 s, fires when a transaction prepares
 * </pre>
 *
 * A repeated fault starts one period after the run starts unless {@code at} says otherwise, so that
 * the cluster has formed before the first fault. The canonical text writes {@code at} only when it
 * differs from that default.
 *
 * @param startNanos when the first occurrence starts
 * @param periodNanos time between occurrences; 0 for a single occurrence
 * @param windowNanos how long each occurrence lasts before its undo; 0 for no undo
 * @param fault the fault
 */
public record ScheduleEntry(long startNanos, long periodNanos, long windowNanos, Fault fault)
    implements ScheduleLine {

  /**
   * The shortest period a repeated fault may have. Shorter ones would flood the run with events and
   * are certainly a typo for a longer unit.
   */
  public static final long PERIOD_NANOS_MIN = Durations.NANOS_PER_MILLI;

  public ScheduleEntry {
    if (fault == null || startNanos < 0 || periodNanos < 0 || windowNanos < 0) {
      throw new IllegalArgumentException("malformed schedule entry");
    }
    if (periodNanos != 0 && periodNanos < PERIOD_NANOS_MIN) {
      throw new IllegalArgumentException("period below " + Durations.text(PERIOD_NANOS_MIN));
    }
    if (windowNanos != 0 && fault.undo().isEmpty()) {
      throw new IllegalArgumentException("'" + fault.text() + "' has no undo");
    }
    if (periodNanos != 0 && windowNanos >= periodNanos) {
      throw new IllegalArgumentException("window not shorter than period");
    }
  }

  /** {@code at START FAULT}. */
  public static ScheduleEntry at(long startNanos, Fault fault) {
    return new ScheduleEntry(startNanos, 0, 0, fault);
  }

  /** {@code at START for WINDOW FAULT}. */
  public static ScheduleEntry window(long startNanos, long windowNanos, Fault fault) {
    return new ScheduleEntry(startNanos, 0, windowNanos, fault);
  }

  /** {@code every PERIOD [for WINDOW] FAULT}, starting one period in. */
  public static ScheduleEntry every(long periodNanos, long windowNanos, Fault fault) {
    return new ScheduleEntry(periodNanos, periodNanos, windowNanos, fault);
  }

  public boolean repeats() {
    return periodNanos != 0;
  }

  /** The fault applied at the end of each window, if the entry has a window. */
  public Optional<Fault> undo() {
    return windowNanos == 0 ? Optional.empty() : fault.undo();
  }

  @Override
  public String text() {
    StringBuilder sb = new StringBuilder();
    if (!repeats() || startNanos != periodNanos) {
      sb.append("at ").append(Durations.text(startNanos)).append(' ');
    }
    if (repeats()) {
      sb.append("every ").append(Durations.text(periodNanos)).append(' ');
    }
    if (windowNanos != 0) {
      sb.append("for ").append(Durations.text(windowNanos)).append(' ');
    }
    return sb.append(fault.text()).toString();
  }

  @Override
  public String toString() {
    return text();
  }

  @Override
  public Optional<String> problemWith(ClusterView view) {
    for (String node : fault.namedNodes()) {
      if (!view.nodes().contains(node)) {
        return Optional.of(
            "node '" + node + "' is not in the cluster (" + String.join(", ", view.nodes()) + ")");
      }
    }
    for (String shard : fault.namedShards()) {
      if (!view.shards().contains(shard)) {
        return Optional.of(
            "shard '"
                + shard
                + "' is not in the cluster ("
                + String.join(", ", view.shards())
                + ")");
      }
    }
    if (view.nodes().size() < Partitions.minimumNodes(fault)) {
      return Optional.of(
          "needs at least "
              + Partitions.minimumNodes(fault)
              + " nodes; the cluster has "
              + view.nodes().size());
    }
    return Optional.empty();
  }

  /**
   * Reads {@code [at TIME] [every PERIOD] [for WINDOW] FAULT}, with at least one of {@code at} and
   * {@code every}, in that order.
   *
   * @throws FaultSyntaxException naming the column and token, against the whole line
   */
  public static ScheduleEntry parse(String text) throws FaultSyntaxException {
    Words words = new Words(text);
    if (words.atEnd()) {
      throw new FaultSyntaxException(
          text,
          1,
          "empty schedule entry; expected a line like 'at 5s kill n3', 'at 5s for 10s"
              + " partition halves' or 'every 10s for 3s isolate leader:shard-1'");
    }
    long startNanos = -1;
    long periodNanos = 0;
    long windowNanos = 0;
    int periodOffset = -1;
    int windowOffset = -1;
    if (words.peek().equals("at")) {
      words.next();
      startNanos = words.duration("at", "5s", false);
    }
    if (words.peek().equals("every")) {
      periodOffset = words.offset();
      words.next();
      periodNanos = words.duration("every", "10s", false);
      if (periodNanos < PERIOD_NANOS_MIN) {
        throw words.error(
            periodOffset,
            "the period 'every "
                + Durations.text(periodNanos)
                + "' is shorter than "
                + Durations.text(PERIOD_NANOS_MIN));
      }
    }
    if (startNanos < 0 && periodNanos == 0) {
      throw words.error(
          words.offset(),
          "expected 'at' or 'every' before the fault, like 'at 5s " + words.rest().strip() + "'");
    }
    if (words.peek().equals("for")) {
      windowOffset = words.offset();
      words.next();
      windowNanos = words.duration("for", "10s", false);
      if (windowNanos == 0) {
        throw words.error(windowOffset, "the window 'for 0s' must be longer than nothing");
      }
    }
    String clause = words.peek();
    if (clause.equals("at") || clause.equals("every") || clause.equals("for")) {
      throw words.error(
          words.offset(),
          "'"
              + clause
              + "' cannot come here; write [at TIME] [every PERIOD]"
              + " [for WINDOW] FAULT, in that order, each once");
    }
    if (words.atEnd()) {
      throw words.error(
          words.offset(), "expected a fault after '" + text.strip() + "', like 'kill n3'");
    }
    int faultOffset = words.offset();
    Fault fault;
    try {
      fault = Fault.parse(words.rest());
    } catch (FaultSyntaxException e) {
      throw e.within(text, faultOffset);
    }
    if (windowNanos != 0 && fault.undo().isEmpty()) {
      throw words.error(
          windowOffset,
          "'"
              + fault.text()
              + "' has no undo, so it cannot last 'for "
              + Durations.text(windowNanos)
              + "'");
    }
    if (periodNanos != 0 && windowNanos >= periodNanos) {
      throw words.error(
          windowOffset,
          "the window 'for "
              + Durations.text(windowNanos)
              + "' must be shorter"
              + " than the period 'every "
              + Durations.text(periodNanos)
              + "', or one occurrence"
              + " would still be on when the next starts");
    }
    return new ScheduleEntry(
        startNanos < 0 ? periodNanos : startNanos, periodNanos, windowNanos, fault);
  }
}
