package dev.txlab.coordinator.txn;

import dev.txlab.node.api.RandomSource;
import java.util.List;

/**
 * Produces a client's next transaction (null: the client stops). One instance per client (it may
 * keep counters).
 */
@FunctionalInterface
public interface TxnWorkload {
  List<MicroOp> next(RandomSource random);
}
