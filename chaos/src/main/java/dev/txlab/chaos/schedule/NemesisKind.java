package dev.txlab.chaos.schedule;

import java.util.List;

/**
 * The kinds of fault a random generator ({@link RandomNemesis}) draws from, and the named mixes of
 * them. Each kind is undone at the end of its window (partitions healed, nodes restarted or
 * resumed, clocks reset).
 */
public enum NemesisKind {
  /** Two random halves. */
  HALVES("halves", 2),
  /** Every node sees a majority, no two the same one; needs four nodes to cut anything. */
  MAJORITY_RING("majority-ring", 4),
  /** Two halves joined only through one bridge node. */
  BRIDGE("bridge", 3),
  /** The leader of a random shard cut off from everyone (resolved when applied). */
  ISOLATE_LEADER("isolate-leader", 2),
  /** A random node, minority, majority or all nodes killed, then restarted. */
  KILL("kill", 1),
  /** Likewise paused, then resumed. */
  PAUSE("pause", 1),
  /** Clocks of random nodes strobed by a power-of-two amplitude and period. */
  CLOCK_STROBE("clock-strobe", 1),
  /** Clocks of random nodes skewed by a power of two milliseconds, either way. */
  CLOCK_SKEW("clock-skew", 1),
  /** Every partition kind. */
  PARTITIONS("partitions", 2),
  /** Every clock kind. */
  CLOCKS("clocks", 1),
  /** Every kind. */
  COMBINED("combined", 1);

  private final String text;
  private final int nodesMin;

  NemesisKind(String text, int nodesMin) {
    this.text = text;
    this.nodesMin = nodesMin;
  }

  public String text() {
    return text;
  }

  /** The fewest nodes on which this kind does something. */
  public int nodesMin() {
    return nodesMin;
  }

  /** The single kinds this one stands for: itself, or a mix's members. */
  public List<NemesisKind> members() {
    switch (this) {
      case PARTITIONS:
        return List.of(HALVES, MAJORITY_RING, BRIDGE, ISOLATE_LEADER);
      case CLOCKS:
        return List.of(CLOCK_STROBE, CLOCK_SKEW);
      case COMBINED:
        return List.of(
            HALVES, MAJORITY_RING, BRIDGE, ISOLATE_LEADER, KILL, PAUSE, CLOCK_STROBE, CLOCK_SKEW);
      default:
        return List.of(this);
    }
  }

  public boolean isMix() {
    return members().size() > 1 || members().get(0) != this;
  }

  static NemesisKind fromText(String text) {
    for (NemesisKind kind : values()) {
      if (kind.text.equals(text)) {
        return kind;
      }
    }
    return null;
  }

  static String allTexts() {
    StringBuilder sb = new StringBuilder();
    for (NemesisKind kind : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(kind.text);
    }
    return sb.toString();
  }
}
