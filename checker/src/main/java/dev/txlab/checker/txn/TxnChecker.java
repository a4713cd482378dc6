package dev.txlab.checker.txn;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.history.History;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a transactional history against consistency models, as Elle does: infer dependencies from
 * the workload's semantics, add process or real-time order if a requested model needs it, find
 * anomalies that need no cycle, search the dependency graph for cycles, and judge what was found
 * against the models (ELLE-SPEC sections 1–7). A pure function of the history and spec, apart from
 * the time budget of the cycle search.
 */
public final class TxnChecker {
  private TxnChecker() {}

  public static TxnResult check(History h, TxnSpec spec) throws UnfitHistoryException {
    long t0 = System.nanoTime();
    List<Txn> txns = Analysis.transactions(h, spec.workload());
    Set<String> prohibited = ModelLattice.prohibitedBy(spec.consistencyModels());
    boolean realtime = false;
    boolean process = false;
    for (String type : prohibited) {
      if (CycleSearch.CYCLE_TYPES.contains(type)) {
        realtime |= type.endsWith("-realtime");
        process |= type.endsWith("-process");
      }
    }
    // Real time subsumes process order (a process runs one transaction at a time), so Elle adds
    // only the stronger of the two. The order depends only on the transactions, so it is built
    // alongside the data dependencies.
    Digraph.Builder order = new Digraph.Builder(txns.size());
    boolean rt = realtime;
    boolean proc = process;
    java.util.concurrent.ForkJoinTask<?> orderTask =
        java.util.concurrent.ForkJoinPool.commonPool()
            .submit(
                () -> {
                  if (rt) {
                    OrderEdges.realtime(txns, order);
                  } else if (proc) {
                    OrderEdges.process(txns, order);
                  }
                });
    Analysis analysis =
        spec.workload().equals("list-append")
            ? new ListAppendAnalysis(txns)
            : new RwRegisterAnalysis(txns, spec);
    orderTask.join();
    analysis.edges.addAll(order);
    Digraph graph = analysis.edges.build();
    long t1 = System.nanoTime();

    Map<String, List<AnomalyCase>> found = new TreeMap<>(analysis.cases);
    if (graph.edgeCount() == 0) {
      found.put("empty-transaction-graph", List.of(AnomalyCase.of("empty-transaction-graph")));
    }
    CycleSearch search = new CycleSearch(graph, analysis, spec.timeoutOrDefault().toNanos());
    for (AnomalyCase c : search.run()) {
      found.computeIfAbsent(c.type(), x -> new ArrayList<>()).add(c);
    }
    long t2 = System.nanoTime();
    return TxnResult.judge(
        spec, found, prohibited, txns.size(), graph.edgeCount(), t1 - t0, t2 - t1);
  }
}
