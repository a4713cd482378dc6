package dev.txlab.coordinator.cluster;

import dev.txlab.coordinator.protocol.Protocol;
import java.util.List;

/**
 * What the two 2PC protocols ({@code spanner}, {@code classic}) share: their metrics and monitors.
 */
public final class TwoPhaseCommit {
  private TwoPhaseCommit() {}

  /**
   * The metrics both report ({@link TxnMetrics}, plus {@code aborts_CAUSE} for each abort cause
   * seen).
   */
  /**
   * What a live node of the 2PC protocols measures itself (the rest — commits, aborts, retries —
   * its clients count).
   */
  public static final List<String> LIVE_NODE_METRICS =
      List.of("blocked_txns", "blocked_ms_max", "in_doubt_ms_", "lock_hold_ms_", "commit_wait_ms_");

  public static final List<String> METRICS =
      List.of(
          "commits",
          "aborts",
          "retries",
          "unknown_outcomes",
          "coordinator_decisions",
          "blocked_txns",
          "blocked_ms_max",
          "commit_wait_ms_p50",
          "commit_wait_ms_p99",
          "commit_wait_ms_max",
          "in_doubt_ms_p50",
          "in_doubt_ms_p99",
          "in_doubt_ms_max",
          "lock_hold_ms_p50",
          "lock_hold_ms_p99",
          "lock_hold_ms_max",
          "atomicity_checks",
          "aborts_");

  /** The monitors both run after every simulated event. */
  public static final List<Protocol.Monitor> MONITORS =
      List.of(
          new Protocol.Monitor(
              "raft-safety",
              "one leader per term, log matching, leader completeness, state-machine safety"),
          new Protocol.Monitor(
              "atomicity",
              "every participant applies the same decision; no prepared participant forgets it"),
          new Protocol.Monitor(
              "locks",
              "a transaction past waiting holds every lock it wants; none is both active and decided"));
}
