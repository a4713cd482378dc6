package dev.txlab.node.kv;

import dev.txlab.node.api.RandomSource;

/** Generates a client's operations. Deterministic given the random source it is handed. */
@FunctionalInterface
public interface KvWorkload {
  /** The next operation, or null when the client is done. */
  KvOp next(RandomSource random);
}
