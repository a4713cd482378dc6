package dev.txlab.checker.txn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The consistency-model lattice and the anomaly taxonomy, as data: which model implies which, which
 * anomalies each model forbids directly, and which anomaly implies which. Everything the checker
 * says about models ({@code not}, {@code also_not}, which anomalies make a history invalid) is
 * derived from these four tables by graph walks, as Elle derives it (ELLE-SPEC sections 6 and 7);
 * the tables are written here from that description and Elle's published hierarchy, with Elle's
 * model and anomaly names so our verdicts can be compared with Elle's.
 *
 * <p>Models have a canonical name (Adya's {@code PL-2}) and a friendly one ({@code
 * read-committed}); the tables use canonical names, results use friendly ones.
 *
 * <p>Invariants: both graphs are acyclic; every model named in a table is a vertex of {@link
 * #IMPLIES}.
 */
public final class ModelLattice {
  private ModelLattice() {}

  /** Friendly name → canonical name, for models that have both. */
  static final Map<String, String> CANONICAL =
      table(
          "consistent-view", "PL-2+",
          "conflict-serializable", "PL-3",
          "cursor-stability", "PL-CS",
          "forward-consistent-view", "PL-FCV",
          "monotonic-snapshot-read", "PL-MSR",
          "monotonic-view", "PL-2L",
          "read-committed", "PL-2",
          "read-uncommitted", "PL-1",
          "repeatable-read", "PL-2.99",
          "serializable", "PL-3",
          "snapshot-isolation", "PL-SI",
          "strict-serializable", "PL-SS",
          "strong-serializable", "PL-SS",
          "update-serializable", "PL-3U",
          "strong-session-read-uncommitted", "strong-session-PL-1",
          "strong-session-read-committed", "strong-session-PL-2",
          "strong-read-uncommitted", "strong-PL-1",
          "strong-read-committed", "strong-PL-2");

  /** Canonical → the friendly name results print (Elle prints PL-SS as strong-serializable). */
  static final Map<String, String> FRIENDLY;

  static {
    Map<String, String> f = new LinkedHashMap<>();
    CANONICAL.forEach((friendly, canonical) -> f.put(canonical, friendly));
    f.put("PL-3", "serializable");
    f.put("PL-SS", "strong-serializable");
    FRIENDLY = Map.copyOf(f);
  }

  /** a → models a history satisfying a also satisfies (canonical names). */
  static final Map<String, List<String>> IMPLIES =
      graph(
          "causal-cerone", "read-atomic",
          "PL-2+", "PL-CS PL-2L",
          "PL-CS", "PL-2",
          "PL-FCV", "PL-2+",
          "PL-2", "PL-1",
          "PL-3", "PL-2.99 PL-3U PL-SI view-serializable",
          "PL-3U", "PL-FCV",
          "monotonic-atomic-view", "PL-2",
          "PL-2L", "PL-2",
          "PL-MSR", "PL-2",
          "parallel-snapshot-isolation", "causal-cerone update-atomic",
          "prefix", "causal-cerone",
          "read-atomic", "monotonic-atomic-view",
          "PL-2.99", "PL-CS monotonic-atomic-view",
          "update-atomic", "read-atomic",
          "session-serializable", "1SR",
          "PL-SI", "PL-FCV monotonic-atomic-view PL-MSR parallel-snapshot-isolation prefix",
          "PL-SS",
              "PL-3 linearizable PL-SI strong-snapshot-isolation strong-session-serializable "
                  + "session-serializable",
          "strong-session-PL-1", "PL-1",
          "strong-session-PL-2", "PL-2 strong-session-PL-1",
          "strong-PL-1", "strong-session-PL-1",
          "strong-PL-2", "strong-session-PL-2 strong-PL-1",
          "strong-session-serializable", "PL-3 strong-session-snapshot-isolation",
          "strong-session-snapshot-isolation", "PL-SI strong-session-PL-2",
          "strong-snapshot-isolation", "strong-session-snapshot-isolation strong-PL-2",
          "linearizable", "sequential",
          "sequential", "causal",
          "causal", "writes-follow-reads PRAM",
          "PRAM", "monotonic-reads monotonic-writes read-your-writes");

  /** Model → anomalies it forbids directly (weaker models' prohibitions are inherited). */
  static final Map<String, List<String>> FORBIDS =
      graph(
          "causal-cerone", "internal G1a",
          "PL-CS", "G1 G-cursor lost-update",
          "PL-2L", "G1 G-monotonic",
          "PL-MSR", "G1 G-MSR",
          "PL-2+", "G1 G-single",
          "PL-FCV", "G1 G-SIb",
          "parallel-snapshot-isolation", "internal G1a",
          "PL-3", "G1 G2 predicate-read-miss PL-3-cycle-exists internal",
          "PL-2", "G1 PL-2-cycle-exists",
          "PL-1", "G0 duplicate-elements cyclic-versions PL-1-cycle-exists",
          "prefix", "internal G1a",
          "PL-SI", "internal G1 G-SI G-nonadjacent PL-SI-cycle-exists",
          "read-atomic", "internal G1a future-read",
          "PL-2.99", "G1 G2-item PL-2.99-cycle-exists lost-update",
          "update-atomic", "lost-update",
          "PL-SS", "G1 G1c-realtime G2-realtime PL-SS-cycle-exists",
          "strong-session-PL-1", "strong-session-PL-1-cycle-exists G0-process",
          "strong-session-PL-2", "strong-session-PL-2-cycle-exists G1c-process",
          "strong-PL-1", "strong-PL-1-cycle-exists G0-realtime",
          "strong-PL-2", "strong-PL-2-cycle-exists G1c-realtime",
          "strong-session-snapshot-isolation",
              "internal G1-process G-nonadjacent-process strong-session-snapshot-isolation-cycle-exists",
          "strong-snapshot-isolation",
              "internal G1-realtime G-nonadjacent-realtime strong-snapshot-isolation-cycle-exists",
          "strong-session-serializable",
              "G1-process G2-process strong-session-serializable-cycle-exists",
          "PL-3U", "G1 G-update");

  /** Anomaly → anomalies its presence implies (G0 is also a G1c; lost update is a G2-item...). */
  static final Map<String, List<String>> ANOMALY_IMPLIES =
      graph(
          "G0", "G1c G0-process",
          "G0-process", "G1c-process G0-realtime",
          "G0-realtime", "G1c-realtime",
          "G1a", "G1",
          "G1b", "G1",
          "G1c", "G1 G1c-process",
          "G1c-process", "G1c-realtime G1-process",
          "G1c-realtime", "G1-realtime",
          "G1", "G1-process",
          "G1-process", "G1-realtime",
          "G-single-item", "G-single G-single-item-process G-nonadjacent-item",
          "G-single-item-process",
              "G-single-process G-single-item-realtime G-nonadjacent-item-process",
          "G-single-item-realtime", "G-single-realtime G-nonadjacent-item-realtime",
          "G-single", "G-nonadjacent GSIb G-single-process",
          "G-single-process", "G-nonadjacent-process G-single-realtime",
          "G-single-realtime", "G-nonadjacent-realtime",
          "G-nonadjacent-item", "G-nonadjacent G2-item G-nonadjacent-item-process",
          "G-nonadjacent-item-process",
              "G-nonadjacent-process G2-item-process G-nonadjacent-item-realtime",
          "G-nonadjacent-item-realtime", "G2-item-realtime G-nonadjacent-realtime",
          "G-nonadjacent", "G2 G-nonadjacent-process",
          "G-nonadjacent-process", "G2-process G-nonadjacent-realtime",
          "G-nonadjacent-realtime", "G2-realtime",
          "G2", "G2-process",
          "G2-item", "G2 G2-item-process",
          "G2-item-process", "G2-process G2-item-realtime",
          "G2-item-realtime", "G2-realtime",
          "G2-process", "G2-realtime",
          "GSIa", "GSI",
          "GSIb", "GSI",
          "incompatible-order", "G1a",
          "future-read", "G1c",
          "dirty-update", "G1a",
          "lost-update", "write-skew G2-item",
          "write-skew", "G2");

  /** The anomalies that make a verdict unknown rather than invalid. */
  static final Set<String> UNKNOWN_TYPES =
      Set.of("empty-transaction-graph", "cycle-search-timeout");

  // ---------------------------------------------------------------------------------------
  // Derived queries

  public static String canonical(String model) {
    return CANONICAL.getOrDefault(model, model);
  }

  public static String friendly(String model) {
    return FRIENDLY.getOrDefault(model, model);
  }

  /** Every model name the lattice knows, canonical and friendly, sorted. */
  public static List<String> knownModels() {
    TreeSet<String> all = new TreeSet<>();
    IMPLIES.forEach(
        (a, bs) -> {
          all.add(a);
          all.addAll(bs);
        });
    all.addAll(CANONICAL.keySet());
    all.addAll(CANONICAL.values());
    FORBIDS.keySet().forEach(all::add);
    return List.copyOf(all);
  }

  public static boolean isKnown(String model) {
    return knownModels().contains(model);
  }

  private static final Map<Set<String>, Set<String>> PROHIBITED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Anomalies that must be absent for all of {@code models} to hold. Memoized: the cycle search
   * asks this once per strongly connected component, with few distinct model sets.
   */
  public static Set<String> prohibitedBy(Collection<String> models) {
    return PROHIBITED.computeIfAbsent(
        Set.copyOf(models), ms -> java.util.Collections.unmodifiableSet(computeProhibited(ms)));
  }

  private static Set<String> computeProhibited(Collection<String> models) {
    List<String> start = new ArrayList<>();
    for (String m : models) {
      start.add(canonical(m));
    }
    Set<String> implied = walk(IMPLIES, start);
    List<String> direct = new ArrayList<>();
    for (String m : implied) {
      direct.addAll(FORBIDS.getOrDefault(m, List.of()));
    }
    return new TreeSet<>(walk(reverse(ANOMALY_IMPLIES), direct));
  }

  /** Every anomaly {@code anomalies} imply, themselves included. */
  public static Set<String> impliedAnomalies(Collection<String> anomalies) {
    return walk(ANOMALY_IMPLIES, anomalies);
  }

  /** Canonical names of the models that cannot hold when {@code anomalies} occur. */
  public static Set<String> impossibleModels(Collection<String> anomalies) {
    Set<String> implied = impliedAnomalies(anomalies);
    List<String> direct = new ArrayList<>();
    FORBIDS.forEach(
        (model, forbidden) -> {
          for (String a : forbidden) {
            if (implied.contains(a)) {
              direct.add(model);
              break;
            }
          }
        });
    return walk(reverse(IMPLIES), direct);
  }

  /** Canonical names of {@code model} and every model that implies it. */
  public static Set<String> modelsImplying(String canonicalModel) {
    return walk(reverse(IMPLIES), List.of(canonicalModel));
  }

  /**
   * Splits the models ruled out by {@code anomalies} into the weakest ones ({@code not}) and the
   * rest ({@code alsoNot}), friendly names, sorted.
   */
  public static Boundary boundary(Collection<String> anomalies) {
    Set<String> impossible = impossibleModels(anomalies);
    TreeSet<String> weakest = new TreeSet<>();
    TreeSet<String> rest = new TreeSet<>();
    for (String m : impossible) {
      Set<String> below = walk(IMPLIES, List.of(m));
      boolean coveredByWeaker = false;
      for (String b : below) {
        if (!b.equals(m) && impossible.contains(b)) {
          coveredByWeaker = true;
          break;
        }
      }
      (coveredByWeaker ? rest : weakest).add(friendly(m));
    }
    rest.removeAll(weakest);
    return new Boundary(List.copyOf(weakest), List.copyOf(rest));
  }

  /** The weakest ruled-out models, and the stronger ones they drag along. */
  public record Boundary(List<String> not, List<String> alsoNot) {}

  // ---------------------------------------------------------------------------------------

  private static Set<String> walk(Map<String, List<String>> graph, Collection<String> start) {
    Set<String> seen = new LinkedHashSet<>(start);
    Deque<String> todo = new ArrayDeque<>(start);
    while (!todo.isEmpty()) {
      for (String next : graph.getOrDefault(todo.pop(), List.of())) {
        if (seen.add(next)) {
          todo.push(next);
        }
      }
    }
    return seen;
  }

  /** The two graphs walked backwards (who implies this model / anomaly), built once. */
  private static final Map<String, List<String>> IMPLIED_BY = reversed(IMPLIES);

  private static final Map<String, List<String>> ANOMALY_IMPLIED_BY = reversed(ANOMALY_IMPLIES);

  private static Map<String, List<String>> reverse(Map<String, List<String>> graph) {
    if (graph == IMPLIES) {
      return IMPLIED_BY;
    }
    if (graph == ANOMALY_IMPLIES) {
      return ANOMALY_IMPLIED_BY;
    }
    throw new IllegalArgumentException("not one of the lattice's graphs");
  }

  private static Map<String, List<String>> reversed(Map<String, List<String>> g) {
    Map<String, List<String>> r = new LinkedHashMap<>();
    g.forEach(
        (a, bs) -> {
          for (String b : bs) {
            r.computeIfAbsent(b, x -> new ArrayList<>()).add(a);
          }
        });
    return java.util.Collections.unmodifiableMap(r);
  }

  private static Map<String, String> table(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  private static Map<String, List<String>> graph(String... kv) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.computeIfAbsent(kv[i], k -> new ArrayList<>())
          .addAll(List.of(kv[i + 1].trim().split(" +")));
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
