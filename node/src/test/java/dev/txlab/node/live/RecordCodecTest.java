package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Round trips of every registered type, and decoding that never throws anything but CodecException.
 */
class RecordCodecTest {
  private static final RecordCodec CODEC = NodeCodecTable.codec();
  private static final Address A = Address.parse("n1/shard-0");
  private static final Address B = Address.parse("n2/shard-0");

  static List<Object> samples() {
    KvCommand cmd = new KvCommand("c1~ab", 3, new KvOp.Cas("k", "old", "new"));
    TreeMap<Long, String> versions = new TreeMap<>();
    versions.put(4L, "x");
    versions.put(9L, "xy");
    TreeMap<String, TreeMap<Long, String>> data = new TreeMap<>();
    data.put("k", versions);
    TreeMap<String, KvStateMachine.Session> sessions = new TreeMap<>();
    sessions.put("c1", new KvStateMachine.Session(2, new KvResult.Ok("v")));
    KvStateMachine.Image image =
        new KvStateMachine.Image(
            new MvccStore.Image(
                Collections.unmodifiableNavigableMap(data),
                new TreeMap<>(java.util.Map.of("k", 3L))),
            sessions,
            17);
    return List.of(
        NodeId.of("n10"),
        ShardId.of(2),
        A,
        new HardState(5, A),
        new HardState(0, null),
        new LogEntry(2, 7, cmd),
        new LogEntry(2, 8, new Command.Noop()),
        new Snapshot(10, 2, image),
        Role.LEADER,
        ReadMode.LEASE,
        new RaftMessage.RequestVote(3, A, 10, 2, true, false),
        new RaftMessage.RequestVoteReply(3, true, false),
        new RaftMessage.AppendEntries(
            3,
            A,
            6,
            2,
            List.of(new LogEntry(2, 7, cmd), new LogEntry(3, 8, new Command.Noop())),
            6,
            99),
        new RaftMessage.AppendEntries(3, A, 6, 2, List.of(), 6, -1),
        new RaftMessage.AppendEntriesReply(3, false, 0, 4, 12),
        new RaftMessage.InstallSnapshot(3, A, 10, 2, image, 5),
        new RaftMessage.InstallSnapshotReply(3, 10, 5),
        new RaftMessage.TimeoutNow(4, B),
        new RaftMessage.ReadIndexRequest(4, B, 1_234_000_000_001L),
        new RaftMessage.ReadIndexReply(4, 1_234_000_000_001L, 17, true),
        new RaftMessage.ReadIndexReply(5, 9, 0, false),
        ReadMode.READINDEX_ANY,
        new KvMessage.ClientRequest("c1", 1, new KvOp.Get("k")),
        new KvMessage.ClientRequest("c1", 2, new KvOp.GetAt("k", 12)),
        new KvMessage.ClientRequest("c1", 3, new KvOp.Put("k", "é€𝄞")),
        new KvMessage.ClientRequest("c1", 4, new KvOp.Append("k", "")),
        new KvMessage.TransferLeadership(B),
        new KvMessage.ClientReply("c1", 4, new KvResult.CasFailed(null)),
        new KvMessage.ClientReply("c1", 4, new KvResult.Redirect(B)),
        new KvMessage.ClientReply("c1", 4, new KvResult.Unknown("lost leadership")),
        "plain",
        Long.MIN_VALUE,
        Integer.MAX_VALUE,
        -0.5,
        List.of(1L, "two"));
  }

  @Test
  void everySampleRoundTrips() throws Exception {
    for (Object sample : samples()) {
      byte[] frame = CODEC.encode(sample);
      assertThat(CODEC.decode(frame)).as("%s", sample).isEqualTo(sample);
    }
  }

  @Test
  void stringsAreWrittenAsTheirUtf8BytesWhateverTheirCharacters() {
    // The ASCII fast path and the UTF-8 path must write exactly what String.getBytes does.
    java.util.Random random = new java.util.Random(19);
    char[] alphabet = {'a', 'Z', '0', 0, 0x7F, 0x80, 0xE9, 0x20AC, 0xD834, 0xDD1E, 0xFFFF};
    for (int trial = 0; trial < 2_000; trial++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(40);
      boolean ascii = random.nextBoolean();
      for (int i = 0; i < len; i++)
        sb.append(ascii ? (char) random.nextInt(0x80) : alphabet[random.nextInt(alphabet.length)]);
      String s = sb.toString();
      RecordCodec.Bytes out = new RecordCodec.Bytes(1);
      out.writeString(s);
      byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      RecordCodec.Bytes expected = new RecordCodec.Bytes(1);
      expected.writeVarLong(utf8.length);
      expected.writeBytes(utf8, 0, utf8.length);
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          expected.toByteArray(), out.toByteArray(), "string #" + trial + ": " + s);
      org.junit.jupiter.api.Assertions.assertEquals(
          RecordCodec.Bytes.varLongSize(utf8.length),
          expected.size() - utf8.length,
          "varLongSize of " + utf8.length);
    }
  }

  @Test
  void everyPermittedMessageAndValueTypeIsInTheTable() {
    for (Class<?> sealed :
        List.of(RaftMessage.class, KvMessage.class, KvOp.class, KvResult.class)) {
      for (Class<?> c : sealed.getPermittedSubclasses())
        assertThat(CODEC.knows(c)).as(c.getName()).isTrue();
    }
  }

  @Test
  void anAppendEntriesIsCompact() {
    KvCommand cmd = new KvCommand("n9/client~1a2b3c", 12345, new KvOp.Put("key-17", "value-123"));
    byte[] frame =
        CODEC.encode(
            new RaftMessage.AppendEntries(
                7, A, 100, 7, List.of(new LogEntry(7, 101, cmd)), 99, 5000));
    assertThat(frame.length).isLessThan(90);
  }

  @Test
  void unregisteredClassesAreRefusedWhenEncoding() {
    record Stranger(int x) {}
    assertThatThrownBy(() -> CODEC.encode(new Stranger(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructorChecksApplyToDecodedValues() {
    // A RequestVote with term 0 encodes fine through a look-alike shape, but its constructor
    // refuses it on decode.
    byte[] good = CODEC.encode(new RaftMessage.RequestVote(3, A, 10, 2, true, false));
    byte[] bad = good.clone();
    // version(1) kind(1) tag(1) then the first field: LONG kind, zigzag(3)=6 → zigzag(0)=0.
    assertThat(bad[4]).isEqualTo((byte) 6);
    bad[4] = 0;
    assertThatThrownBy(() -> CODEC.decode(bad))
        .isInstanceOf(RecordCodec.CodecException.class)
        .hasMessageContaining("RequestVote");
  }

  @Test
  void damagedFramesGiveACodecExceptionOrAValueNeverAnythingElse() {
    Random random = new Random(5);
    List<byte[]> frames = samples().stream().map(CODEC::encode).toList();
    int refused = 0;
    for (int trial = 0; trial < 20_000; trial++) {
      byte[] f = frames.get(random.nextInt(frames.size())).clone();
      switch (random.nextInt(3)) {
        case 0 -> f[random.nextInt(f.length)] = (byte) random.nextInt(256);
        case 1 -> f = Arrays.copyOf(f, random.nextInt(f.length));
        default -> {
          f = new byte[random.nextInt(40)];
          random.nextBytes(f);
        }
      }
      try {
        CODEC.decode(f);
      } catch (RecordCodec.CodecException expected) {
        refused++;
      }
    }
    assertThat(refused).isGreaterThan(10_000);
  }
}
