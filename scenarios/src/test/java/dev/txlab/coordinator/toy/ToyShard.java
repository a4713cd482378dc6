package dev.txlab.coordinator.toy;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/** One shard of the toy store: applies each part at once (after the apply delay), in memory. */
final class ToyShard implements Process {
  private final Env env;
  private final int shard;
  private final long applyDelayNanos;
  private final long bugAtNanos;
  private final LongConsumer applied;
  private final TreeMap<String, String> data = new TreeMap<>();

  ToyShard(Env env, int shard, long applyDelayNanos, long bugAtNanos, LongConsumer applied) {
    this(env, shard, applyDelayNanos, bugAtNanos, applied, true);
  }

  private final boolean home;

  /**
   * @param home whether this copy is the one clients use (on a live node every replica of a shard
   *     runs a copy; only the first replica's serves)
   */
  ToyShard(
      Env env,
      int shard,
      long applyDelayNanos,
      long bugAtNanos,
      LongConsumer applied,
      boolean home) {
    this.home = home;
    this.bugAtNanos = bugAtNanos;
    this.env = env;
    this.shard = shard;
    this.applyDelayNanos = applyDelayNanos;
    this.applied = applied;
  }

  boolean home() {
    return home;
  }

  @Override
  public void onStart() {}

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof ToyMessage.Apply a) {
      if (applyDelayNanos > 0) {
        env.setTimer(applyDelayNanos, new ToyMessage.Due(from, a));
      } else {
        apply(from, a);
      }
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof ToyMessage.Due d) {
      apply(d.from(), d.apply());
    } else {
      throw new IllegalStateException("unexpected timer " + timer);
    }
  }

  private void apply(Address from, ToyMessage.Apply a) {
    if (bugAtNanos > 0 && env.localClockNanos() >= bugAtNanos) {
      throw new IllegalStateException("toy shard " + shard + ": a bug, on purpose (bug-at)");
    }
    List<MicroOp> results = new ArrayList<>();
    for (MicroOp op : a.ops()) {
      String current = data.get(op.key());
      switch (op.kind()) {
        case APPEND -> {
          data.put(op.key(), MicroOp.appended(current, op.value()));
          results.add(op);
        }
        case WRITE -> {
          data.put(op.key(), op.value());
          results.add(op);
        }
        case READ_LIST, READ -> results.add(op.withValue(current));
        default -> throw new IllegalStateException("unknown micro-op " + op);
      }
    }
    applied.accept(1);
    env.send(from, new ToyMessage.Applied(a.seq(), shard, results));
  }
}
