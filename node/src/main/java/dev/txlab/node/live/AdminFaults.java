package dev.txlab.node.live;

import dev.txlab.node.api.NodeId;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The faults a node's admin API applies to itself, in their text forms — the same forms as
 * scenarios and {@code txlab chaos} use (the chaos module owns the full vocabulary and cannot be a
 * dependency of the node, so this is the small subset a node applies to itself; the CLI resolves
 * everything else into these first):
 *
 * <pre>
 * partition n1,n2|n3,n4,n5      links between nodes that share no group are cut, both directions;
 *                               nodes not listed form one more group; groups may overlap (a node
 *                               reaches the union of its groups), which expresses rings and bridges
 * delay 50ms±10ms | delay 50ms  outgoing messages held delay ± jitter (uniform); "+-" works for ±
 * loss 20%                      outgoing messages dropped at random
 * duplicate 10%                 outgoing messages sent twice
 * clock-skew n3 +40ms           this node's clock offset (if it is n3; other nodes ignore it)
 * clock-drift n2 200ppm         this node's clock rate (if it is n2)
 * truetime-violation n4 15ms    this node's clock moved ε + 15 ms ahead (negative: behind)
 * clock-reset n4                ends skew, drift and violation on n4
 * heal                          ends partitions and link faults (clocks stay)
 * </pre>
 *
 * Durations take {@code ns|us|µs|ms|s}. A partition replaces any earlier one; a node applies the
 * part that concerns its own links, cutting outgoing and incoming traffic alike. Parsing is
 * complete before anything is applied, so a bad text changes nothing. Thread-safe (one lock).
 */
public final class AdminFaults {
  /** What applying a fault did: whether this node's settings changed, and what is in force now. */
  public record Applied(boolean changed, List<String> active) {}

  private final NodeId self;
  private final List<NodeId> nodes;
  private final LinkFaults links;
  private final LiveClock clock;
  private String partition; // the text of the partition in force, or null

  private volatile String killAfter;

  public AdminFaults(NodeId self, List<NodeId> nodes, LinkFaults links, LiveClock clock) {
    this.self = self;
    this.nodes = List.copyOf(nodes);
    this.links = links;
    this.clock = clock;
  }

  /**
   * Applies one fault text; throws {@link IllegalArgumentException} naming the problem if it does
   * not parse.
   */
  public synchronized Applied apply(String text) {
    Applied a = applyUnlogged(text);
    LOG.log(
        System.Logger.Level.INFO,
        self
            + ": fault "
            + text.trim()
            + (a.changed() ? " applied" : " (no change)")
            + "; in force: "
            + (a.active().isEmpty() ? "none" : String.join(", ", a.active())));
    return a;
  }

  private Applied applyUnlogged(String text) {
    if (text == null) throw new IllegalArgumentException("field 'fault' is required");
    String[] w = text.trim().split("\\s+");
    String kind = w[0];
    LinkFaults.Settings before = links.settings();
    long skew = clock.skewNanos();
    long drift = clock.driftPpm();
    long violation = clock.violationNanos();
    String partitionBefore = partition;
    switch (kind) {
      case "partition" -> {
        words(w, 2, "partition GROUP|GROUP…, e.g. partition n1,n2|n3,n4,n5");
        Set<NodeId> reach = reachable(w[1]);
        Set<NodeId> cut = new TreeSet<>(nodes);
        cut.removeAll(reach);
        cut.remove(self);
        LinkFaults.Settings s = links.settings();
        links.set(
            new LinkFaults.Settings(
                cut, cut, s.loss(), s.delayNanos(), s.jitterNanos(), s.duplication()));
        partition = "partition " + w[1];
      }
      case "delay" -> {
        words(w, 2, "delay 50ms±10ms");
        String spec = w[1].replace("+-", "±");
        int pm = spec.indexOf('±');
        long delay = duration(pm < 0 ? spec : spec.substring(0, pm), "delay");
        long jitter = pm < 0 ? 0 : duration(spec.substring(pm + 1), "jitter");
        if (delay < 0 || jitter < 0 || jitter > delay)
          throw new IllegalArgumentException("delay needs 0 <= jitter <= delay: '" + w[1] + "'");
        links.setDelay(delay, jitter);
      }
      case "loss" -> {
        words(w, 2, "loss 20%");
        links.setLoss(percent(w[1], "loss"));
      }
      case "duplicate" -> {
        words(w, 2, "duplicate 10%");
        links.setDuplication(percent(w[1], "duplicate"));
      }
      case "clock-skew" -> {
        words(w, 3, "clock-skew n3 +40ms");
        NodeId target = node(w[1]);
        long offset = duration(w[2], "skew");
        if (target.equals(self)) clock.setOffsetNanos(offset);
      }
      case "clock-drift" -> {
        words(w, 3, "clock-drift n2 200ppm");
        NodeId target = node(w[1]);
        if (!w[2].endsWith("ppm"))
          throw new IllegalArgumentException(
              "expected a drift like 200ppm or -200ppm, got '" + w[2] + "'");
        long ppm;
        try {
          ppm = Long.parseLong(w[2].substring(0, w[2].length() - 3).replace("+", ""));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "expected a drift like 200ppm or -200ppm, got '" + w[2] + "'");
        }
        if (Math.abs(ppm) > 100_000)
          throw new IllegalArgumentException(
              "drift '" + w[2] + "' is out of range (at most ±100000ppm)");
        if (target.equals(self)) clock.setDriftPpm(ppm);
      }
      case "truetime-violation" -> {
        words(w, 3, "truetime-violation n4 15ms");
        NodeId target = node(w[1]);
        long beyond = duration(w[2], "violation");
        if (beyond == 0)
          throw new IllegalArgumentException(
              "'" + w[2] + "' does not go beyond ε; expected a non-zero duration");
        if (target.equals(self)) clock.setViolationNanos(beyond);
      }
      case "clock-reset" -> {
        words(w, 2, "clock-reset n4");
        if (node(w[1]).equals(self)) clock.reset();
      }
      case "heal" -> {
        words(w, 1, "heal");
        heal(false);
      }
      case "kill-after" -> {
        words(w, 2, "kill-after prepare|decide|off");
        if (!List.of("prepare", "decide", "off").contains(w[1])) {
          throw new IllegalArgumentException(
              "expected 'kill-after prepare', 'kill-after decide' or 'kill-after off', got '"
                  + w[1]
                  + "'");
        }
        String was = killAfter;
        killAfter = w[1].equals("off") ? null : w[1];
        return new Applied(!java.util.Objects.equals(was, killAfter), active());
      }
      default ->
          throw new IllegalArgumentException(
              "unknown fault '"
                  + kind
                  + "' (a node applies: partition, delay, loss, duplicate, clock-skew, clock-drift, truetime-violation, clock-reset, heal, kill-after)");
    }
    boolean changed =
        !links.settings().equals(before)
            || clock.skewNanos() != skew
            || clock.driftPpm() != drift
            || clock.violationNanos() != violation
            || !java.util.Objects.equals(partition, partitionBefore);
    return new Applied(changed, active());
  }

  /** Ends partitions and link faults, and with {@code clocks} the clock faults too. */
  private static final System.Logger LOG = System.getLogger("txlab.live");

  public synchronized List<String> heal(boolean clocks) {
    links.heal();
    partition = null;
    if (clocks) clock.reset();
    List<String> left = active();
    LOG.log(
        System.Logger.Level.INFO,
        self
            + ": healed"
            + (clocks ? " (clocks too)" : "")
            + "; in force: "
            + (left.isEmpty() ? "none" : String.join(", ", left)));
    return left;
  }

  /**
   * Whether this node is armed to die when a coordinator on it reaches {@code phase} ({@code
   * prepare}: all votes in, decision not yet durable; {@code decide}). The plug-in that runs the
   * coordinator asks at that moment and, if so, halts the process on the spot — a real crash at the
   * protocol phase, which nothing outside the node could time ({@code kill coordinator after
   * prepare}).
   */
  public boolean killArmedFor(String phase) {
    return phase.equals(killAfter);
  }

  /**
   * {@code kill coordinator after PHASE}, live: a coordinator on this node just reached {@code
   * phase}; if the admin API armed the node for it, the process halts at once — no shutdown hooks,
   * nothing more written or sent — as a SIGKILL at that instant would. What every plug-in with a
   * coordinator calls at its phases.
   */
  public void haltIfArmedFor(String phase) {
    if (killArmedFor(phase)) {
      System.err.println("txlab: kill-after " + phase + " armed: halting now");
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }

  /** The faults in force on this node, in text form. */
  public synchronized List<String> active() {
    List<String> out = new ArrayList<>();
    if (killAfter != null) out.add("kill-after " + killAfter);
    LinkFaults.Settings s = links.settings();
    if (partition != null) out.add(partition);
    else if (!s.dropTo().isEmpty() || !s.dropFrom().isEmpty())
      out.add("cut " + s.dropTo() + " " + s.dropFrom());
    if (s.delayNanos() > 0)
      out.add(
          "delay "
              + durationText(s.delayNanos())
              + (s.jitterNanos() > 0 ? "±" + durationText(s.jitterNanos()) : ""));
    if (s.loss() > 0) out.add("loss " + percentText(s.loss()));
    if (s.duplication() > 0) out.add("duplicate " + percentText(s.duplication()));
    if (clock.skewNanos() != 0)
      out.add(
          "clock-skew "
              + self
              + " "
              + (clock.skewNanos() > 0 ? "+" : "-")
              + durationText(Math.abs(clock.skewNanos())));
    if (clock.driftPpm() != 0) out.add("clock-drift " + self + " " + clock.driftPpm() + "ppm");
    if (clock.violationNanos() != 0) {
      out.add(
          "truetime-violation "
              + self
              + " "
              + (clock.violationNanos() < 0 ? "-" : "")
              + durationText(Math.abs(clock.violationNanos())));
    }
    return out;
  }

  private Set<NodeId> reachable(String groupsText) {
    List<Set<NodeId>> groups = new ArrayList<>();
    Set<NodeId> listed = new TreeSet<>();
    for (String g : groupsText.split("\\|", -1)) {
      if (g.isEmpty()) throw new IllegalArgumentException("empty group in '" + groupsText + "'");
      Set<NodeId> group = new LinkedHashSet<>();
      for (String n : g.split(",", -1)) group.add(node(n));
      groups.add(group);
      listed.addAll(group);
    }
    Set<NodeId> rest = new TreeSet<>(nodes);
    rest.removeAll(listed);
    if (!rest.isEmpty()) groups.add(rest);
    Set<NodeId> reach = new TreeSet<>();
    for (Set<NodeId> g : groups) if (g.contains(self)) reach.addAll(g);
    return reach;
  }

  private NodeId node(String name) {
    NodeId n;
    try {
      n = NodeId.of(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + name + "' is not a node name");
    }
    if (!nodes.contains(n))
      throw new IllegalArgumentException("unknown node '" + name + "' (nodes: " + nodes + ")");
    return n;
  }

  private static void words(String[] w, int n, String form) {
    if (w.length != n) throw new IllegalArgumentException("expected '" + form + "'");
  }

  /** A signed duration: {@code 40ms}, {@code +40ms}, {@code -1.5s}, {@code 500us}. */
  static long duration(String text, String what) {
    String t = text.startsWith("+") ? text.substring(1) : text;
    String[][] units = {
      {"ns", "1"}, {"us", "1000"}, {"µs", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}
    };
    for (int i = 0; i < units.length; i++) {
      String u = units[i][0];
      // "ms", "us", "ns" end in "s" too: try the two-letter units first.
      if (u.equals("s")
          && (t.endsWith("ms") || t.endsWith("us") || t.endsWith("µs") || t.endsWith("ns")))
        continue;
      if (t.endsWith(u)) {
        try {
          return new BigDecimal(t.substring(0, t.length() - u.length()))
              .multiply(new BigDecimal(units[i][1]))
              .longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
          break;
        }
      }
    }
    throw new IllegalArgumentException(
        "expected a " + what + " duration like 40ms, 1.5s or 500us, got '" + text + "'");
  }

  private static double percent(String text, String what) {
    if (!text.endsWith("%"))
      throw new IllegalArgumentException(
          "expected a " + what + " percentage like 20%, got '" + text + "'");
    double p;
    try {
      p = Double.parseDouble(text.substring(0, text.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected a " + what + " percentage like 20%, got '" + text + "'");
    }
    if (!(p >= 0 && p <= 100))
      throw new IllegalArgumentException(what + " '" + text + "' is not between 0% and 100%");
    return p / 100;
  }

  static String durationText(long nanos) {
    if (nanos % 1_000_000 == 0) return nanos / 1_000_000 + "ms";
    if (nanos % 1_000 == 0) return nanos / 1_000 + "us";
    return nanos + "ns";
  }

  private static String percentText(double fraction) {
    return BigDecimal.valueOf(fraction * 100)
            .setScale(6, java.math.RoundingMode.HALF_UP)
            .stripTrailingZeros()
            .toPlainString()
            .toLowerCase(Locale.ROOT)
        + "%";
  }
}
