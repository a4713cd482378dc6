package dev.txlab.chaos.schedule;

import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.Fault;

/**
 * One fault at one moment of a run's plan, as the nemesis will apply it.
 *
 * <p>An {@link Cause#UNDO} event ends the window its {@link #undoesIndex()} event opened. It undoes
 * <em>exactly</em> that event: it restarts the nodes that event killed (whatever role they were
 * chosen by), reconnects only the links that event cut and that no other active partition still
 * cuts, resets the part of each clock that event set (unless a later fault has set it since). Its
 * {@link #fault()} is the nearest standalone fault ({@code restart coordinator}, {@code heal}) so
 * the plan reads naturally; adapters go by the index, not by re-resolving that text.
 *
 * @param index position in the plan (0, 1, …)
 * @param atNanos time since the start of the run
 * @param fault what happens
 * @param cause why it is in the plan
 * @param undoesIndex for an undo, the index of the event it undoes; otherwise -1
 */
public record FaultEvent(int index, long atNanos, Fault fault, Cause cause, int undoesIndex) {

  public FaultEvent {
    if (index < 0 || atNanos < 0 || fault == null || cause == null) {
      throw new IllegalArgumentException("malformed event " + index + " at " + atNanos);
    }
    if ((cause == Cause.UNDO) != (undoesIndex >= 0) || undoesIndex >= index) {
      throw new IllegalArgumentException(
          "event " + index + ": an undo, and only an undo, refers to an earlier event");
    }
  }

  /** Why an event is in the plan. */
  public enum Cause {
    /** A fault the schedule or a generator asked for. */
    START,
    /** The end of a {@code for} window. */
    UNDO,
    /** Part of the heal that ends every plan before the final reads. */
    FINAL_HEAL
  }

  /** {@code at 5s kill n3}: a schedule line that, parsed, applies the same fault then. */
  public String text() {
    return "at " + Durations.text(atNanos) + " " + fault.text();
  }

  @Override
  public String toString() {
    return text();
  }
}
