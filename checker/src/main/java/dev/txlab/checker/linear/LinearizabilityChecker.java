package dev.txlab.checker.linear;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a history for linearizability against a model: turns client operations into model
 * inputs (failed operations dropped — they did not happen; unknown-result reads dropped — they
 * constrain nothing), splits the history per key when keys are independent (a history is
 * linearizable iff each key's subhistory is: Herlihy and Wing's locality, the P-compositionality
 * of Horn and Kroening), and runs {@link WglSearch} on each subhistory.
 */
public final class LinearizabilityChecker {
  private static final Object SINGLE_KEY = new Object();

  private LinearizabilityChecker() {}

  public static LinearResult check(History history, LinearSpec spec) throws UnfitHistoryException {
    Model model = Models.forSpec(spec);
    boolean keyed = spec.independent() || spec.workload().equals("kv");
    long deadline =
        spec.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + Math.max(1, spec.timeout().toNanos());

    Map<Object, List<LinOp>> byKey = new LinkedHashMap<>();
    int relevant = 0;
    for (Operation op : history.operations()) {
      if (op.isFail()) {
        continue;
      }
      boolean crashed = op.isIndeterminate();
      Object value = op.value();
      Object key = SINGLE_KEY;
      if (keyed) {
        Object k = op.invocation().extra("key");
        if (k != null && spec.workload().equals("kv")) {
          key = k;
        } else if (value instanceof List && ((List<?>) value).size() == 2) {
          key = ((List<?>) value).get(0);
          value = ((List<?>) value).get(1);
        } else if (op.invocation().value() instanceof List && ((List<?>) op.invocation().value()).size() == 2) {
          // An ok completion without its tuple: take the key from the invocation.
          key = ((List<?>) op.invocation().value()).get(0);
        } else {
          throw new UnfitHistoryException(
              op.invocation().index(),
              "independent keys need [key value] tuples (or a :key field for kv), found " + Edn.print(value));
        }
      }
      Object input = model.input(op, value, crashed);
      if (input == Model.IRRELEVANT) {
        continue;
      }
      List<LinOp> list = byKey.computeIfAbsent(key, k -> new ArrayList<>());
      list.add(new LinOp(list.size(), op, value, input, op.invokePosition(), op.completePosition()));
      relevant++;
    }

    List<LinearResult.KeyResult> keys = new ArrayList<>();
    Validity overall = Validity.VALID;
    for (Map.Entry<Object, List<LinOp>> e : byKey.entrySet()) {
      WglSearch.Result r = new WglSearch(model, e.getValue(), deadline).run();
      Validity v =
          r.outcome() == WglSearch.Outcome.LINEARIZABLE
              ? Validity.VALID
              : r.outcome() == WglSearch.Outcome.NOT_LINEARIZABLE ? Validity.INVALID : Validity.UNKNOWN;
      overall = overall.worse(v);
      keys.add(new LinearResult.KeyResult(e.getKey() == SINGLE_KEY ? null : e.getKey(), v, e.getValue().size(), r));
    }
    return new LinearResult(spec, model, history, overall, keys, relevant);
  }
}
