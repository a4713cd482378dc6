/**
 * The linearizability checker: Wing–Gong–Lowe search with memoisation of (linearized set, model
 * state), split per key when the history's keys are independent (P-compositionality), crashed
 * operations applied only on demand for register models, a time budget after which the answer is
 * {@code unknown}, and a counterexample a person can read (the longest linearizable prefix, the
 * state it leaves, and the operation that cannot follow).
 */
package dev.txlab.checker.linear;
