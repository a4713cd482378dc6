package dev.txlab.node.kv;

/**
 * Receives what a {@link KvClient} observed, in the vocabulary of Jepsen histories: an invoke, then
 * exactly one completion that is {@code OK}, a definite {@code FAIL} (it did not happen) or an
 * indefinite {@code INFO} (it may or may not have happened). The host adds the time.
 */
public interface ClientObserver {
  enum Outcome {
    OK,
    FAIL,
    INFO
  }

  void invoked(String clientId, long seq, KvOp op);

  /** {@code value}: what a read returned, what a write wrote, or what a failed cas found. */
  void completed(String clientId, long seq, KvOp op, Outcome outcome, String value);

  /** An observer that ignores everything. */
  static ClientObserver none() {
    return new ClientObserver() {
      @Override
      public void invoked(String clientId, long seq, KvOp op) {}

      @Override
      public void completed(String clientId, long seq, KvOp op, Outcome outcome, String value) {}
    };
  }
}
