package dev.txlab.node.live;

import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.RandomSource;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The link faults of a live node, applied by its transport to txlab's own messages (a dropped
 * message is gone for good: nothing below retransmits it). The transport asks {@link #outgoing} of
 * each message it sends and {@link #dropsFrom} of each frame it receives; under any fault it sends
 * messages one by one, so the faults act on messages, not on frames of them. What {@code txlab
 * chaos} drives on a live node:
 *
 * <ul>
 *   <li>{@link #dropTo} / {@link #dropFrom}: one-way cuts; a partition is both on both sides;
 *   <li>{@link #setLoss}: a fraction of outgoing messages dropped at random (seeded);
 *   <li>{@link #setDelay}: outgoing messages held for {@code delay ± jitter} (uniform), which also
 *       reorders them;
 *   <li>{@link #setDuplication}: a fraction of outgoing messages sent twice.
 * </ul>
 *
 * Settings are one immutable value swapped atomically; {@link #heal()} clears them all.
 */
public final class LinkFaults {
  /** The faults in force. Node sets are sorted so they print the same way every time. */
  public record Settings(
      Set<NodeId> dropTo,
      Set<NodeId> dropFrom,
      double loss,
      long delayNanos,
      long jitterNanos,
      double duplication) {
    public Settings {
      dropTo = Set.copyOf(new TreeSet<>(dropTo));
      dropFrom = Set.copyOf(new TreeSet<>(dropFrom));
      if (!(loss >= 0 && loss <= 1) || !(duplication >= 0 && duplication <= 1)) {
        throw new IllegalArgumentException("loss and duplication are fractions in [0, 1]");
      }
      if (delayNanos < 0 || jitterNanos < 0 || jitterNanos > delayNanos) {
        throw new IllegalArgumentException("need 0 <= jitter <= delay");
      }
    }

    public static final Settings NONE = new Settings(Set.of(), Set.of(), 0, 0, 0, 0);

    public boolean isHealthy() {
      return equals(NONE);
    }
  }

  private volatile Settings settings = Settings.NONE;
  private final RandomSource random;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong delayed = new AtomicLong();
  private final AtomicLong duplicated = new AtomicLong();

  public LinkFaults(long seed) {
    this.random = new RandomSource(seed).fork("link-faults");
  }

  public Settings settings() {
    return settings;
  }

  public synchronized void set(Settings s) {
    settings = s;
  }

  public synchronized void dropTo(Set<NodeId> nodes) {
    Settings s = settings;
    set(
        new Settings(
            nodes, s.dropFrom(), s.loss(), s.delayNanos(), s.jitterNanos(), s.duplication()));
  }

  public synchronized void dropFrom(Set<NodeId> nodes) {
    Settings s = settings;
    set(
        new Settings(
            s.dropTo(), nodes, s.loss(), s.delayNanos(), s.jitterNanos(), s.duplication()));
  }

  public synchronized void setLoss(double fraction) {
    Settings s = settings;
    set(
        new Settings(
            s.dropTo(), s.dropFrom(), fraction, s.delayNanos(), s.jitterNanos(), s.duplication()));
  }

  public synchronized void setDelay(long delayNanos, long jitterNanos) {
    Settings s = settings;
    set(new Settings(s.dropTo(), s.dropFrom(), s.loss(), delayNanos, jitterNanos, s.duplication()));
  }

  public synchronized void setDuplication(double fraction) {
    Settings s = settings;
    set(
        new Settings(
            s.dropTo(), s.dropFrom(), s.loss(), s.delayNanos(), s.jitterNanos(), fraction));
  }

  public void heal() {
    set(Settings.NONE);
  }

  public long droppedCount() {
    return dropped.get();
  }

  public long delayedCount() {
    return delayed.get();
  }

  public long duplicatedCount() {
    return duplicated.get();
  }

  /** What becomes of one outgoing message: sent {@code copies} times after {@code delayNanos}. */
  public record Outgoing(int copies, long delayNanos) {
    static final Outgoing AS_IS = new Outgoing(1, 0);
  }

  /**
   * Decides the fate of one message to {@code to} under the current settings (counting it): null
   * when it is dropped. Draws from the seeded random only when a random fault is set.
   */
  public Outgoing outgoing(NodeId to) {
    Settings s = settings;
    if (s.isHealthy()) return Outgoing.AS_IS;
    if (to != null && s.dropTo().contains(to)) {
      dropped.incrementAndGet();
      return null;
    }
    if (s.loss() == 0 && s.duplication() == 0 && s.delayNanos() == 0) return Outgoing.AS_IS;
    long delayNanos;
    boolean duplicate;
    synchronized (random) {
      if (random.chance(s.loss())) {
        dropped.incrementAndGet();
        return null;
      }
      duplicate = random.chance(s.duplication());
      delayNanos =
          s.delayNanos() == 0
              ? 0
              : random.between(s.delayNanos() - s.jitterNanos(), s.delayNanos() + s.jitterNanos());
    }
    if (duplicate) duplicated.incrementAndGet();
    if (delayNanos > 0) delayed.incrementAndGet();
    return new Outgoing(duplicate ? 2 : 1, delayNanos);
  }

  /** Whether {@code n} messages from {@code from} are cut on arrival (counting them if so). */
  public boolean dropsFrom(NodeId from, int n) {
    Set<NodeId> cut = settings.dropFrom();
    if (cut.isEmpty() || from == null || !cut.contains(from)) return false;
    dropped.addAndGet(n);
    return true;
  }
}
