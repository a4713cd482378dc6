package dev.txlab.coordinator.crdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnId;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.live.NodeCodecTable;
import dev.txlab.node.live.RecordCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every value a live crdb node sends, replicates or snapshots is in its codec, and survives the
 * trip — a range's whole snapshot included.
 */
class CrdbCodecTest {
  private final RecordCodec codec = new RecordCodec(NodeCodecTable.with(CrdbLiveComponents.CODEC));

  @Test
  void everyPermittedMessageCommandAndOutcomeIsListed() {
    List<Class<?>> all = new ArrayList<>(Arrays.asList(CrdbMessage.class.getPermittedSubclasses()));
    all.addAll(Arrays.asList(CrdbCommand.class.getPermittedSubclasses()));
    all.addAll(Arrays.asList(CrdbRange.Outcome.class.getPermittedSubclasses()));
    for (Class<?> c : all) assertThat(codec.knows(c)).as(c.getName()).isTrue();
  }

  @Test
  void aRangeSnapshotAndItsRequestsRoundTrip() throws Exception {
    ShardId r0 = ShardId.of(0);
    CrdbRange range = new CrdbRange(r0, 4);
    HlcTimestamp t = new HlcTimestamp(1_000_000_000L, 2);
    CrdbTxn txn = new CrdbTxn(new TxnId("n1/txn-0", 7, 0), 0, t, 1, "x", r0);
    List<CrdbCommand> commands =
        List.of(
            new CrdbCommand.Put(1, txn, 0, MicroOp.append("x", 5), t, t.plusWall(500), true, t),
            new CrdbCommand.Get(2, txn, "y", t, t.plusWall(500)),
            new CrdbCommand.Heartbeat(3, txn, t.next(), null),
            new CrdbCommand.EndTxn(4, txn, true),
            new CrdbCommand.Resolve(5, txn.id(), 0, List.of("x"), CrdbRange.Status.COMMITTED, t));
    for (CrdbCommand c : commands) {
      range.apply(c);
      CrdbMessage.Request request = new CrdbMessage.Request(t, c);
      assertThat(request.txn()).isEqualTo(txn.id());
      assertThat(codec.decode(codec.encode(request))).isEqualTo(request);
      CrdbProposal p = new CrdbProposal(Address.parse("n1/gateway"), c);
      assertThat(codec.decode(codec.encode(p))).isEqualTo(p);
    }
    for (CrdbRange.Answer a : range.takeAnswers()) {
      CrdbMessage.Reply reply = new CrdbMessage.Reply(a.requestId(), r0, t, a.outcome(), a.txn());
      assertThat(codec.decode(codec.encode(reply))).isEqualTo(reply);
    }
    Object image = range.snapshot();
    Object back = codec.decode(codec.encode(image));
    CrdbRange restored = new CrdbRange(r0, 4);
    restored.restore(back);
    assertThat(restored.snapshot()).isEqualTo(image);
    assertThat(restored.latest("x")).isEqualTo("5");
  }
}
