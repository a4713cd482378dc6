package dev.txlab.node.live;

import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.RandomSource;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.NameCache;

/**
 * The fault-injection layer of a node's JGroups stack, at the top so that it sees only txlab's own
 * messages: membership and failure detection keep working under a partition, as the simulator's
 * partitions do, and a dropped message is gone for good (no retransmission below can bring it
 * back). What {@code txlab chaos} drives on a live node:
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
public final class LinkFaults extends Protocol {
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
  private ScheduledExecutorService delayer;

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

  private static NodeId nodeOf(Address a) {
    if (a == null) return null;
    String name = NameCache.get(a);
    if (name == null) name = a.toString();
    try {
      return NodeId.of(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public Object down(Message msg) {
    Settings s = settings;
    if (s.isHealthy()) return down_prot.down(msg);
    NodeId to = nodeOf(msg.getDest());
    if (to != null && s.dropTo().contains(to)) {
      dropped.incrementAndGet();
      return null;
    }
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
    if (duplicate) {
      duplicated.incrementAndGet();
      down_prot.down(msg.copy(true, true));
    }
    if (delayNanos > 0) {
      delayed.incrementAndGet();
      scheduler().schedule(() -> down_prot.down(msg), delayNanos, TimeUnit.NANOSECONDS);
      return null;
    }
    return down_prot.down(msg);
  }

  private synchronized ScheduledExecutorService scheduler() {
    if (delayer == null) {
      delayer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "txlab-link-delay");
                t.setDaemon(true);
                return t;
              });
    }
    return delayer;
  }

  @Override
  public Object up(Message msg) {
    Settings s = settings;
    if (!s.dropFrom().isEmpty()) {
      NodeId from = nodeOf(msg.getSrc());
      if (from != null && s.dropFrom().contains(from)) {
        dropped.incrementAndGet();
        return null;
      }
    }
    return up_prot.up(msg);
  }

  @Override
  public void up(MessageBatch batch) {
    Settings s = settings;
    if (!s.dropFrom().isEmpty()) {
      NodeId from = nodeOf(batch.getSender());
      if (from != null && s.dropFrom().contains(from)) {
        dropped.addAndGet(batch.size());
        return;
      }
    }
    if (!batch.isEmpty()) up_prot.up(batch);
  }

  @Override
  public synchronized void stop() {
    if (delayer != null) delayer.shutdownNow();
    delayer = null;
    super.stop();
  }
}
