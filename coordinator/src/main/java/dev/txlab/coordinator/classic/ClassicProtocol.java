package dev.txlab.coordinator.classic;

import dev.txlab.coordinator.twopc.TwoPhaseCommitProtocol;
import dev.txlab.coordinator.txn.TxnKnobs;
import java.util.List;

/**
 * Classic two-phase commit (Gray, 1978; Bernstein, Hadzilacos &amp; Goodman, ch. 7): one
 * coordinator process, not replicated, in front of Raft-replicated participants that lock with
 * wound-wait and read with locks. When the coordinator dies after its participants prepared, they
 * block, holding their locks, until it returns — the lesson of {@code 2pc-coordinator-crash}.
 */
public final class ClassicProtocol extends TwoPhaseCommitProtocol {
  @Override
  public String name() {
    return "classic";
  }

  @Override
  public List<String> aliases() {
    return List.of("2pc");
  }

  @Override
  public String summary() {
    return "2PC with a single unreplicated coordinator over Raft-replicated participants; blocks when the coordinator dies";
  }

  @Override
  protected TxnKnobs defaults() {
    return TxnKnobs.classic2pc();
  }

  @Override
  public LiveCoordinator liveCoordinator() {
    return LiveCoordinator.FIRST_NODE;
  }
}
