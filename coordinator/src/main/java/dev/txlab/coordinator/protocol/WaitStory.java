package dev.txlab.coordinator.protocol;

import java.util.List;

/**
 * A transaction that waited — a 2PC participant in doubt with its locks held, and in time a crdb
 * intent left behind, a Percolator lock, a saga's step — told as data for the report to draw,
 * whatever the protocol: one lane per role (the coordinator, each participant), marks at the
 * moments the protocol names (PREPARE, the decision, when a participant learned it), and what each
 * lane held and for how long. The report adds the faults active during the wait; the protocol
 * supplies only what it alone knows ({@link SimProtocolCluster#waitStories}).
 *
 * <p>Times are nanoseconds on the run's timeline (the simulator's true time). A hold with no end
 * lasted until the run ended.
 *
 * @param txn the transaction, as its messages name it in the trace (so the report can link to them)
 * @param summary one sentence: why this transaction is told ("in doubt 10.2 s on s1, s2")
 * @param waitNanos the longest wait of any lane: the stories are ordered by it
 * @param lanes the roles, coordinator first
 * @param marks the protocol's moments, in time order
 * @param holds what each lane held (locks, intents) and while it was in doubt
 */
public record WaitStory(
    String txn,
    String summary,
    long waitNanos,
    List<Lane> lanes,
    List<Mark> marks,
    List<Hold> holds) {

  /**
   * One role in the transaction.
   *
   * @param name what the lane is called ({@code coordinator}, {@code s2})
   * @param where the process or node that played it ({@code coord/coord}, {@code n1/s2}), or empty
   *     when it moved (a Raft group's leader)
   * @param node the physical node a fault on which stalls this lane, or empty
   */
  public record Lane(String name, String where, String node) {}

  /**
   * A moment on a lane.
   *
   * @param lane the index of its lane
   * @param label what happened, in the protocol's words ({@code PREPARED yes}, {@code COMMIT})
   * @param detail more for a tooltip (a timestamp, a vote), or empty
   */
  public record Mark(int lane, long atNanos, String label, String detail) {}

  /**
   * Something a lane held from one moment to another.
   *
   * @param kind {@code lock}, {@code in-doubt}, {@code intent}, … — the report colours by kind
   * @param what what was held ({@code locks k3 k7 (write)}), for the label and tooltip
   * @param endNanos when it was let go, or -1 if it was still held when the run ended
   */
  public record Hold(int lane, String kind, String what, long startNanos, long endNanos) {}

  public WaitStory {
    lanes = List.copyOf(lanes);
    marks = List.copyOf(marks);
    holds = List.copyOf(holds);
    for (Mark m : marks) {
      if (m.lane() < 0 || m.lane() >= lanes.size()) {
        throw new IllegalArgumentException("mark on lane " + m.lane() + " of " + lanes.size());
      }
    }
    for (Hold h : holds) {
      if (h.lane() < 0 || h.lane() >= lanes.size()) {
        throw new IllegalArgumentException("hold on lane " + h.lane() + " of " + lanes.size());
      }
      if (h.endNanos() >= 0 && h.endNanos() < h.startNanos()) {
        throw new IllegalArgumentException("hold ends before it starts: " + h);
      }
    }
  }
}
