package dev.txlab.node.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.raft.Command;
import dev.txlab.node.raft.LogEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvStateMachineTest {
  static LogEntry at(long index, String client, long seq, KvOp op) {
    return new LogEntry(1, index, new KvCommand(client, seq, op));
  }

  @Test
  void writesCasAndAppends() {
    KvStateMachine m = new KvStateMachine(8);
    assertThat(m.apply(at(1, "c", 1, new KvOp.Put("x", "1")))).isEqualTo(new KvResult.Ok("1"));
    assertThat(m.apply(at(2, "c", 2, new KvOp.Cas("x", "0", "2"))))
        .isEqualTo(new KvResult.CasFailed("1"));
    assertThat(m.apply(at(3, "c", 3, new KvOp.Cas("x", "1", "2")))).isEqualTo(new KvResult.Ok("2"));
    assertThat(m.apply(at(4, "c", 4, new KvOp.Append("x", "3")))).isEqualTo(new KvResult.Ok("23"));
    assertThat(m.apply(new LogEntry(1, 5, new Command.Noop()))).isNull();
    assertThat(m.read(new KvOp.Get("x"))).isEqualTo(new KvResult.Ok("23"));
    assertThat(m.read(new KvOp.GetAt("x", 2))).isEqualTo(new KvResult.Ok("1"));
    assertThat(m.read(new KvOp.GetAt("x", 3))).isEqualTo(new KvResult.Ok("2"));
    assertThat(m.read(new KvOp.Get("nope"))).isEqualTo(new KvResult.Ok(null));
  }

  @Test
  void aRetriedWriteAppliesAtMostOnce() {
    KvStateMachine m = new KvStateMachine(8);
    m.apply(at(1, "c", 1, new KvOp.Append("x", "a")));
    assertThat(m.apply(at(2, "c", 1, new KvOp.Append("x", "a")))).isEqualTo(new KvResult.Ok("a"));
    assertThat(m.read(new KvOp.Get("x"))).isEqualTo(new KvResult.Ok("a"));
    assertThat(m.sessionResult("c", 1)).isEqualTo(new KvResult.Ok("a"));
    m.apply(at(3, "c", 2, new KvOp.Append("x", "b")));
    assertThat(m.apply(at(4, "c", 1, new KvOp.Append("x", "a"))))
        .isInstanceOf(KvResult.Unknown.class);
    assertThat(m.read(new KvOp.Get("x"))).isEqualTo(new KvResult.Ok("ab"));
  }

  @Test
  void snapshotsRoundTrip() {
    KvStateMachine m = new KvStateMachine(8);
    m.apply(at(1, "c", 1, new KvOp.Put("x", "1")));
    Object snap = m.snapshot();
    m.apply(at(2, "c", 2, new KvOp.Put("x", "2")));
    KvStateMachine other = new KvStateMachine(8);
    other.restore(snap);
    assertThat(other.read(new KvOp.Get("x"))).isEqualTo(new KvResult.Ok("1"));
    assertThat(other.appliedIndex()).isEqualTo(1);
    assertThat(other.sessionResult("c", 1)).isEqualTo(new KvResult.Ok("1"));
  }

  @Test
  void mvccRetainsABoundedNumberOfVersionsAndRefusesOlderReads() {
    MvccStore s = new MvccStore(2);
    s.put("k", 10, "a");
    s.put("k", 20, "b");
    s.put("k", 30, "c");
    assertThat(s.readAt("k", 25)).isEqualTo("b");
    assertThat(s.readAt("k", 35)).isEqualTo("c");
    assertThatThrownBy(() -> s.readAt("k", 15))
        .isInstanceOf(MvccStore.VersionGarbageCollected.class);
    assertThatThrownBy(() -> s.put("k", 30, "d")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shardMapHashAndPlacement() {
    assertThat(ShardMap.fnv1a32("")).isEqualTo(0x811c9dc5);
    assertThat(ShardMap.fnv1a32("a")).isEqualTo(0xe40c292c);
    ShardMap map =
        new ShardMap(
            List.of(
                NodeId.of("n1"),
                NodeId.of("n2"),
                NodeId.of("n3"),
                NodeId.of("n4"),
                NodeId.of("n5")),
            3,
            3);
    assertThat(map.replicasOf(ShardId.of(2)).toString())
        .isEqualTo("[n3/shard-2, n4/shard-2, n5/shard-2]");
    assertThat(map.shardOf("a")).isEqualTo(ShardId.of(Math.floorMod(0xe40c292c, 3)));
  }

  @Test
  void knobsParseByName() {
    assertThat(ReadMode.parse("follower")).isEqualTo(ReadMode.FOLLOWER);
    assertThat(ReadMode.parse("readindex-any")).isEqualTo(ReadMode.READINDEX_ANY);
    assertThat(ReadMode.READINDEX_ANY.knobName()).isEqualTo("readindex-any");
    assertThatThrownBy(() -> ReadMode.parse("fast"))
        .hasMessageContaining("readindex|lease|local|follower|readindex-any");
    // The tests' mutant is no knob value.
    assertThatThrownBy(() -> ReadMode.parse("mutant-readindex-any-unapplied"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
