/**
 * Transactional consistency checking in the manner of Elle (Kingsbury and Alvaro, "Elle: Inferring
 * Isolation Anomalies from Experimental Observations", VLDB 2020), behaving as {@code
 * shared/corpus/transactional/ELLE-SPEC.md} describes real Elle.
 *
 * <p>The pipeline, one class per step:
 *
 * <ol>
 *   <li>{@link dev.txlab.checker.txn.Analysis#transactions} turns client operations into
 *       transactions of micro-ops;
 *   <li>{@link dev.txlab.checker.txn.ListAppendAnalysis} or {@link
 *       dev.txlab.checker.txn.RwRegisterAnalysis} infers version orders, the ww/wr/rw dependency
 *       edges and the anomalies that need no cycle (G1a, G1b, internal, …);
 *   <li>{@link dev.txlab.checker.txn.OrderEdges} adds the process or real-time order when a
 *       requested model forbids anomalies that use it;
 *   <li>{@link dev.txlab.checker.txn.CycleSearch} splits the {@link dev.txlab.checker.txn.Digraph}
 *       into strongly connected components ({@link dev.txlab.checker.txn.Scc}) and finds, per
 *       component, the shortest cycle of each anomaly type, explained step by step;
 *   <li>{@link dev.txlab.checker.txn.TxnResult} judges the findings against the {@link
 *       dev.txlab.checker.txn.ModelLattice} and renders them ({@link dev.txlab.checker.txn.Prose}
 *       for text, {@link dev.txlab.checker.txn.TxnReport} for HTML and SVG).
 * </ol>
 *
 * <p>{@link dev.txlab.checker.txn.TxnChecker} is the entry point; {@link
 * dev.txlab.checker.txn.TxnBenchmark} measures it. Everything is a pure function of the history and
 * {@link dev.txlab.checker.txn.TxnSpec}, except where the cycle search's time budget runs out (then
 * the result says {@code cycle-search-timeout}).
 */
package dev.txlab.checker.txn;
