package dev.txlab.checker.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A read, validated history: the events in the order they were recorded, each invocation paired
 * with its completion. Built by {@link HistoryBuilder}, which refuses event sequences that are not
 * histories, so a checker can rely on these invariants:
 *
 * <ul>
 *   <li>a completion belongs to the most recent open invocation of its process;
 *   <li>no process has two open invocations;
 *   <li>a process whose operation ended in {@code info} never invokes again;
 *   <li>nemesis events are kept (reports shade fault windows with them) but never paired.
 * </ul>
 */
public final class History {
  private final String source;
  private final List<Op> events;
  private final int[] partner;
  private List<Operation> operations;

  History(String source, List<Op> events, int[] partner) {
    this.source = source;
    this.events = Collections.unmodifiableList(events);
    this.partner = partner;
  }

  /** Builds a history from events already in memory; see {@link HistoryBuilder}. */
  public static History of(String source, List<Op> events) throws HistoryException {
    HistoryBuilder b = new HistoryBuilder(source);
    for (Op op : events) {
      b.add(op, 0, 0);
    }
    return b.build();
  }

  /** Where the history came from (a file name), for messages. */
  public String source() {
    return source;
  }

  /** Every event, in history order, nemesis events included. */
  public List<Op> events() {
    return events;
  }

  public int size() {
    return events.size();
  }

  /** The position of the event paired with the one at {@code position}, or -1. */
  public int partnerOf(int position) {
    return partner[position];
  }

  /**
   * The client operations (nemesis events excluded), in order of invocation. Computed once on first
   * use.
   */
  public List<Operation> operations() {
    List<Operation> ops = operations;
    if (ops == null) {
      ops = new ArrayList<>(events.size() / 2 + 1);
      for (int i = 0; i < events.size(); i++) {
        Op e = events.get(i);
        if (e.isNemesis() || !e.isInvoke()) {
          continue;
        }
        int c = partner[i];
        Op completion = c < 0 ? null : events.get(c);
        int end = completion == null || completion.type() == OpType.INFO ? Integer.MAX_VALUE : c;
        ops.add(new Operation(ops.size(), e, completion, i, end));
      }
      operations = ops = Collections.unmodifiableList(ops);
    }
    return ops;
  }

  /** The nemesis events, in order. */
  public List<Op> nemesisEvents() {
    List<Op> out = new ArrayList<>();
    for (Op e : events) {
      if (e.isNemesis()) {
        out.add(e);
      }
    }
    return out;
  }
}
