package dev.txlab.checker.txn;

import java.util.List;

/**
 * A dependency cycle found in the graph, with the anomaly it exhibits and one explained step per
 * edge. {@code txns} lists the cycle's transactions once each, in cycle order; step i explains the
 * edge from {@code txns[i]} to {@code txns[(i+1) % size]}.
 */
record Cycle(String type, List<Txn> txns, List<Step> steps) {}
