package dev.txlab.node.raft;

/**
 * A command carried by a Raft log entry and applied by a {@link StateMachine}. Implementations are
 * immutable records with structural equality (the safety monitor compares them).
 */
public interface Command {
  /** The entry a new leader appends to commit entries of earlier terms (Raft §5.4.2, §8). */
  record Noop() implements Command {}
}
