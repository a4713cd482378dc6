package dev.txlab.chaos.schedule;

import dev.txlab.chaos.fault.ClusterView;
import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.chaos.fault.Partitions;
import dev.txlab.chaos.fault.Target;
import dev.txlab.chaos.fault.TargetResolver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A random fault generator in the Jepsen tradition: quiet, fault, quiet, fault… until the final
 * heal, each fault drawn from the given kinds and undone at the end of its window. Text: {@code
 * random combined every ~10s for ~5s}, {@code random kill,halves}. {@code every} is the mean time
 * from one fault's start to the next, {@code for} the mean window; each quiet gap is drawn
 * uniformly from half to one and a half times its mean (period minus window), each window likewise,
 * so faults neither line up with anything periodic in the cluster nor drift far from the rate asked
 * for.
 *
 * <p>Generation draws only from the random source it is given, and writes concrete faults ({@code
 * partition n1,n4|n2,n3,n5}, {@code kill n2}) so a plan shows who was hit; only leader isolation
 * stays a role, since who leads is known only when the fault is applied.
 *
 * @param kinds what to draw from, as written (mixes allowed), no repeats
 * @param periodNanos mean time between fault starts
 * @param windowNanos mean fault window; shorter than the period
 */
public record RandomNemesis(List<NemesisKind> kinds, long periodNanos, long windowNanos)
    implements ScheduleLine {
  static final String KEYWORD = "random";
  public static final long PERIOD_NANOS_DEFAULT = 10 * Durations.NANOS_PER_SECOND;
  public static final long WINDOW_NANOS_DEFAULT = 5 * Durations.NANOS_PER_SECOND;

  /**
   * A bound on the loop below, far above any sensible run (a day at one fault a second); a plan
   * that would need more is refused rather than cut short without a word.
   */
  static final int WINDOWS_MAX = 100_000;

  public RandomNemesis {
    kinds = List.copyOf(kinds);
    if (kinds.isEmpty() || new LinkedHashSet<>(kinds).size() != kinds.size()) {
      throw new IllegalArgumentException("kinds must be non-empty and distinct: " + kinds);
    }
    if (windowNanos <= 0 || periodNanos <= windowNanos) {
      throw new IllegalArgumentException("need 0 < window < period");
    }
  }

  /** {@code random KIND every ~10s for ~5s}. */
  public static RandomNemesis of(NemesisKind kind) {
    return new RandomNemesis(List.of(kind), PERIOD_NANOS_DEFAULT, WINDOW_NANOS_DEFAULT);
  }

  @Override
  public String text() {
    List<String> names = new ArrayList<>();
    for (NemesisKind kind : kinds) {
      names.add(kind.text());
    }
    return KEYWORD
        + " "
        + String.join(",", names)
        + " every ~"
        + Durations.text(periodNanos)
        + " for ~"
        + Durations.text(windowNanos);
  }

  @Override
  public String toString() {
    return text();
  }

  /** The single kinds this generator draws from on {@code view}: those that can act there. */
  public List<NemesisKind> applicableKinds(ClusterView view) {
    Set<NemesisKind> pool = new LinkedHashSet<>();
    for (NemesisKind kind : kinds) {
      for (NemesisKind member : kind.members()) {
        if (view.nodes().size() >= member.nodesMin()
            && (member != NemesisKind.ISOLATE_LEADER || !view.shards().isEmpty())) {
          pool.add(member);
        }
      }
    }
    return List.copyOf(pool);
  }

  /**
   * Why this generator cannot run on {@code view}, if it cannot: a single kind named explicitly
   * that needs more nodes (or shards) than there are.
   */
  @Override
  public Optional<String> problemWith(ClusterView view) {
    for (NemesisKind kind : kinds) {
      if (!kind.isMix() && !applicableKinds(view).contains(kind)) {
        return Optional.of(
            "'"
                + kind.text()
                + "' needs at least "
                + kind.nodesMin()
                + " nodes"
                + (kind == NemesisKind.ISOLATE_LEADER ? " and a shard" : "")
                + "; the cluster has "
                + view.nodes().size()
                + " node(s) and "
                + view.shards().size()
                + " shard(s)");
      }
    }
    if (applicableKinds(view).isEmpty()) {
      return Optional.of("no kind in '" + text() + "' can act on this cluster");
    }
    return Optional.empty();
  }

  /**
   * The faults and their windows, each ending before {@code endNanos}, drawn from {@code random}.
   *
   * @throws IllegalArgumentException if {@link #problemWith} reports a problem, or the run would
   *     need more than {@link #WINDOWS_MAX} faults
   */
  public List<Window> generate(ClusterView view, long endNanos, SplittableRandom random) {
    Optional<String> problem = problemWith(view);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(text() + ": " + problem.get());
    }
    List<NemesisKind> pool = applicableKinds(view);
    long quietNanos = periodNanos - windowNanos;
    List<Window> windows = new ArrayList<>();
    long t = 0;
    while (true) {
      long start = t + around(quietNanos, random);
      long window = around(windowNanos, random);
      if (start + window >= endNanos) {
        break;
      }
      if (windows.size() == WINDOWS_MAX) {
        throw new IllegalArgumentException(
            "'"
                + text()
                + "' makes more than "
                + WINDOWS_MAX
                + " faults before "
                + Durations.text(endNanos));
      }
      NemesisKind kind = pool.get(random.nextInt(pool.size()));
      windows.add(new Window(start, window, draw(kind, view, random)));
      t = start + window;
    }
    return windows;
  }

  /** One generated fault: applied at {@code startNanos}, undone {@code windowNanos} later. */
  public record Window(long startNanos, long windowNanos, Fault fault) {}

  /**
   * Uniform in [mean/2, 3·mean/2], in whole milliseconds when the mean allows (whole microseconds
   * or nanoseconds below that), so a plan prints {@code at 6.379s}, not {@code at 6379505.796us}.
   * Never zero.
   */
  private static long around(long meanNanos, SplittableRandom random) {
    long grain =
        meanNanos >= 10 * Durations.NANOS_PER_MILLI
            ? Durations.NANOS_PER_MILLI
            : meanNanos >= 10 * Durations.NANOS_PER_MICRO ? Durations.NANOS_PER_MICRO : 1;
    long low = meanNanos / 2 / grain;
    long high = (meanNanos + meanNanos / 2) / grain;
    long grains = low == high ? low : random.nextLong(low, high + 1);
    return Math.max(1, grains) * grain;
  }

  private static Fault draw(NemesisKind kind, ClusterView view, SplittableRandom random) {
    switch (kind) {
      case HALVES:
        return Partitions.realize(new Fault.PartitionHalves(), view, random).value();
      case MAJORITY_RING:
        return Partitions.realize(Fault.PartitionMajorityRing.random(), view, random).value();
      case BRIDGE:
        return Partitions.realize(Fault.PartitionBridge.random(), view, random).value();
      case ISOLATE_LEADER:
        List<String> shards = view.shards();
        return new Fault.Isolate(new Target.LeaderOf(shards.get(random.nextInt(shards.size()))));
      case KILL:
        return new Fault.Kill(someNodes(view, random));
      case PAUSE:
        return new Fault.Pause(someNodes(view, random));
      case CLOCK_STROBE:
        return new Fault.ClockStrobe(
            someNodes(view, random),
            (1L << random.nextInt(9)) * Durations.NANOS_PER_MILLI,
            (1L << random.nextInt(11)) * Durations.NANOS_PER_MILLI);
      case CLOCK_SKEW:
        long skewNanos = (1L << random.nextInt(10)) * Durations.NANOS_PER_MILLI;
        return new Fault.ClockSkew(
            someNodes(view, random), random.nextBoolean() ? skewNanos : -skewNanos);
      default:
        throw new IllegalStateException("not a single kind: " + kind);
    }
  }

  /** One node, a minority, a majority or all nodes, equally likely, then which ones. */
  private static Target someNodes(ClusterView view, SplittableRandom random) {
    int n = view.nodes().size();
    List<Integer> sizes = new ArrayList<>();
    for (int size : new int[] {1, (n - 1) / 2, n / 2 + 1, n}) {
      if (size >= 1 && !sizes.contains(size)) {
        sizes.add(size);
      }
    }
    int size = sizes.get(random.nextInt(sizes.size()));
    return new Target.Nodes(TargetResolver.choose(view.nodes(), size, random));
  }

  /**
   * Reads {@code random KIND[,KIND…] [every ~PERIOD] [for ~WINDOW]}; the {@code ~} may be left out,
   * and a missing period or window takes its default (10 s, 5 s).
   *
   * @throws FaultSyntaxException naming the column and token, against the whole line
   */
  public static RandomNemesis parse(String text) throws FaultSyntaxException {
    Words words = new Words(text);
    int keywordOffset = words.offset();
    if (!words.next().equals(KEYWORD)) {
      throw words.error(keywordOffset, "expected 'random' to start a generator line");
    }
    int kindsOffset = words.offset();
    String kindsWord = words.next();
    if (kindsWord.isEmpty()) {
      throw words.error(
          kindsOffset, "expected what to generate after 'random': " + NemesisKind.allTexts());
    }
    List<NemesisKind> kinds = new ArrayList<>();
    int offset = kindsOffset;
    for (String name : kindsWord.split(",", -1)) {
      NemesisKind kind = NemesisKind.fromText(name);
      if (kind == null) {
        throw words.error(
            offset, "unknown generator '" + name + "'; expected " + NemesisKind.allTexts());
      }
      if (kinds.contains(kind)) {
        throw words.error(offset, "generator '" + name + "' appears twice");
      }
      kinds.add(kind);
      offset += name.length() + 1;
    }
    long periodNanos = PERIOD_NANOS_DEFAULT;
    long windowNanos = WINDOW_NANOS_DEFAULT;
    int periodOffset = -1;
    if (words.peek().equals("every")) {
      periodOffset = words.offset();
      words.next();
      periodNanos = words.duration("every", "~10s", true);
    }
    int windowOffset = -1;
    if (words.peek().equals("for")) {
      windowOffset = words.offset();
      words.next();
      windowNanos = words.duration("for", "~5s", true);
      if (windowNanos == 0) {
        throw words.error(windowOffset, "the window 'for ~0s' must be longer than nothing");
      }
    }
    if (!words.atEnd()) {
      int extraOffset = words.offset();
      throw words.error(
          extraOffset,
          "unexpected '"
              + words.next()
              + "'; a generator line is 'random KINDS"
              + " [every ~PERIOD] [for ~WINDOW]'");
    }
    if (periodNanos <= windowNanos) {
      throw words.error(
          periodOffset >= 0 ? periodOffset : windowOffset,
          "the mean period "
              + Durations.text(periodNanos)
              + " must be longer than the mean"
              + " window "
              + Durations.text(windowNanos)
              + ", or there is no quiet time between"
              + " faults");
    }
    return new RandomNemesis(kinds, periodNanos, windowNanos);
  }
}
