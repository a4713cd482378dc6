package dev.txlab.checker.linear;

import dev.txlab.checker.history.History;
import dev.txlab.checker.history.Operation;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What to check a history against.
 *
 * @param workload one of {@link #WORKLOADS}
 * @param initial the model's initial state, or null for the model's own (nil; {@code ""} for kv;
 *     empty registers for multi-register; free for mutex)
 * @param nilRead what an ok read of nil means, or null for the model's default ({@code UNKNOWN} for
 *     cas-register, as Knossos; {@code ABSENT} otherwise)
 * @param independent values are {@code [key value]} tuples to check key by key
 * @param timeout give up (unknown) after this long, or null for no limit
 */
public record LinearSpec(
    String workload, Object initial, NilRead nilRead, boolean independent, Duration timeout) {
  public static final List<String> WORKLOADS =
      List.of("register", "cas-register", "kv", "multi-register", "mutex", "tso");

  public LinearSpec {
    if (!WORKLOADS.contains(workload)) {
      throw new IllegalArgumentException("unknown linearizability workload '" + workload + "'");
    }
  }

  /**
   * Guesses the workload from the functions the operations use: {@code txn} → multi-register,
   * acquire/release → mutex, get/put/append → kv, read/write(/cas) → (cas-)register. Null when the
   * history fits none (or has no client operations).
   */
  public static String guessWorkload(History h) {
    Set<String> fs = new HashSet<>();
    for (Operation op : h.operations()) {
      fs.add(op.f());
    }
    if (fs.isEmpty()) {
      return null;
    }
    if (Set.of("txn").containsAll(fs)) {
      return "multi-register";
    }
    if (Set.of("acquire", "release").containsAll(fs)) {
      return "mutex";
    }
    if (Set.of("ts").containsAll(fs)) {
      return "tso";
    }
    if (Set.of("get", "put", "append").containsAll(fs)) {
      return "kv";
    }
    if (Set.of("read", "write", "cas").containsAll(fs)) {
      return fs.contains("cas") ? "cas-register" : "register";
    }
    return null;
  }

  /**
   * True if a register history's values look like Jepsen's independent {@code [key value]} tuples:
   * every write is a pair and every cas a pair whose second element is a pair. (A plain cas value
   * {@code [1 2]} is a pair too, which is why writes and cas are both looked at.)
   */
  public static boolean guessIndependent(History h) {
    boolean any = false;
    for (Operation op : h.operations()) {
      Object v = op.invocation().value();
      switch (op.f()) {
        case "write":
          if (!isPair(v)) {
            return false;
          }
          any = true;
          break;
        case "cas":
          if (!isPair(v) || !isPair(((List<?>) v).get(1))) {
            return false;
          }
          any = true;
          break;
        case "read":
          if (v != null && !isPair(v)) {
            return false;
          }
          break;
        default:
          return false;
      }
    }
    return any;
  }

  private static boolean isPair(Object v) {
    return v instanceof List && ((List<?>) v).size() == 2;
  }
}
