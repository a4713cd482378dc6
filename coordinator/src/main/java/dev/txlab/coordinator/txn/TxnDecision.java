package dev.txlab.coordinator.txn;

/** What a transaction's coordinator decided. Raft commits log entries; a transaction decides. */
public enum TxnDecision {
  COMMIT,
  ABORT
}
