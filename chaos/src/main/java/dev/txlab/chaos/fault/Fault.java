package dev.txlab.chaos.fault;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A fault the nemesis can inject, as an immutable value with exactly one text form. The same text
 * is read from scenario YAML, from {@code txlab chaos …} and {@code --fault}, and printed in traces
 * and reports (DESIGN rule 5): {@code Fault.parse(f.text()).equals(f)} for every fault, and {@code
 * Fault.parse(s).text().equals(s)} for every canonical text {@code s}. Input may differ from the
 * canonical text only in spacing ({@code partition n1,n2 | n3}), {@code +-} for {@code ±}, {@code
 * µs} for {@code us}, and a redundant {@code +} on drifts.
 *
 * <p>Faults name nodes by plain names ({@code n1}) and shards by theirs ({@code shard-1}), or by a
 * role {@link Target} resolved when the fault is applied; nothing here depends on the simulator or
 * live host, which apply faults through adapters.
 *
 * <p>Semantics that adapters must honour, fixed here so both hosts agree:
 *
 * <ul>
 *   <li>Partitions <em>add</em> cut links to those already cut. {@link Heal} reconnects them all;
 *       the end of a scheduled window reconnects only the links its own partition cut and no other
 *       active partition still cuts. Overlapping partitions never accidentally heal each other.
 *   <li>In {@code partition n1,n2|n3}, nodes not listed form one further group together: {@code
 *       partition n1,n2} on five nodes cuts {n1,n2} from {n3,n4,n5}. This makes the common case
 *       ("cut these off") one group long.
 *   <li>{@code isolate} cuts every resolved node from every other node (each alone, also from the
 *       others it resolved to).
 *   <li>{@code restart} starts a node that is down from its storage and leaves a running one alone;
 *       {@code resume} likewise. Both are safe to apply to {@code all}, which is what the final
 *       heal does; {@code restart all} also disarms triggered kills that never fired.
 *   <li>A role target ({@code coordinator}, {@code minority}) is resolved when its fault is
 *       applied; the end of its window acts on the nodes it resolved to then, not on whoever holds
 *       the role by that time.
 *   <li>A clock has three parts a fault can set: its offset ({@code clock-skew} and {@code
 *       truetime-violation}), its rate ({@code clock-drift}) and a strobe ({@code clock-strobe}).
 *       Each fault replaces the earlier setting of its own part and leaves the others, so a clock
 *       can be skewed and drifting at once; {@code clock-reset} clears all three.
 *   <li>Link faults ({@code delay}, {@code loss}, {@code duplicate}, {@code reorder}) act on every
 *       link and replace the previous setting of the same kind; {@code loss 0%} or {@code delay 0s}
 *       turns one off, {@code net-reset} turns them all off.
 * </ul>
 */
public sealed interface Fault {

  /** The canonical text. */
  String text();

  /** The word the text starts with ({@code partition}, {@code kill}…). */
  String keyword();

  /** Which part of the system the fault acts on, for grouping in reports. */
  Category category();

  /**
   * The fault that undoes this one at the end of a {@code for} window, applied to the nodes this
   * fault resolved to; empty for faults that are themselves undos ({@code heal}, {@code restart}…).
   */
  Optional<Fault> undo();

  /** The targets this fault resolves when applied, in text order. */
  default List<Target> targets() {
    return List.of();
  }

  /**
   * Node names written literally in the text, in order, without repetition, so a scenario loader
   * can check them against the cluster and name the bad one.
   */
  default List<String> namedNodes() {
    List<String> names = new ArrayList<>();
    for (Target target : targets()) {
      for (String name : target.namedNodes()) {
        if (!names.contains(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** Shard names written literally in the text ({@code leader:shard-1}). */
  default List<String> namedShards() {
    List<String> shards = new ArrayList<>();
    for (Target target : targets()) {
      if (target instanceof Target.LeaderOf
          && !shards.contains(((Target.LeaderOf) target).shard())) {
        shards.add(((Target.LeaderOf) target).shard());
      }
    }
    return shards;
  }

  /**
   * Reads one fault.
   *
   * @throws FaultSyntaxException naming the column, the token and what was expected
   */
  static Fault parse(String text) throws FaultSyntaxException {
    return new FaultParser(text).parseFault();
  }

  /** The part of the system a fault acts on. */
  enum Category {
    NETWORK,
    PROCESS,
    CLOCK,
    LINK,
    /** An operator's step of a migration, not a fault of the system: {@code phase 2}. */
    OPERATOR
  }

  /** A point in a transaction's commit protocol at which a triggered fault fires. */
  enum TxnPhase {
    /** Once a transaction's participants have all prepared, before the decision is logged. */
    PREPARE("prepare"),
    /** Once the decision is logged at the coordinator, before any participant learns it. */
    DECIDE("decide");

    private final String text;

    TxnPhase(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  // ---- network: partitions ------------------------------------------------------------

  /**
   * {@code partition n1,n2|n3,n4,n5}: links between nodes of different groups are cut in both
   * directions. Nodes not listed form one further group together. Groups are kept in the order
   * written.
   */
  record Partition(List<List<String>> groups) implements Fault {
    public Partition {
      groups = copyGroups(groups, 1, "a partition");
    }

    @Override
    public String text() {
      return "partition " + groupsText(groups);
    }

    @Override
    public String keyword() {
      return "partition";
    }

    @Override
    public Category category() {
      return Category.NETWORK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new Heal());
    }

    @Override
    public List<String> namedNodes() {
      return flatten(groups);
    }
  }

  /** {@code partition halves}: two random halves, resolved when applied. */
  record PartitionHalves() implements Fault {
    @Override
    public String text() {
      return "partition halves";
    }

    @Override
    public String keyword() {
      return "partition";
    }

    @Override
    public Category category() {
      return Category.NETWORK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new Heal());
    }
  }

  /**
   * {@code partition majority-ring}: the nodes in a ring, each connected to its nearest neighbours
   * so that every node sees a majority but no two see the same one. With an explicit ring ({@code
   * partition majority-ring n1,n3,n5,n2,n4}) the order is given, else it is random, chosen when
   * applied. Nodes outside an explicit ring are not cut. On fewer than four nodes every majority
   * overlaps every other and nothing is cut.
   */
  record PartitionMajorityRing(List<String> ring) implements Fault {
    public PartitionMajorityRing {
      ring = List.copyOf(ring);
      if (!ring.isEmpty()) {
        copyGroups(List.of(ring), 1, "a ring");
        if (ring.size() < 3) {
          throw new IllegalArgumentException("a ring has at least three nodes");
        }
      }
    }

    public static PartitionMajorityRing random() {
      return new PartitionMajorityRing(List.of());
    }

    @Override
    public String text() {
      return ring.isEmpty()
          ? "partition majority-ring"
          : "partition majority-ring " + String.join(",", ring);
    }

    @Override
    public String keyword() {
      return "partition";
    }

    @Override
    public Category category() {
      return Category.NETWORK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new Heal());
    }

    @Override
    public List<String> namedNodes() {
      return ring;
    }
  }

  /**
   * {@code partition bridge}: two sides that cannot reach each other and bridge nodes that reach
   * both. Explicitly {@code partition bridge n1,n2|n3|n4,n5} (left, bridge, right), or random when
   * applied (two halves of the other nodes and one bridge node). Nodes outside an explicit bridge
   * are not cut.
   */
  record PartitionBridge(List<List<String>> sides) implements Fault {
    public PartitionBridge {
      sides = sides.isEmpty() ? List.of() : copyGroups(sides, 3, "a bridge");
      if (!sides.isEmpty() && sides.size() != 3) {
        throw new IllegalArgumentException("a bridge is left|bridge|right");
      }
    }

    public static PartitionBridge random() {
      return new PartitionBridge(List.of());
    }

    @Override
    public String text() {
      return sides.isEmpty() ? "partition bridge" : "partition bridge " + groupsText(sides);
    }

    @Override
    public String keyword() {
      return "partition";
    }

    @Override
    public Category category() {
      return Category.NETWORK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new Heal());
    }

    @Override
    public List<String> namedNodes() {
      return flatten(sides);
    }
  }

  /** {@code partition one-way n1->n2,n3->n2}: messages along each listed link are dropped. */
  record PartitionOneWay(List<Link> links) implements Fault {
    public PartitionOneWay {
      links = List.copyOf(links);
      if (links.isEmpty()) {
        throw new IllegalArgumentException("a one-way partition cuts at least one link");
      }
      if (new HashSet<>(links).size() != links.size()) {
        throw new IllegalArgumentException("a link appears twice: " + links);
      }
    }

    @Override
    public String text() {
      List<String> texts = new ArrayList<>();
      for (Link link : links) {
        texts.add(link.text());
      }
      return "partition one-way " + String.join(",", texts);
    }

    @Override
    public String keyword() {
      return "partition";
    }

    @Override
    public Category category() {
      return Category.NETWORK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new Heal());
    }

    @Override
    public List<String> namedNodes() {
      List<String> names = new ArrayList<>();
      for (Link link : links) {
        for (String name : List.of(link.from(), link.to())) {
          if (!names.contains(name)) {
            names.add(name);
          }
        }
      }
      return names;
    }
  }

  /** {@code isolate n3}, {@code isolate leader:shard-1}: each resolved node cut from all. */
  record Isolate(Target target) implements Fault {
    public Isolate {
      requireTarget(target);
    }

    @Override
    public String text() {
      return "isolate " + target.text();
    }

    @Override
    public String keyword() {
      return "isolate";
    }

    @Override
    public Category category() {
      return Category.NETWORK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new Heal());
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  /** {@code heal}: every cut link is reconnected. */
  record Heal() implements Fault {
    @Override
    public String text() {
      return "heal";
    }

    @Override
    public String keyword() {
      return "heal";
    }

    @Override
    public Category category() {
      return Category.NETWORK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.empty();
    }
  }

  // ---- processes --------------------------------------------------------------------------

  /**
   * {@code kill n3}: the node's processes crash (in the live host, SIGKILL); what was not synced is
   * lost. {@code kill coordinator after prepare} arms a trigger instead: the node coordinating the
   * first transaction to reach the phase is killed at that moment. A trigger only makes sense for
   * the coordinator role, so it is refused on other targets.
   */
  record Kill(Target target, Optional<TxnPhase> after) implements Fault {
    public Kill {
      requireTarget(target);
      if (after == null) {
        throw new IllegalArgumentException("after is null; use Optional.empty()");
      }
      if (after.isPresent() && !target.equals(Target.coordinator())) {
        throw new IllegalArgumentException("'after' applies only to 'kill coordinator'");
      }
    }

    public Kill(Target target) {
      this(target, Optional.empty());
    }

    @Override
    public String text() {
      return "kill " + target.text() + after.map(p -> " after " + p.text()).orElse("");
    }

    @Override
    public String keyword() {
      return "kill";
    }

    @Override
    public Category category() {
      return Category.PROCESS;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new Restart(target));
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  /** {@code restart n3}: a node that is down starts again from its storage. */
  record Restart(Target target) implements Fault {
    public Restart {
      requireTarget(target);
    }

    @Override
    public String text() {
      return "restart " + target.text();
    }

    @Override
    public String keyword() {
      return "restart";
    }

    @Override
    public Category category() {
      return Category.PROCESS;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.empty();
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  /**
   * {@code disconnect-clients n1}: every client connection the node holds is closed at once, and
   * the transactions in flight on them end with it (PostgreSQL: {@code pg_terminate_backend} on
   * every client backend). Nothing else changes: the server keeps running and clients connect again
   * at their next operation. A one-off action, not a state, so it has no undo. Only targets that
   * keep client sessions apply it: txlab's nodes and the simulator's clients keep none (one
   * request, one reply), so there it is listed as not applied.
   */
  record DisconnectClients(Target target) implements Fault {
    public DisconnectClients {
      requireTarget(target);
    }

    @Override
    public String text() {
      return "disconnect-clients " + target.text();
    }

    @Override
    public String keyword() {
      return "disconnect-clients";
    }

    @Override
    public Category category() {
      return Category.PROCESS;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.empty();
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  /** {@code pause n2}: the node stops handling events but keeps its state (SIGSTOP). */
  record Pause(Target target) implements Fault {
    public Pause {
      requireTarget(target);
    }

    @Override
    public String text() {
      return "pause " + target.text();
    }

    @Override
    public String keyword() {
      return "pause";
    }

    @Override
    public Category category() {
      return Category.PROCESS;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new Resume(target));
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  /** {@code resume n2}: a paused node goes on; a running one is left alone. */
  record Resume(Target target) implements Fault {
    public Resume {
      requireTarget(target);
    }

    @Override
    public String text() {
      return "resume " + target.text();
    }

    @Override
    public String keyword() {
      return "resume";
    }

    @Override
    public Category category() {
      return Category.PROCESS;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.empty();
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  // ---- clocks -------------------------------------------------------------------------------

  /**
   * {@code clock-skew n3 +40ms}: the node's clock is set this far from true time (replacing any
   * earlier skew). The sign is required: which way a clock is wrong decides which anomaly it can
   * cause.
   */
  record ClockSkew(Target target, long skewNanos) implements Fault {
    public ClockSkew {
      requireTarget(target);
    }

    @Override
    public String text() {
      return "clock-skew " + target.text() + " " + Durations.signedText(skewNanos);
    }

    @Override
    public String keyword() {
      return "clock-skew";
    }

    @Override
    public Category category() {
      return Category.CLOCK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new ClockReset(target));
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  /**
   * {@code clock-drift n2 200ppm}: the node's clock runs fast (negative: slow) by this many parts
   * per million. It must still move forward, so the rate stays within ±999,999 ppm.
   */
  record ClockDrift(Target target, long driftPpm) implements Fault {
    public static final long DRIFT_PPM_MAX = 999_999;

    public ClockDrift {
      requireTarget(target);
      if (Math.abs(driftPpm) > DRIFT_PPM_MAX) {
        throw new IllegalArgumentException("drift out of range: " + driftPpm + "ppm");
      }
    }

    @Override
    public String text() {
      return "clock-drift " + target.text() + " " + driftPpm + "ppm";
    }

    @Override
    public String keyword() {
      return "clock-drift";
    }

    @Override
    public Category category() {
      return Category.CLOCK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new ClockReset(target));
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  /**
   * {@code clock-strobe n1 4ms/10ms}: the node's clock jumps back and forth by the amplitude, once
   * per period, until reset; time read twice can go backwards.
   */
  record ClockStrobe(Target target, long amplitudeNanos, long periodNanos) implements Fault {
    public ClockStrobe {
      requireTarget(target);
      if (amplitudeNanos <= 0 || periodNanos <= 0) {
        throw new IllegalArgumentException("a strobe's amplitude and period are positive");
      }
    }

    @Override
    public String text() {
      return "clock-strobe "
          + target.text()
          + " "
          + Durations.text(amplitudeNanos)
          + "/"
          + Durations.text(periodNanos);
    }

    @Override
    public String keyword() {
      return "clock-strobe";
    }

    @Override
    public Category category() {
      return Category.CLOCK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new ClockReset(target));
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  /**
   * {@code truetime-violation n4 15ms}: the node's clock is moved outside its own TrueTime interval
   * — ahead of true time by ε plus this much ({@code -15ms}: behind by ε plus 15 ms) — while its
   * TrueTime keeps claiming ε. Either way true time leaves {@code [earliest, latest]}, the one
   * assumption commit wait rests on.
   */
  record TrueTimeViolation(Target target, long beyondEpsilonNanos) implements Fault {
    public TrueTimeViolation {
      requireTarget(target);
      if (beyondEpsilonNanos == 0) {
        throw new IllegalArgumentException("a violation goes beyond ε by a non-zero amount");
      }
    }

    @Override
    public String text() {
      return "truetime-violation " + target.text() + " " + Durations.text(beyondEpsilonNanos);
    }

    @Override
    public String keyword() {
      return "truetime-violation";
    }

    @Override
    public Category category() {
      return Category.CLOCK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.of(new ClockReset(target));
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  /** {@code clock-reset n3}: skew, drift, strobe and violations of the node's clock end. */
  record ClockReset(Target target) implements Fault {
    public ClockReset {
      requireTarget(target);
    }

    @Override
    public String text() {
      return "clock-reset " + target.text();
    }

    @Override
    public String keyword() {
      return "clock-reset";
    }

    @Override
    public Category category() {
      return Category.CLOCK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.empty();
    }

    @Override
    public List<Target> targets() {
      return List.of(target);
    }
  }

  // ---- links ----------------------------------------------------------------------------------

  /**
   * {@code delay 50ms±10ms}: every message is delayed by the mean plus a uniform jitter in
   * [-jitter, +jitter]. The jitter may not exceed the mean, so no delay is negative.
   */
  record Delay(long meanNanos, long jitterNanos) implements Fault {
    public Delay {
      if (meanNanos < 0 || jitterNanos < 0) {
        throw new IllegalArgumentException("a delay is not negative");
      }
      if (jitterNanos > meanNanos) {
        throw new IllegalArgumentException("jitter exceeds the mean delay");
      }
    }

    @Override
    public String text() {
      return "delay "
          + Durations.text(meanNanos)
          + (jitterNanos == 0 ? "" : "±" + Durations.text(jitterNanos));
    }

    @Override
    public String keyword() {
      return "delay";
    }

    @Override
    public Category category() {
      return Category.LINK;
    }

    @Override
    public Optional<Fault> undo() {
      return isNone() ? Optional.empty() : Optional.of(new Delay(0, 0));
    }

    /** {@code delay 0s}: no added delay. */
    public boolean isNone() {
      return meanNanos == 0;
    }
  }

  /** {@code loss 20%}: each message is dropped with this probability. */
  record Loss(Percent probability) implements Fault {
    public Loss {
      requireProbability(probability);
    }

    @Override
    public String text() {
      return "loss " + probability.text();
    }

    @Override
    public String keyword() {
      return "loss";
    }

    @Override
    public Category category() {
      return Category.LINK;
    }

    @Override
    public Optional<Fault> undo() {
      return probability.basisPoints() == 0
          ? Optional.empty()
          : Optional.of(new Loss(Percent.ZERO));
    }
  }

  /** {@code duplicate 10%}: each message is delivered twice with this probability. */
  record Duplicate(Percent probability) implements Fault {
    public Duplicate {
      requireProbability(probability);
    }

    @Override
    public String text() {
      return "duplicate " + probability.text();
    }

    @Override
    public String keyword() {
      return "duplicate";
    }

    @Override
    public Category category() {
      return Category.LINK;
    }

    @Override
    public Optional<Fault> undo() {
      return probability.basisPoints() == 0
          ? Optional.empty()
          : Optional.of(new Duplicate(Percent.ZERO));
    }
  }

  /**
   * {@code reorder 5%}: each message is, with this probability, held back so that messages sent
   * after it on the same link overtake it.
   */
  record Reorder(Percent probability) implements Fault {
    public Reorder {
      requireProbability(probability);
    }

    @Override
    public String text() {
      return "reorder " + probability.text();
    }

    @Override
    public String keyword() {
      return "reorder";
    }

    @Override
    public Category category() {
      return Category.LINK;
    }

    @Override
    public Optional<Fault> undo() {
      return probability.basisPoints() == 0
          ? Optional.empty()
          : Optional.of(new Reorder(Percent.ZERO));
    }
  }

  /** {@code net-reset}: delay, loss, duplication and reordering all end. */
  record NetReset() implements Fault {
    @Override
    public String text() {
      return "net-reset";
    }

    @Override
    public String keyword() {
      return "net-reset";
    }

    @Override
    public Category category() {
      return Category.LINK;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.empty();
    }
  }

  // ---- operator steps ---------------------------------------------------------------------

  /**
   * {@code phase 2}: the migration moves key range 2 to the new store (a strangler-fig phase);
   * {@code rollback phase 2} moves it back. An operator's step that a schedule mixes with faults;
   * only a protocol with phases (the migration lab) applies it, any other reports it not applied.
   */
  record Phase(int phase, boolean rollback) implements Fault {
    public Phase {
      if (phase < 1) {
        throw new IllegalArgumentException("phases are numbered from 1, not " + phase);
      }
    }

    @Override
    public String text() {
      return (rollback ? "rollback phase " : "phase ") + phase;
    }

    @Override
    public String keyword() {
      return rollback ? "rollback" : "phase";
    }

    @Override
    public Category category() {
      return Category.OPERATOR;
    }

    @Override
    public Optional<Fault> undo() {
      return Optional.empty();
    }
  }

  // ---- shared checks --------------------------------------------------------------------------

  private static void requireTarget(Target target) {
    if (target == null) {
      throw new IllegalArgumentException("target is null");
    }
  }

  private static void requireProbability(Percent probability) {
    if (probability == null) {
      throw new IllegalArgumentException("probability is null");
    }
  }

  private static List<List<String>> copyGroups(
      List<List<String>> groups, int groupsMin, String what) {
    if (groups.size() < groupsMin) {
      throw new IllegalArgumentException(what + " has at least " + groupsMin + " group(s)");
    }
    List<List<String>> copy = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (List<String> group : groups) {
      if (group.isEmpty()) {
        throw new IllegalArgumentException(what + " has an empty group");
      }
      for (String name : group) {
        if (!Names.isNodeName(name)) {
          throw new IllegalArgumentException("not a node name: '" + name + "'");
        }
        if (!seen.add(name)) {
          throw new IllegalArgumentException("node '" + name + "' appears twice");
        }
      }
      copy.add(List.copyOf(group));
    }
    return List.copyOf(copy);
  }

  private static String groupsText(List<List<String>> groups) {
    List<String> texts = new ArrayList<>();
    for (List<String> group : groups) {
      texts.add(String.join(",", group));
    }
    return String.join("|", texts);
  }

  private static List<String> flatten(List<List<String>> groups) {
    List<String> names = new ArrayList<>();
    for (List<String> group : groups) {
      names.addAll(group);
    }
    return names;
  }
}
