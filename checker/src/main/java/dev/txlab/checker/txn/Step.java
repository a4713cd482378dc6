package dev.txlab.checker.txn;

/**
 * Why one transaction must precede another in a cycle: one edge of the cycle, explained by the
 * micro-ops that force it (ELLE-SPEC section 8). Data only; {@link Prose} renders it.
 *
 * @param rel the single relationship that explains the edge ({@link Rel#WW} …)
 * @param a the earlier transaction
 * @param b the later transaction
 * @param key the key involved (data relationships), else null
 * @param value the version a wrote or read ({@link Initial#STATE} for the initial state)
 * @param laterValue the version b wrote (ww and rw), else null
 * @param aMop index of a's micro-op involved, or -1
 * @param bMop index of b's micro-op involved, or -1
 */
record Step(
    int rel, Txn a, Txn b, Object key, Object value, Object laterValue, int aMop, int bMop) {

  static Step order(int rel, Txn a, Txn b) {
    return new Step(rel, a, b, null, null, null, -1, -1);
  }
}
