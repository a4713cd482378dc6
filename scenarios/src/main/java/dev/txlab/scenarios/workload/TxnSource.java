package dev.txlab.scenarios.workload;

import dev.txlab.node.api.RandomSource;
import java.util.List;

/**
 * Generates transactions as Jepsen writes them in a history ({@code [[:append 3 7] [:r 4 nil]]}):
 * what {@link TxnDriver} draws from, whichever transactional workload it drives. Deterministic:
 * everything random comes from the source handed to {@link #next}.
 */
interface TxnSource {
  /**
   * Client {@code client}'s next transaction's micro-ops (clients are numbered from 0 in the order
   * the run lists them; most workloads give every client the same kind of transaction), or null
   * once stopped.
   */
  List<Object> next(int client, RandomSource random);

  /** From now on {@link #next} returns null: clients stop. */
  void stop();
}
