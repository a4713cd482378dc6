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
 * Checks a history for linearizability against a model: turns client operations into model inputs
 * (failed operations dropped — they did not happen; unknown-result reads dropped — they constrain
 * nothing), splits the history per key when keys are independent (a history is linearizable iff
 * each key's subhistory is: Herlihy and Wing's locality, the P-compositionality of Horn and
 * Kroening), and runs {@link WglSearch} on each subhistory.
 */
public final class LinearizabilityChecker {
  private static final Object SINGLE_KEY = new Object();

  /** The first round's step budget per key; each later round's is four times larger. */
  static final long FIRST_BUDGET_STEPS = 50_000;

  /**
   * After a key fails, how far each other key is still searched: enough for the keys an ordinary
   * run leaves (a stale read on a second key, issue 12), not for a hard key to hold up a verdict
   * that is already INVALID.
   */
  static final long AFTER_FAILURE_BUDGET_STEPS = 800_000;

  private LinearizabilityChecker() {}

  public static LinearResult check(History history, LinearSpec spec) throws UnfitHistoryException {
    Model model = Models.forSpec(spec);
    boolean keyed = spec.independent() || spec.workload().equals("kv");
    long deadline =
        spec.timeout() == null
            ? Long.MAX_VALUE
            : System.nanoTime() + Math.max(1, spec.timeout().toNanos());

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
        } else if (op.invocation().value() instanceof List
            && ((List<?>) op.invocation().value()).size() == 2) {
          // An ok completion without its tuple: take the key from the invocation.
          key = ((List<?>) op.invocation().value()).get(0);
        } else if (!spec.independent()) {
          // A kv history without keys is one key's history.
          key = SINGLE_KEY;
        } else {
          throw new UnfitHistoryException(
              op.invocation().index(),
              "independent keys need [key value] tuples (or a :key field for kv), found "
                  + Edn.print(value));
        }
      }
      Object input = model.input(op, value, crashed);
      if (input == Model.IRRELEVANT) {
        continue;
      }
      List<LinOp> list = byKey.computeIfAbsent(key, k -> new ArrayList<>());
      list.add(
          new LinOp(list.size(), op, value, input, op.invokePosition(), op.completePosition()));
      relevant++;
    }

    // Keys are searched in rounds with a growing step budget, so that one key that is slow to
    // decide does not hold up the others. Every key is searched to its end (or to the deadline),
    // so every failing key is reported, not only the first; a key the deadline cut short is
    // listed as undecided. A search out of budget resumes where it stopped: no work is redone.
    List<Object> order = new ArrayList<>(byKey.keySet());
    Map<Object, WglSearch.Result> decided = new LinkedHashMap<>();
    Map<Object, WglSearch> searches = new LinkedHashMap<>();
    // Where each key's search stood when its budget last ran out: for a key left undecided, the
    // deepest order it found and how far it looked, which the report shows.
    Map<Object, WglSearch.Result> lastRound = new LinkedHashMap<>();
    // Once a key has failed the verdict is settled; the others still get searched, but only up to
    // AFTER_FAILURE_BUDGET_STEPS each, and any still undecided then is reported as such.
    long budgetCap = Long.MAX_VALUE;
    for (long budget = FIRST_BUDGET_STEPS; !order.isEmpty() && budget <= budgetCap; budget *= 4) {
      List<Object> undecided = new ArrayList<>();
      for (Object key : order) {
        WglSearch search =
            searches.computeIfAbsent(key, k -> new WglSearch(model, byKey.get(k), deadline));
        WglSearch.Result r =
            System.nanoTime() > deadline
                ? new WglSearch.Result(
                    WglSearch.Outcome.TIMED_OUT, 0, byKey.get(key).size(), 0, null)
                : search.run(budget);
        if (r.outcome() == WglSearch.Outcome.OUT_OF_BUDGET) {
          undecided.add(key);
          lastRound.put(key, r);
          continue;
        }
        searches.remove(key); // decided: let its memo go
        decided.put(key, r);
        if (r.outcome() == WglSearch.Outcome.NOT_LINEARIZABLE) {
          budgetCap = Math.max(budget, AFTER_FAILURE_BUDGET_STEPS);
        }
        if (r.outcome() == WglSearch.Outcome.TIMED_OUT) {
          // Past the deadline every other search would give up at once: record them as such.
          for (Object other : order) {
            WglSearch.Result last = lastRound.get(other);
            decided.putIfAbsent(
                other,
                last == null
                    ? new WglSearch.Result(
                        WglSearch.Outcome.TIMED_OUT, 0, byKey.get(other).size(), 0, null)
                    : new WglSearch.Result(
                        WglSearch.Outcome.TIMED_OUT,
                        last.explored(),
                        last.completedOps(),
                        last.linearizedMax(),
                        last.counterexample()));
          }
          undecided.clear();
          break;
        }
      }
      order = undecided;
    }

    List<LinearResult.KeyResult> keys = new ArrayList<>();
    Validity overall = Validity.VALID;
    for (Map.Entry<Object, List<LinOp>> e : byKey.entrySet()) {
      WglSearch.Result r = decided.get(e.getKey());
      if (r == null) {
        r = lastRound.get(e.getKey()); // left undecided after another key failed
      }
      Validity v;
      if (r == null) {
        v = Validity.UNKNOWN; // never searched (cannot happen: every key gets a first round)
      } else if (r.outcome() == WglSearch.Outcome.LINEARIZABLE) {
        v = Validity.VALID;
      } else if (r.outcome() == WglSearch.Outcome.NOT_LINEARIZABLE) {
        v = Validity.INVALID;
      } else {
        v = Validity.UNKNOWN;
      }
      overall = overall.worse(v);
      keys.add(
          new LinearResult.KeyResult(
              e.getKey() == SINGLE_KEY ? null : e.getKey(),
              v,
              e.getValue().size(),
              r == null
                  ? new WglSearch.Result(
                      WglSearch.Outcome.OUT_OF_BUDGET, 0, e.getValue().size(), 0, null)
                  : r,
              e.getValue()));
    }
    return new LinearResult(spec, model, history, overall, keys, relevant);
  }
}
