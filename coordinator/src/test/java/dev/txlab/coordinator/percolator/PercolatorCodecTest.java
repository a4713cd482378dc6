package dev.txlab.coordinator.percolator;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Every value a live percolator node sends, replicates or snapshots is in its codec, and survives
 * the trip — a shard's whole snapshot and the oracle's commands included.
 */
class PercolatorCodecTest {
  private final RecordCodec codec =
      new RecordCodec(NodeCodecTable.with(PercolatorLiveComponents.CODEC));

  @Test
  void everyPermittedMessageCommandAndOutcomeIsListed() {
    List<Class<?>> all =
        new ArrayList<>(Arrays.asList(PercolatorMessage.class.getPermittedSubclasses()));
    all.addAll(Arrays.asList(PercolatorCommand.class.getPermittedSubclasses()));
    all.addAll(Arrays.asList(PercolatorShard.Outcome.class.getPermittedSubclasses()));
    all.addAll(Arrays.asList(TsoCommand.class.getPermittedSubclasses()));
    for (Class<?> c : all) assertThat(codec.knows(c)).as(c.getName()).isTrue();
  }

  @Test
  void aShardSnapshotItsRequestsAndTheOraclesCommandsRoundTrip() throws Exception {
    ShardId s0 = ShardId.of(0);
    PercolatorShard shard = new PercolatorShard(s0);
    TxnId txn = new TxnId("n1/txn-0", 7, 0);
    long start = TsoTimestamp.compose(1000, 1);
    long commit = TsoTimestamp.compose(1010, 3);
    List<PercolatorCommand> commands =
        List.of(
            new PercolatorCommand.Prewrite(
                1,
                txn,
                start,
                "x",
                List.of(
                    new PercolatorCommand.Mutation("x", "5"),
                    new PercolatorCommand.Mutation("y", "6")),
                3000),
            new PercolatorCommand.Get(2, txn, "x", commit),
            new PercolatorCommand.Commit(3, txn, start, commit, List.of("x")),
            new PercolatorCommand.CheckTxnStatus(4, txn, "x", start, commit, false),
            new PercolatorCommand.ScanLocks(5, null, commit, 16),
            new PercolatorCommand.Rollback(6, txn, TsoTimestamp.compose(900, 0), List.of("z")),
            new PercolatorCommand.ResolveLock(7, txn, start, commit, List.of("y")));
    for (PercolatorCommand c : commands) {
      PercolatorShard.Outcome o = shard.apply(c);
      PercolatorMessage.Request request = new PercolatorMessage.Request(c);
      assertThat(codec.decode(codec.encode(request))).isEqualTo(request);
      PercolatorProposal p = new PercolatorProposal(Address.parse("n1/gateway"), c);
      assertThat(codec.decode(codec.encode(p))).isEqualTo(p);
      PercolatorMessage.Reply reply = new PercolatorMessage.Reply(c.requestId(), s0, o, c.txn());
      assertThat(codec.decode(codec.encode(reply))).isEqualTo(reply);
    }
    Object image = shard.snapshot();
    PercolatorShard restored = new PercolatorShard(s0);
    restored.restore(codec.decode(codec.encode(image)));
    assertThat(restored.snapshot()).isEqualTo(image);
    assertThat(restored.writesOf("y").lastEntry().getValue().value()).isEqualTo("6");
    for (TsoCommand c :
        List.<TsoCommand>of(
            new TsoCommand.Reserve(2, 1000, 3000), new TsoCommand.Extend(2, 2600, 3000)))
      assertThat(codec.decode(codec.encode(c))).isEqualTo(c);
  }
}
