package dev.txlab.checker.linear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decides whether one (per-key) subhistory is linearizable: the Wing–Gong–Lowe search over a doubly
 * linked list of call and return entries, with Lowe's memo of configurations (set of linearized
 * operations, model state) already explored.
 *
 * <h2>The search</h2>
 *
 * Entries are sorted by position in the history. Walking from the head, a call entry's operation
 * may be linearized next if the model allows it in the current state and the resulting
 * configuration is new; it is then "lifted" (its call and return removed) and the walk restarts.
 * Meeting a return entry means its operation was not linearized before it returned: backtrack. All
 * completed operations linearized means the history is linearizable.
 *
 * <h2>Crashed operations</h2>
 *
 * An operation whose outcome is unknown ({@code info}, or never completed) may take effect at any
 * time after its invocation, or never. Treated as ordinary operations that return at the end of
 * time ("classic" mode, used for models whose updates do not overwrite), they let the search try
 * every subset of them at every point, which is what makes such histories intractable.
 *
 * <p>For <em>overwriting</em> models ({@link Model#overwrites()}: a legal step's next state depends
 * on the input alone — register reads, writes and compare-and-sets, mutex acquire and release)
 * crashed operations are instead applied only <em>on demand</em>: just before a completed operation
 * that is illegal in the current state, as a short chain that leads to the one state it needs. This
 * is sound and complete:
 *
 * <ol>
 *   <li>Take any valid linearization, and a crashed operation X in it, followed by Y. If Y is legal
 *       in the state before X, delete X: Y's next state depends on Y alone, so everything after Y
 *       is unchanged, and a crashed operation may always not happen. Repeating this (it only ever
 *       shortens the sequence) leaves a linearization in which every crashed operation is
 *       immediately followed by an operation that is illegal without it.
 *   <li>If X is last, delete it too. So a chain of crashed operations only ever sits directly
 *       before a completed operation C that is illegal in the state before the chain, and the chain
 *       ends in the state C requires. That is exactly what the search tries.
 *   <li>Crashed operations with equal inputs are interchangeable, and one invoked earlier can go
 *       wherever one invoked later can (both intervals run to the end of time), so the search only
 *       ever uses the earliest-invoked unused member of each such class.
 *   <li>A crashed operation is available at a point only if it was invoked before the earliest
 *       return still in the list, the same rule as for every other operation.
 * </ol>
 *
 * A crashed write whose value nobody observed is thereby never applied, and dozens of pending
 * writes no longer multiply the search space: only chains that lead somewhere are explored. Chains
 * are at most {@link #CHAIN_MAX} long; {@code LinearizabilityCheckerTest} checks the search against
 * a brute-force oracle.
 */
final class WglSearch {
  /** The longest chain of crashed operations tried before one completed operation. */
  static final int CHAIN_MAX = 4;

  /** At most this many chains are tried before one operation (a bound on branching). */
  static final int CHAINS_MAX = 64;

  enum Outcome {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    /** The wall-clock deadline passed. */
    TIMED_OUT,
    /** The step budget ran out; the caller may try again with a larger one. */
    OUT_OF_BUDGET
  }

  /**
   * The deepest configuration reached: the operations linearized in order (on-demand crashed ones
   * included), the state they leave, and the operation that could not be placed next.
   */
  record Counterexample(LinOp blocked, List<LinOp> prefix, Object state) {}

  /**
   * What one search found.
   *
   * @param linearization for a linearizable subhistory, the legal order found (on-demand crashed
   *     operations included), else null; recorded once, when the search succeeds
   */
  record Result(
      Outcome outcome,
      long explored,
      int completedOps,
      int linearizedMax,
      Counterexample counterexample,
      List<LinOp> linearization) {
    Result(
        Outcome outcome,
        long explored,
        int completedOps,
        int linearizedMax,
        Counterexample counterexample) {
      this(outcome, explored, completedOps, linearizedMax, counterexample, null);
    }

    /** Where this search stood, reported with another outcome (a search stopped from outside). */
    Result as(Outcome other) {
      return new Result(other, explored, completedOps, linearizedMax, counterexample);
    }
  }

  private final Model model;
  private final List<LinOp> ops;
  private final boolean lazy;
  private long deadlineNanos;

  // The entry list: entry 0 is the head; entries 1..m each a call or return of an op.
  private int[] entOp;
  private boolean[] entCall;
  private int[] entMatch;
  private int[] next;
  private int[] prev;
  private int[] callEntryOf;

  // Interned states and inputs, and the transition cache between them.
  private final Map<Object, Integer> stateIds;
  private final List<Object> states = new ArrayList<>();
  private final Map<Object, Integer> inputIds = new HashMap<>();
  private int[] inputOf;
  private final LongIntTable transitions;

  // Crashed-operation classes (lazy mode): same input, members by invocation position.
  private final List<int[]> classMembers = new ArrayList<>();
  private final List<Object> classInputs = new ArrayList<>();
  private final Map<Object, List<Integer>> classesByResult = new HashMap<>();

  // The configuration.
  private long[] bits;
  private long zobrist;
  private long[] zobristOf;
  private int state;
  private int completedRemaining;
  private final ConfigSet memo;

  WglSearch(Model model, List<LinOp> ops, long deadlineNanos) {
    this.model = model;
    this.ops = ops;
    this.lazy = model.overwrites();
    this.deadlineNanos = deadlineNanos;
    // Sized by the subhistory: most searches visit a few configurations per operation.
    this.memo = new ConfigSet(ops.size() * 16);
    this.transitions = new LongIntTable(ops.size() * 16);
    this.stateIds = new HashMap<>(ops.size() * 4);
  }

  private record Frame(int callEntry, int option, int previousState, int[] chain) {}

  // The search's own state, kept between calls so that a search out of budget can resume.
  private boolean started;
  private final List<Frame> stack = new ArrayList<>();
  private int entry;
  private int bestDepth = -1;
  private Counterexample best;
  private int completedTotal;
  private long iterations;

  /** Moves the wall-clock deadline of the next {@link #run} calls (a resumed search's caller's). */
  void deadline(long nanos) {
    deadlineNanos = nanos;
  }

  private long memoMax = Long.MAX_VALUE;

  /** How many configurations the memo holds. */
  long memoSize() {
    return memo.size();
  }

  /**
   * Bounds the memo: once it holds more than {@code configurations}, {@link #run} stops as out of
   * budget. Memory, not steps, is what a hard key exhausts first (each new configuration keeps its
   * bit set, and a new model state is kept once).
   */
  void memoMax(long configurations) {
    memoMax = configurations;
  }

  /**
   * Searches until decided, the deadline, or {@code stepBudget} more steps. After {@link
   * Outcome#OUT_OF_BUDGET} it may be called again to continue where it stopped.
   */
  Result run(long stepBudget) {
    if (!started) {
      start();
    }
    long budgetEnd = iterations + stepBudget;
    while (true) {
      if (completedRemaining == 0) {
        return new Result(
            Outcome.LINEARIZABLE,
            memo.size(),
            completedTotal,
            completedTotal,
            null,
            List.copyOf(prefix(stack)));
      }
      if ((++iterations & 0xFFF) == 0) {
        if (System.nanoTime() > deadlineNanos) {
          return new Result(
              Outcome.TIMED_OUT, memo.size(), completedTotal, Math.max(0, bestDepth), best);
        }
        if (iterations > budgetEnd || memo.size() > memoMax) {
          return new Result(
              Outcome.OUT_OF_BUDGET, memo.size(), completedTotal, Math.max(0, bestDepth), best);
        }
      }
      if (entry != 0 && entCall[entry]) {
        if (tryOptions(entry, 0, stack)) {
          entry = next[0];
        } else {
          entry = next[entry];
        }
        continue;
      }
      // A return entry (or the end): that operation was not linearized in time. Backtrack.
      int depth = completedTotal - completedRemaining;
      if (depth > bestDepth && entry != 0) {
        bestDepth = depth;
        best = new Counterexample(ops.get(entOp[entry]), prefix(stack), states.get(state));
      }
      if (stack.isEmpty()) {
        return new Result(
            Outcome.NOT_LINEARIZABLE, memo.size(), completedTotal, Math.max(0, bestDepth), best);
      }
      Frame f = stack.remove(stack.size() - 1);
      undo(f);
      if (tryOptions(f.callEntry, f.option + 1, stack)) {
        entry = next[0];
      } else {
        entry = next[f.callEntry];
      }
    }
  }

  private void start() {
    started = true;
    int n = ops.size();
    bits = new long[(n + 63) / 64 + 1];
    zobristOf = new long[n];
    SplittableRandom z = new SplittableRandom(0x7478_6c61_62L);
    for (int i = 0; i < n; i++) {
      zobristOf[i] = z.nextLong();
    }
    inputOf = new int[n];
    for (LinOp op : ops) {
      inputOf[op.id()] = inputIds.computeIfAbsent(op.input(), k -> inputIds.size());
    }
    buildEntries();
    if (lazy) {
      buildClasses();
    }
    state = intern(model.initialState());
    completedTotal = completedRemaining;
    entry = next[0];
  }

  private List<LinOp> prefix(List<Frame> stack) {
    List<LinOp> out = new ArrayList<>();
    for (Frame f : stack) {
      for (int c : f.chain) {
        out.add(ops.get(c));
      }
      out.add(ops.get(entOp[f.callEntry]));
    }
    return out;
  }

  /**
   * Tries to linearize the operation of {@code callEntry} next, by its options from {@code from}
   * on: first directly, then (lazy mode, only if directly illegal) after each chain of crashed
   * operations that makes it legal. Pushes a frame and returns true on the first option whose
   * configuration is new.
   */
  private boolean tryOptions(int callEntry, int from, List<Frame> stack) {
    int opId = entOp[callEntry];
    int direct = transition(state, inputOf[opId]);
    if (direct >= 0 || !lazy || ops.get(opId).crashed()) {
      if (from == 0 && direct >= 0 && visit(opId, null, direct)) {
        apply(callEntry, 0, null, direct, stack);
        return true;
      }
      return false;
    }
    List<int[]> chains = chains(model.requiredState(ops.get(opId).input()));
    for (int i = Math.max(0, from - 1); i < chains.size(); i++) {
      int[] chain = chains.get(i);
      int after = transition(chainEnd(chain), inputOf[opId]);
      if (after >= 0 && visit(opId, chain, after)) {
        apply(callEntry, i + 1, chain, after, stack);
        return true;
      }
    }
    return false;
  }

  private int chainEnd(int[] chain) {
    return intern(model.resultState(ops.get(chain[chain.length - 1]).input()));
  }

  /** Adds the configuration reached by linearizing {@code chain} then {@code opId} to the memo. */
  private boolean visit(int opId, int[] chain, int nextState) {
    // Set the bits in place, look up, and restore: no allocation unless the configuration is new.
    setBit(opId);
    if (chain != null) {
      for (int c : chain) {
        setBit(c);
      }
    }
    long mixed = (zobrist ^ ((nextState + 1) * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
    boolean added = memo.add(mixed ^ (mixed >>> 31), nextState, bits);
    clearBit(opId);
    if (chain != null) {
      for (int c : chain) {
        clearBit(c);
      }
    }
    return added;
  }

  private void apply(int callEntry, int option, int[] chain, int nextState, List<Frame> stack) {
    int opId = entOp[callEntry];
    stack.add(new Frame(callEntry, option, state, chain == null ? new int[0] : chain));
    setBit(opId);
    if (chain != null) {
      for (int c : chain) {
        setBit(c);
      }
    }
    if (!ops.get(opId).crashed()) {
      completedRemaining--;
    }
    state = nextState;
    lift(callEntry);
  }

  private void undo(Frame f) {
    int opId = entOp[f.callEntry];
    unlift(f.callEntry);
    clearBit(opId);
    for (int c : f.chain) {
      clearBit(c);
    }
    if (!ops.get(opId).crashed()) {
      completedRemaining++;
    }
    state = f.previousState;
  }

  private void setBit(int id) {
    bits[id >>> 6] |= 1L << id;
    zobrist ^= zobristOf[id];
  }

  private void clearBit(int id) {
    bits[id >>> 6] &= ~(1L << id);
    zobrist ^= zobristOf[id];
  }

  private boolean linearized(int id) {
    return (bits[id >>> 6] & (1L << id)) != 0;
  }

  // ---------------------------------------------------------------- crashed chains (lazy mode)

  private void buildClasses() {
    Map<Object, List<Integer>> byInput = new LinkedHashMap<>();
    for (LinOp op : ops) {
      if (op.crashed()) {
        byInput.computeIfAbsent(op.input(), k -> new ArrayList<>()).add(op.id());
      }
    }
    for (Map.Entry<Object, List<Integer>> e : byInput.entrySet()) {
      List<Integer> members = e.getValue();
      members.sort(
          (a, b) -> Integer.compare(ops.get(a).invokePosition(), ops.get(b).invokePosition()));
      int cls = classMembers.size();
      classMembers.add(members.stream().mapToInt(Integer::intValue).toArray());
      classInputs.add(e.getKey());
      classesByResult
          .computeIfAbsent(model.resultState(e.getKey()), k -> new ArrayList<>())
          .add(cls);
    }
  }

  /**
   * Position of the earliest return still in the list: only operations invoked before it may go
   * next.
   */
  private int frontierPosition() {
    for (int e = next[0]; e != 0; e = next[e]) {
      if (!entCall[e]) {
        return ops.get(entOp[e]).completePosition();
      }
    }
    return Integer.MAX_VALUE;
  }

  /** Chains of available crashed operations that lead from the current state to {@code target}. */
  private List<int[]> chains(Object target) {
    List<int[]> out = new ArrayList<>();
    if (classMembers.isEmpty() || target == null) {
      return out;
    }
    int frontier = frontierPosition();
    chainsTo(target, CHAIN_MAX, new ArrayList<>(), frontier, out);
    return out;
  }

  private void chainsTo(
      Object target, int depth, List<Integer> suffix, int frontier, List<int[]> out) {
    List<Integer> classes = classesByResult.get(target);
    if (classes == null) {
      return;
    }
    Object current = states.get(state);
    for (int cls : classes) {
      if (out.size() >= CHAINS_MAX) {
        return;
      }
      int member = available(cls, suffix, frontier);
      if (member < 0) {
        continue;
      }
      Object required = model.requiredState(classInputs.get(cls));
      suffix.add(0, member);
      if (required == null || required.equals(current)) {
        out.add(suffix.stream().mapToInt(Integer::intValue).toArray());
      } else if (depth > 1) {
        chainsTo(required, depth - 1, suffix, frontier, out);
      }
      suffix.remove(0);
    }
  }

  /**
   * The earliest-invoked member of a class not yet used and invoked before {@code frontier}, or -1.
   */
  private int available(int cls, List<Integer> inChain, int frontier) {
    for (int m : classMembers.get(cls)) {
      if (ops.get(m).invokePosition() >= frontier) {
        return -1;
      }
      if (!linearized(m) && !inChain.contains(m)) {
        return m;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- states and transitions

  private int intern(Object s) {
    Integer id = stateIds.get(s);
    if (id == null) {
      id = states.size();
      stateIds.put(s, id);
      states.add(s);
    }
    return id;
  }

  private Object[] inputsById;

  /** The state after input {@code inputId} in state {@code stateId}, or -1 if illegal (cached). */
  private int transition(int stateId, int inputId) {
    long key = ((long) stateId << 32) | inputId;
    int cached = transitions.get(key);
    if (cached != LongIntTable.ABSENT) {
      return cached;
    }
    if (inputsById == null) {
      inputsById = new Object[inputIds.size()];
      for (Map.Entry<Object, Integer> e : inputIds.entrySet()) {
        inputsById[e.getValue()] = e.getKey();
      }
    }
    Object nextState = model.step(states.get(stateId), inputsById[inputId]);
    int result = nextState == null ? -1 : intern(nextState);
    transitions.put(key, result);
    return result;
  }

  // ---------------------------------------------------------------- the entry list

  private void buildEntries() {
    List<LinOp> listed = new ArrayList<>();
    for (LinOp op : ops) {
      if (!lazy || !op.crashed()) {
        listed.add(op);
      }
      if (!op.crashed()) {
        completedRemaining++;
      }
    }
    int m = listed.size() * 2;
    // Sort key: position, then crashed returns (all at the end of time) by invocation.
    List<long[]> keyed = new ArrayList<>(m);
    for (LinOp op : listed) {
      keyed.add(new long[] {op.invokePosition(), 0, op.id(), 1});
      long retPos = op.crashed() ? Integer.MAX_VALUE : op.completePosition();
      keyed.add(new long[] {retPos, op.crashed() ? op.invokePosition() : 0, op.id(), 0});
    }
    keyed.sort(
        (a, b) -> {
          int c = Long.compare(a[0], b[0]);
          if (c != 0) {
            return c;
          }
          c = Long.compare(a[1], b[1]);
          return c != 0 ? c : Long.compare(a[2], b[2]);
        });
    entOp = new int[m + 1];
    entCall = new boolean[m + 1];
    entMatch = new int[m + 1];
    next = new int[m + 1];
    prev = new int[m + 1];
    callEntryOf = new int[ops.size()];
    Arrays.fill(callEntryOf, -1);
    int[] returnEntryOf = new int[ops.size()];
    for (int i = 0; i < m; i++) {
      long[] k = keyed.get(i);
      int e = i + 1;
      entOp[e] = (int) k[2];
      entCall[e] = k[3] == 1;
      if (entCall[e]) {
        callEntryOf[entOp[e]] = e;
      } else {
        returnEntryOf[entOp[e]] = e;
      }
    }
    for (int e = 1; e <= m; e++) {
      entMatch[e] = entCall[e] ? returnEntryOf[entOp[e]] : callEntryOf[entOp[e]];
    }
    // Circular list through the head (entry 0).
    for (int e = 0; e <= m; e++) {
      next[e] = e == m ? 0 : e + 1;
      prev[e] = e == 0 ? m : e - 1;
    }
  }

  private void lift(int callEntry) {
    int ret = entMatch[callEntry];
    next[prev[callEntry]] = next[callEntry];
    prev[next[callEntry]] = prev[callEntry];
    next[prev[ret]] = next[ret];
    prev[next[ret]] = prev[ret];
  }

  private void unlift(int callEntry) {
    int ret = entMatch[callEntry];
    prev[next[ret]] = ret;
    next[prev[ret]] = ret;
    prev[next[callEntry]] = callEntry;
    next[prev[callEntry]] = callEntry;
  }
}
