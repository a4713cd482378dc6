package dev.txlab.checker.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles a {@link History} one event at a time, checking as it goes that the events make a
 * history. Readers feed it while they stream a file, so an inconsistency is reported with the line
 * and column of the event that caused it.
 */
public final class HistoryBuilder {
  private final String source;
  private final List<Op> events = new ArrayList<>();
  private int[] partner = new int[1024];

  /** Process → position of its open invocation. */
  private final Map<Integer, Integer> open = new HashMap<>();

  /** Process → line of the {@code info} completion that retired it. */
  private final Map<Integer, Long> crashed = new HashMap<>();

  /** Process → line of its open invocation (for messages). */
  private final Map<Integer, Long> openLine = new HashMap<>();

  private long lastIndex = Long.MIN_VALUE;

  public HistoryBuilder(String source) {
    this.source = source;
  }

  /**
   * Appends an event read at {@code line}:{@code column} (0 when unknown).
   *
   * @throws HistoryException if the event cannot follow the ones before it
   */
  public void add(Op op, long line, long column) throws HistoryException {
    int pos = events.size();
    if (op.index() <= lastIndex) {
      throw new HistoryException(
          source,
          line,
          column,
          "field :index: "
              + op.index()
              + " does not increase (previous event had "
              + lastIndex
              + ")");
    }
    lastIndex = op.index();
    if (pos == partner.length) {
      partner = java.util.Arrays.copyOf(partner, pos * 2);
    }
    partner[pos] = -1;
    if (!op.isNemesis()) {
      pair(op, pos, line, column);
    }
    events.add(op);
  }

  private void pair(Op op, int pos, long line, long column) throws HistoryException {
    Integer p = op.process();
    Integer openPos = open.get(p);
    if (op.isInvoke()) {
      if (openPos != null) {
        throw new HistoryException(
            source,
            line,
            column,
            "process "
                + p
                + " invokes :"
                + op.f()
                + " while its operation invoked at "
                + where(openLine.get(p))
                + " is still open (expected a completion first)");
      }
      Long crashLine = crashed.get(p);
      if (crashLine != null) {
        throw new HistoryException(
            source,
            line,
            column,
            "process "
                + p
                + " invokes again after its operation crashed (:info at "
                + where(crashLine)
                + "); Jepsen gives a crashed client a new process number");
      }
      open.put(p, pos);
      openLine.put(p, line);
      return;
    }
    if (openPos == null) {
      if (op.type() == OpType.INFO) {
        // An info with nothing open is a note, not a completion (Knossos ignores these too).
        return;
      }
      throw new HistoryException(
          source,
          line,
          column,
          "process "
              + p
              + " completes :"
              + op.f()
              + " with :"
              + op.type().text()
              + " but has no open invocation");
    }
    Op inv = events.get(openPos);
    if (!inv.f().equals(op.f())) {
      throw new HistoryException(
          source,
          line,
          column,
          "process "
              + p
              + " completes :"
              + op.f()
              + " but its open invocation (at "
              + where(openLine.get(p))
              + ") is :"
              + inv.f());
    }
    partner[pos] = openPos;
    partner[openPos] = pos;
    open.remove(p);
    openLine.remove(p);
    if (op.type() == OpType.INFO) {
      crashed.put(p, line);
    }
  }

  private static String where(Long line) {
    return line == null || line == 0 ? "an earlier event" : "line " + line;
  }

  /** Events added so far. */
  public int size() {
    return events.size();
  }

  public History build() {
    return new History(source, events, java.util.Arrays.copyOf(partner, events.size()));
  }
}
