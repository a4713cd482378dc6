package dev.txlab.checker.txn;

/**
 * The version of a key before any write: the empty list, or the nil register. A distinct object, so
 * that it can never be confused with an element or value a client wrote.
 */
enum Initial {
  STATE;

  @Override
  public String toString() {
    return "init";
  }
}
