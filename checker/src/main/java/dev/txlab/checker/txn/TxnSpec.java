package dev.txlab.checker.txn;

import dev.txlab.checker.history.History;
import dev.txlab.checker.history.Keyword;
import dev.txlab.checker.history.Operation;
import java.time.Duration;
import java.util.List;

/**
 * What to check a transactional history for, in Elle's vocabulary.
 *
 * @param workload {@code list-append} or {@code rw-register}
 * @param consistencyModels the models the history must satisfy (Elle's names); empty or null means
 *     {@code strict-serializable}
 * @param wfrKeys rw-register: assume writes follow reads within a transaction (Elle's {@code
 *     :wfr-keys?})
 * @param sequentialKeys rw-register: assume each key is sequentially consistent
 * @param linearizableKeys rw-register: assume each key is linearizable
 * @param timeout the cycle-search budget per strongly connected component; null for the default
 *     ({@link #DEFAULT_TIMEOUT}, Elle's default)
 */
public record TxnSpec(
    String workload,
    List<String> consistencyModels,
    boolean wfrKeys,
    boolean sequentialKeys,
    boolean linearizableKeys,
    Duration timeout) {

  public static final List<String> WORKLOADS = List.of("list-append", "rw-register");

  /** Elle's {@code :cycle-search-timeout} default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(1000);

  public TxnSpec {
    if (!WORKLOADS.contains(workload)) {
      throw new IllegalArgumentException(
          "workload must be one of " + WORKLOADS + ", was " + workload);
    }
    consistencyModels =
        consistencyModels == null || consistencyModels.isEmpty()
            ? List.of("strict-serializable")
            : List.copyOf(consistencyModels);
    for (String m : consistencyModels) {
      if (!ModelLattice.isKnown(m)) {
        throw new IllegalArgumentException(
            "unknown consistency model " + m + "; known models: " + knownModels());
      }
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /** A spec with Elle's defaults for everything but the workload and models. */
  public static TxnSpec of(String workload, String... models) {
    return new TxnSpec(workload, List.of(models), false, false, false, null);
  }

  public Duration timeoutOrDefault() {
    return timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  /**
   * Guesses the workload from the micro-ops: an append means list-append, a write means
   * rw-register; a history of only reads is told apart by the shape of its values (lists are
   * list-append). Null when no operation looks like a transaction.
   */
  public static String guessWorkload(History h) {
    boolean sawTxn = false;
    boolean listRead = false;
    for (Operation op : h.operations()) {
      Object v = op.value();
      if (!(v instanceof List)) {
        continue;
      }
      for (Object m : (List<?>) v) {
        if (!(m instanceof List) || ((List<?>) m).size() != 3) {
          return null;
        }
        List<?> mop = (List<?>) m;
        String f = name(mop.get(0));
        if (f == null) {
          return null;
        }
        switch (f) {
          case "append":
            return "list-append";
          case "w":
            return "rw-register";
          case "r":
            sawTxn = true;
            listRead |= mop.get(2) instanceof List;
            break;
          default:
            return null;
        }
      }
    }
    if (!sawTxn) {
      return null;
    }
    return listRead ? "list-append" : "rw-register";
  }

  /** Every model name the lattice knows, for validating command-line input. */
  public static List<String> knownModels() {
    return ModelLattice.knownModels();
  }

  static String name(Object o) {
    if (o instanceof Keyword) {
      return ((Keyword) o).name();
    }
    if (o instanceof String) {
      String s = (String) o;
      return s.startsWith(":") ? s.substring(1) : s;
    }
    return null;
  }
}
