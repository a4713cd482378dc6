package dev.txlab.coordinator.live;

import dev.txlab.coordinator.participant.TxnCommand;
import dev.txlab.coordinator.participant.TxnStateMachine;
import dev.txlab.coordinator.single.SingleCoordinator;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnMessage;
import dev.txlab.node.live.NodeCodecTable;
import dev.txlab.node.live.RecordCodec;
import java.util.List;

/**
 * The coordinator module's wire and disk values for the live host's {@link RecordCodec}: the
 * transaction messages, the commands a transactional shard replicates, its snapshot image, and the
 * single coordinator's decision records. They follow the node module's table ({@link
 * NodeCodecTable#with}); a class's tag is its position, so this list only grows at the end. Frames
 * that do not decode are dropped with a counted reason by the transport (and refused by storage
 * recovery), never handed to a process. {@code TxnCodecTableTest} proves every permitted message
 * and command type is listed and survives a round trip.
 */
public final class TxnCodecTable {
  private TxnCodecTable() {}

  private static final List<Class<?>> V1 =
      List.of(
          TxnId.class,
          MicroOp.class,
          MicroOp.Kind.class,
          TxnDecision.class,
          TxnMessage.Execute.class,
          TxnMessage.ExecuteReply.class,
          TxnMessage.Aborted.class,
          TxnMessage.Abort.class,
          TxnMessage.Commit.class,
          TxnMessage.Outcome.class,
          TxnMessage.Prepare.class,
          TxnMessage.PrepareReply.class,
          TxnMessage.Decide.class,
          TxnMessage.DecisionQuery.class,
          TxnMessage.SnapshotRead.class,
          TxnMessage.SnapshotReadReply.class,
          TxnCommand.Lock.class,
          TxnCommand.Prepare.class,
          TxnCommand.Decide.class,
          TxnCommand.CoordinatorDecide.class,
          TxnCommand.Release.class,
          TxnCommand.SafeTime.class,
          TxnStateMachine.Status.class,
          TxnStateMachine.Active.class,
          TxnStateMachine.Decided.class,
          TxnStateMachine.Image.class,
          SingleCoordinator.DecisionRecord.class,
          TxnMessage.DecideAck.class,
          TxnCommand.End.class);

  /** The coordinator module's classes (appended after the node module's). */
  public static List<Class<?>> classes() {
    return V1;
  }

  /** The full codec of a transactional node. */
  public static RecordCodec codec() {
    return new RecordCodec(NodeCodecTable.with(V1));
  }
}
