package dev.txlab.coordinator.spanner;

import dev.txlab.coordinator.twopc.TwoPhaseCommitProtocol;
import dev.txlab.coordinator.txn.TxnKnobs;

/**
 * Spanner's read-write transactions (Corbett et al., OSDI 2012, §4): two-phase commit over
 * Raft-replicated participant groups, the coordinator being the leader of one participant's group
 * (so a new leader finishes what a dead one started), wound-wait locking, commit timestamps from
 * TrueTime and commit wait before anyone learns the outcome; read-only transactions read a snapshot
 * without locks.
 */
public final class SpannerProtocol extends TwoPhaseCommitProtocol {
  @Override
  public String name() {
    return "spanner";
  }

  @Override
  public String summary() {
    return "2PC over Raft groups with a replicated coordinator, wound-wait locks, TrueTime commit wait, snapshot reads";
  }

  @Override
  public boolean isDefault() {
    return true;
  }

  @Override
  protected TxnKnobs defaults() {
    return TxnKnobs.spanner();
  }

  @Override
  public LiveCoordinator liveCoordinator() {
    return LiveCoordinator.FIRST_SHARD_LEADER;
  }
}
