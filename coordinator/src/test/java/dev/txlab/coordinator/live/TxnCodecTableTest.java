package dev.txlab.coordinator.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.coordinator.participant.TxnCommand;
import dev.txlab.coordinator.participant.TxnStateMachine;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnDecision;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.coordinator.txn.TxnMessage;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.live.RecordCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every transaction message and command is in the live codec, and each survives the trip. */
class TxnCodecTableTest {
  private final RecordCodec codec = TxnCodecTable.codec();

  @Test
  void everyPermittedMessageAndCommandIsListed() {
    List<Class<?>> all = new ArrayList<>(Arrays.asList(TxnMessage.class.getPermittedSubclasses()));
    all.addAll(Arrays.asList(TxnCommand.class.getPermittedSubclasses()));
    for (Class<?> c : all) assertThat(codec.knows(c)).as(c.getName()).isTrue();
  }

  @Test
  void valuesRoundTrip() throws Exception {
    TxnId t = new TxnId("n1/txn-3", 1_700_000_000_000_000L, 2);
    ShardId s0 = ShardId.of(0);
    List<MicroOp> ops =
        List.of(
            MicroOp.append("k", 5),
            MicroOp.readList("k").withValue("1 5"),
            MicroOp.read("r"),
            MicroOp.write("w", -3));
    TreeMap<String, String> writes = new TreeMap<>();
    writes.put("k", "1 5");
    List<Object> values =
        List.of(
            new TxnMessage.Execute(t, 42, ops),
            new TxnMessage.ExecuteReply(t, s0, ops),
            new TxnMessage.Aborted(t, s0, "wound"),
            new TxnMessage.Abort(t),
            new TxnMessage.Commit(t, List.of(s0, ShardId.of(2))),
            new TxnMessage.Outcome(t, TxnDecision.COMMIT, 99),
            new TxnMessage.Prepare(t, null, List.of(s0)),
            new TxnMessage.PrepareReply(t, s0, true, 7),
            new TxnMessage.Decide(t, TxnDecision.ABORT, 0),
            new TxnMessage.DecisionQuery(t, s0, ShardId.of(1), List.of(s0, ShardId.of(1))),
            new TxnMessage.DecideAck(t, s0),
            new TxnMessage.SnapshotRead(t, 123, List.of("a", "b")),
            new TxnMessage.SnapshotReadReply(
                t, s0, 123, List.of("a", "b"), Arrays.asList("1", null)),
            new TxnCommand.Lock(t, 42, Address.parse("n1/txn-3"), ops),
            new TxnCommand.Prepare(t, 5, s0, List.of(s0)),
            new TxnCommand.Decide(t, TxnDecision.COMMIT, 6),
            new TxnCommand.CoordinatorDecide(t, TxnDecision.COMMIT, 6, List.of(s0)),
            new TxnCommand.End(List.of(t)),
            new TxnCommand.Release(t, "client-abort"),
            new TxnCommand.SafeTime(77),
            new TxnStateMachine.Active(
                t,
                42,
                Address.parse("n1/txn-3"),
                ops,
                TxnStateMachine.Status.PREPARED,
                ops,
                writes,
                5,
                s0,
                List.of(s0)),
            new dev.txlab.coordinator.single.SingleCoordinator.DecisionRecord(
                t, TxnDecision.COMMIT, 8));
    for (Object v : values) assertThat(codec.decode(codec.encode(v))).as(v.toString()).isEqualTo(v);
  }

  @Test
  void aSnapshotImageWithFloorsAndRecordsAwaitingTheirEndSurvivesARoundTrip() throws Exception {
    ShardId s0 = ShardId.of(0);
    TxnStateMachine m = new TxnStateMachine(s0, true, 4);
    Address client = Address.parse("n1/txn-0");
    TxnId first = new TxnId("n1/txn-0", 1, 0);
    TxnId second = new TxnId("n1/txn-0", 2, 0);
    m.apply(new TxnCommand.Lock(first, 1, client, List.of(MicroOp.write("x", 1))));
    m.apply(new TxnCommand.Prepare(first, 5, s0, List.of(s0, ShardId.of(1))));
    m.apply(
        new TxnCommand.CoordinatorDecide(first, TxnDecision.COMMIT, 6, List.of(s0, ShardId.of(1))));
    m.apply(new TxnCommand.Lock(second, 2, client, List.of(MicroOp.read("x"))));
    TxnStateMachine.Image image = (TxnStateMachine.Image) m.snapshot();
    assertThat(image.awaitingEnd()).containsKey(first);
    assertThat(image.floors()).containsEntry("n1/txn-0", second);
    assertThat(codec.decode(codec.encode(image))).isEqualTo(image);
  }

  @Test
  void aDamagedFrameIsRefusedNotThrownIntoTheProtocol() {
    byte[] frame = codec.encode(new TxnMessage.Abort(new TxnId("c", 1, 0)));
    byte[] cut = Arrays.copyOf(frame, frame.length - 2);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decode(cut))
        .isInstanceOf(RecordCodec.CodecException.class);
  }
}
