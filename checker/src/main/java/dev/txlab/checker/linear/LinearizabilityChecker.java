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
   * After a key fails, how many steps in all each other key is still searched, one key at a time
   * (its memo dropped before the next starts, so memory stays that of one search): enough to decide
   * every key of Porcupine's c50-bad history that Porcupine decides in two minutes a key (its
   * hardest failing key needs some 15 million steps), not so much that an undecidable key holds up
   * a verdict that is already INVALID for long. A step bound, not a time one, so the keys a report
   * lists do not depend on the machine — up to {@link #AFTER_FAILURE_MAX_NANOS}.
   */
  static final long AFTER_FAILURE_BUDGET_STEPS = 25_600_000;

  /**
   * After a key fails, the rounds (every open key a turn) go on up to this budget, so the keys that
   * decide quickly are not queued behind a hard one.
   */
  static final long AFTER_FAILURE_ROUND_STEPS = 800_000;

  /**
   * A safety net for histories with many hard keys: after the first failure, the search of the
   * other keys stops after this long in all, and the keys not reached are listed as undecided.
   */
  static final long AFTER_FAILURE_MAX_NANOS = 120_000_000_000L;

  /**
   * After a key fails, a key's search also stops once its memo holds this many configurations (or
   * fewer if the heap is small, see {@code Searches}): c50-bad's hardest failing key decides with
   * 4.3 million.
   */
  static final long AFTER_FAILURE_MEMO_MAX = 6_000_000;

  /**
   * The heap one configuration of a search's memo is allowed, its states and transitions included.
   */
  static final long BYTES_PER_CONFIGURATION = 400;

  private LinearizabilityChecker() {}

  public static LinearResult check(History history, LinearSpec spec) throws UnfitHistoryException {
    return check(history, spec, Runtime.getRuntime().maxMemory() / BYTES_PER_CONFIGURATION);
  }

  /**
   * As {@link #check(History, LinearSpec)}, with the memos of all keys' searches together held to
   * {@code memoLimit} configurations (tests set it small).
   */
  static LinearResult check(History history, LinearSpec spec, long memoLimit)
      throws UnfitHistoryException {
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
    // listed as undecided. A search out of budget resumes where it stopped: no work is redone
    // unless memory runs short (see Searches).
    Searches searches = new Searches(model, byKey, memoLimit);
    List<Object> order = new ArrayList<>(byKey.keySet());
    Map<Object, WglSearch.Result> decided = new LinkedHashMap<>();
    // Where each key's search stood when its budget last ran out: for a key left undecided, the
    // deepest order it found and how far it looked, which the report shows.
    Map<Object, WglSearch.Result> lastRound = new LinkedHashMap<>();
    boolean failed = false;
    boolean timedOut = false;
    // Once a key has failed, the rounds go on only to AFTER_FAILURE_ROUND_STEPS (the keys an
    // ordinary run leaves decide there, a stale read on a second key, issue 12); the keys still
    // open then are searched one at a time, below.
    long roundCap = Long.MAX_VALUE;
    for (long budget = FIRST_BUDGET_STEPS;
        !order.isEmpty() && !timedOut && budget <= roundCap;
        budget *= 4) {
      List<Object> undecided = new ArrayList<>();
      for (Object key : order) {
        if (timedOut) {
          undecided.add(key);
          continue;
        }
        WglSearch.Result r = searches.run(key, budget, searches.memoLimit, deadline);
        if (r.outcome() == WglSearch.Outcome.OUT_OF_BUDGET) {
          lastRound.put(key, r);
          if (r.explored() > searches.memoLimit) {
            searches.drop(key); // as far as memory allows: undecided
          } else {
            undecided.add(key);
          }
          continue;
        }
        searches.drop(key); // decided: let its memo go
        decided.put(key, r);
        if (r.outcome() == WglSearch.Outcome.NOT_LINEARIZABLE) {
          failed = true;
          roundCap = Math.min(roundCap, Math.max(budget, AFTER_FAILURE_ROUND_STEPS));
        }
        timedOut |= r.outcome() == WglSearch.Outcome.TIMED_OUT;
      }
      order = undecided;
    }
    // Once a key has failed the verdict is settled; each key still undecided is searched on, one
    // at a time, up to AFTER_FAILURE_BUDGET_STEPS in all (and AFTER_FAILURE_MEMO_MAX
    // configurations), and reported undecided if that is not enough. Each memo is let go when its
    // key is done; all of them together stay within the heap (Searches).
    long afterFailureDeadline =
        Math.min(deadline, saturatedAdd(System.nanoTime(), AFTER_FAILURE_MAX_NANOS));
    long memoMax = Math.min(AFTER_FAILURE_MEMO_MAX, searches.memoLimit);
    for (Object key : order) {
      long left = AFTER_FAILURE_BUDGET_STEPS - searches.spent(key);
      if (!timedOut && failed && left > 0) {
        WglSearch.Result r = searches.run(key, left, memoMax, afterFailureDeadline);
        searches.drop(key);
        if (r.outcome() == WglSearch.Outcome.TIMED_OUT && System.nanoTime() <= deadline) {
          // Only the allowance after the failure ran out: undecided, as if out of budget, where
          // its search (or, if it got nowhere this time, its last round) stood.
          WglSearch.Result last = r.counterexample() != null ? r : lastRound.getOrDefault(key, r);
          lastRound.put(key, last.as(WglSearch.Outcome.OUT_OF_BUDGET));
          continue;
        }
        if (r.outcome() == WglSearch.Outcome.OUT_OF_BUDGET) {
          lastRound.put(key, r);
          continue;
        }
        decided.put(key, r);
        timedOut |= r.outcome() == WglSearch.Outcome.TIMED_OUT;
        continue;
      }
      searches.drop(key);
      if (timedOut) {
        // Past the deadline every other search would give up at once: record them as such.
        WglSearch.Result last = lastRound.get(key);
        decided.put(
            key,
            last == null
                ? new WglSearch.Result(
                    WglSearch.Outcome.TIMED_OUT, 0, byKey.get(key).size(), 0, null)
                : last.as(WglSearch.Outcome.TIMED_OUT));
      }
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

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  /**
   * The open keys' searches, each resumable, kept within the heap: a configuration costs some 230
   * bytes with its share of model states and transitions, so all memos together are held to one per
   * {@link #BYTES_PER_CONFIGURATION} bytes of the heap. When the others' memos and this key's would
   * pass half of that, the others are dropped and start afresh at their next turn (redoing at most
   * the steps they had, a geometric share of their next budget); a key whose own memo reaches the
   * limit stops there, undecided. So a hard history gives an answer of "undecided", never an
   * OutOfMemoryError.
   */
  private static final class Searches {
    final long memoLimit;
    private final Model model;
    private final Map<Object, List<LinOp>> byKey;
    private final Map<Object, WglSearch> open = new LinkedHashMap<>();
    private final Map<Object, Long> spent = new LinkedHashMap<>();

    Searches(Model model, Map<Object, List<LinOp>> byKey, long memoLimit) {
      this.memoLimit = memoLimit;
      this.model = model;
      this.byKey = byKey;
    }

    /** Steps the key's current search has had. */
    long spent(Object key) {
      return spent.getOrDefault(key, 0L);
    }

    void drop(Object key) {
      open.remove(key);
      spent.remove(key);
    }

    /**
     * Searches {@code key} for {@code budget} more steps (after the deadline: gives up at once).
     */
    WglSearch.Result run(Object key, long budget, long memoMax, long deadline) {
      if (System.nanoTime() > deadline) {
        return new WglSearch.Result(WglSearch.Outcome.TIMED_OUT, 0, byKey.get(key).size(), 0, null);
      }
      WglSearch search = open.get(key);
      long held = 0;
      for (WglSearch other : open.values()) {
        held += other.memoSize();
      }
      if (held > memoLimit / 2) {
        open.keySet().removeIf(k -> !k.equals(key));
        spent.keySet().removeIf(k -> !k.equals(key));
      }
      if (search == null) {
        search = new WglSearch(model, byKey.get(key), deadline);
        open.put(key, search);
      }
      search.deadline(deadline);
      search.memoMax(memoMax);
      spent.merge(key, budget, Long::sum);
      return search.run(budget);
    }
  }
}
