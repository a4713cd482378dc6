package dev.txlab.checker.linear;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.history.Operation;

/**
 * A sequential specification: an initial state and a step function. States must be immutable with
 * value equality (they are interned and used as memo keys).
 */
interface Model {

  /** The state before any operation. */
  Object initialState();

  /**
   * Turns one client operation into the model's input: what it does and what it observed. Returns
   * {@link #IRRELEVANT} for an operation that neither changes state nor constrains it (a read whose
   * result is unknown), which the search then leaves out.
   *
   * @param op an operation that completed {@code ok}, or whose outcome is unknown ({@code crashed})
   * @param value the operation's value with any independent key already removed
   */
  Object input(Operation op, Object value, boolean crashed) throws UnfitHistoryException;

  /** The state after {@code input} in {@code state}, or null if it cannot happen there. */
  Object step(Object state, Object input);

  /**
   * True if every legal step's next state depends on the input alone (register reads, writes and
   * compare-and-sets; a mutex's acquire and release). Only then may crashed operations be applied
   * on demand; see {@link WglSearch}. Such models also answer {@link #requiredState} and {@link
   * #resultState}.
   */
  boolean overwrites();

  /**
   * For an overwriting model: the one state in which {@code input} is legal, or null if it is legal
   * in every state (a blind write).
   */
  default Object requiredState(Object input) {
    throw new UnsupportedOperationException("not an overwriting model");
  }

  /** For an overwriting model: the state after {@code input}, wherever it is legal. */
  default Object resultState(Object input) {
    throw new UnsupportedOperationException("not an overwriting model");
  }

  /** A short human description of a state, for counterexamples. */
  String describe(Object state);

  /** A short human description of an input ("write 3", "cas 1→2", "read 4"). */
  String describeInput(Object input);

  /**
   * What {@code input} needs of the state to be legal, in words that follow "it needed" ("the
   * register to hold 4", "the lock to be free"); "nothing" for an input legal in every state.
   */
  String describeNeed(Object input);

  Object IRRELEVANT =
      new Object() {
        @Override
        public String toString() {
          return "irrelevant";
        }
      };
}
