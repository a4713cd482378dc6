package dev.txlab.scenarios.workload;

import dev.txlab.node.api.RandomSource;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.KvWorkload;

/**
 * The {@code tso} workload's operations: every client asks for one timestamp after another (from
 * the one oracle, key {@code 0}) until the workload stops.
 */
public final class TimestampWorkload implements KvWorkload {
  /** The oracle's name in the history: one key, so the checker sees one counter. */
  public static final String KEY = "0";

  private boolean stopped;

  public void stop() {
    stopped = true;
  }

  @Override
  public KvOp next(RandomSource random) {
    return stopped ? null : new KvOp.Timestamp(KEY);
  }
}
