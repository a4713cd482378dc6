package dev.txlab.coordinator.txn;

import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.List;

/**
 * What a transaction client observed, in Jepsen's vocabulary: an invoke, then exactly one
 * completion: {@code OK} (committed; reads filled in), {@code FAIL} (definitely not applied) or
 * {@code INFO} (unknown: the coordinator could not be reached in time). The host adds the time.
 */
public interface TxnObserver {
  void invoked(String client, long seq, List<MicroOp> txn);

  /**
   * {@code result}: the micro-ops with reads filled in (OK) or as invoked; {@code cause}: why, for
   * FAIL/INFO; for OK, null or a note — what the protocol can say of the committed transaction that
   * the history cannot (its commit timestamp, the node that served it), shown beside the
   * transaction where a report explains an anomaly.
   */
  void completed(String client, long seq, List<MicroOp> result, Outcome outcome, String cause);

  static TxnObserver none() {
    return new TxnObserver() {
      @Override
      public void invoked(String client, long seq, List<MicroOp> txn) {}

      @Override
      public void completed(
          String client, long seq, List<MicroOp> result, Outcome outcome, String cause) {}
    };
  }
}
