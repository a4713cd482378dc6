package dev.txlab.node.live;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.kv.KvCommand;
import dev.txlab.node.kv.KvMessage;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.KvResult;
import dev.txlab.node.kv.KvStateMachine;
import dev.txlab.node.kv.MvccStore;
import dev.txlab.node.kv.ReadMode;
import dev.txlab.node.raft.Command;
import dev.txlab.node.raft.HardState;
import dev.txlab.node.raft.LogEntry;
import dev.txlab.node.raft.RaftMessage;
import dev.txlab.node.raft.Role;
import dev.txlab.node.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The tag table of the node module's wire and disk values for {@link RecordCodec} version 1. A
 * class's tag is its position here, so the list only grows at the end; other modules (the
 * coordinator's transaction messages) append their own classes after these with {@link
 * #with(List)}. {@code NodeCodecTableTest} proves every permitted message type is listed.
 */
public final class NodeCodecTable {
  private NodeCodecTable() {}

  private static final List<Class<?>> V1 =
      List.of(
          NodeId.class,
          ShardId.class,
          Address.class,
          HardState.class,
          LogEntry.class,
          Snapshot.class,
          Command.Noop.class,
          Role.class,
          RaftMessage.RequestVote.class,
          RaftMessage.RequestVoteReply.class,
          RaftMessage.AppendEntries.class,
          RaftMessage.AppendEntriesReply.class,
          RaftMessage.InstallSnapshot.class,
          RaftMessage.InstallSnapshotReply.class,
          RaftMessage.TimeoutNow.class,
          KvCommand.class,
          KvOp.Get.class,
          KvOp.GetAt.class,
          KvOp.Put.class,
          KvOp.Cas.class,
          KvOp.Append.class,
          KvResult.Ok.class,
          KvResult.CasFailed.class,
          KvResult.Redirect.class,
          KvResult.Unknown.class,
          KvMessage.ClientRequest.class,
          KvMessage.TransferLeadership.class,
          KvMessage.ClientReply.class,
          KvStateMachine.Session.class,
          KvStateMachine.Image.class,
          MvccStore.Image.class,
          ReadMode.class,
          // Added after the first release of the table: appended, so earlier ids stay.
          KvOp.Timestamp.class,
          RaftMessage.ReadIndexRequest.class,
          RaftMessage.ReadIndexReply.class);

  /** The node module's classes. */
  public static List<Class<?>> classes() {
    return V1;
  }

  /** The node module's classes followed by {@code more}. */
  public static List<Class<?>> with(List<Class<?>> more) {
    List<Class<?>> all = new ArrayList<>(V1);
    all.addAll(more);
    return List.copyOf(all);
  }

  public static RecordCodec codec() {
    return new RecordCodec(V1);
  }
}
