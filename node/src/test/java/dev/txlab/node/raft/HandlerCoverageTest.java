package dev.txlab.node.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.InMemoryStorage;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.RandomSource;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Storage;
import dev.txlab.node.api.Timer;
import dev.txlab.node.api.TrueTimeInterval;
import dev.txlab.node.kv.KvClient;
import dev.txlab.node.kv.KvMessage;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.KvResult;
import dev.txlab.node.kv.ReadMode;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.kv.ShardReplica;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Java 17 has no pattern-matching switch, so dispatch is an instanceof chain ending in an invariant
 * failure. This proves every permitted message and timer type reaches a handler.
 */
class HandlerCoverageTest {
  static final Address SELF = Address.parse("n1/shard-0");
  static final Address PEER = Address.parse("n2/shard-0");

  /** An Env that swallows effects: enough to call handlers directly. */
  static final class NullEnv implements Env {
    final InMemoryStorage storage = new InMemoryStorage();
    final RandomSource random = new RandomSource(1);
    final Address self;

    NullEnv(Address self) {
      this.self = self;
    }

    @Override
    public Address self() {
      return self;
    }

    @Override
    public void send(Address to, Message message) {}

    @Override
    public void setTimer(long delayNanos, Timer timer) {}

    @Override
    public long localClockNanos() {
      return 0;
    }

    @Override
    public TrueTimeInterval trueTime() {
      return TrueTimeInterval.around(0, 1);
    }

    @Override
    public RandomSource random() {
      return random;
    }

    @Override
    public Storage storage() {
      return storage;
    }

    @Override
    public void log(String text) {}
  }

  static final List<RaftMessage> RAFT_SAMPLES =
      List.of(
          new RaftMessage.RequestVote(1, PEER, 0, 0, true, false),
          new RaftMessage.RequestVoteReply(1, false, false),
          new RaftMessage.AppendEntries(1, PEER, 0, 0, List.of(), 0, 1),
          new RaftMessage.AppendEntriesReply(1, false, 0, 1, 1),
          new RaftMessage.InstallSnapshot(1, PEER, 1, 1, List.of(), 1),
          new RaftMessage.InstallSnapshotReply(1, 0, 1),
          new RaftMessage.TimeoutNow(1, PEER),
          new RaftMessage.ReadIndexRequest(1, PEER, 7),
          new RaftMessage.ReadIndexReply(1, 7, 3, true));

  static final List<RaftTimer> TIMER_SAMPLES =
      List.of(
          new RaftTimer.ElectionTimeout(99),
          new RaftTimer.HeartbeatTick(7),
          new RaftTimer.Persisted(7, 3));

  private static Set<Class<?>> permitted(Class<?> sealed) {
    return Arrays.stream(sealed.getPermittedSubclasses()).collect(Collectors.toSet());
  }

  @Test
  void samplesCoverEveryPermittedType() {
    assertThat(RAFT_SAMPLES.stream().map(Object::getClass).collect(Collectors.toSet()))
        .isEqualTo(permitted(RaftMessage.class));
    assertThat(TIMER_SAMPLES.stream().map(Object::getClass).collect(Collectors.toSet()))
        .isEqualTo(permitted(RaftTimer.class));
  }

  @Test
  void everyRaftMessageAndTimerHasAHandler() {
    RaftConfig config = RaftConfig.defaults(List.of(SELF, PEER, Address.parse("n3/shard-0")));
    for (RaftMessage m : RAFT_SAMPLES) {
      NullEnv env = new NullEnv(SELF);
      RaftReplica r =
          new RaftReplica(env, config, new RaftTestNode.ListMachine(), new RaftListener() {});
      r.onStart();
      assertThatCode(() -> r.onMessage(PEER, m))
          .as(m.getClass().getSimpleName())
          .doesNotThrowAnyException();
    }
    for (RaftTimer t : TIMER_SAMPLES) {
      NullEnv env = new NullEnv(SELF);
      RaftReplica r =
          new RaftReplica(env, config, new RaftTestNode.ListMachine(), new RaftListener() {});
      r.onStart();
      assertThatCode(() -> r.onTimer(t))
          .as(t.getClass().getSimpleName())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void everyKvMessageHasAHandler() {
    List<KvMessage> samples =
        List.of(
            new KvMessage.ClientRequest("c", 1, new KvOp.Get("k")),
            new KvMessage.ClientReply("c", 1, new KvResult.Ok(null)),
            new KvMessage.TransferLeadership(PEER));
    assertThat(samples.stream().map(Object::getClass).collect(Collectors.toSet()))
        .isEqualTo(permitted(KvMessage.class));
    RaftConfig config = RaftConfig.defaults(List.of(SELF, PEER, Address.parse("n3/shard-0")));
    ShardReplica replica =
        new ShardReplica(
            new NullEnv(SELF),
            new ShardReplica.Config(ShardId.of(0), config, ReadMode.READINDEX, 4));
    replica.onStart();
    for (KvMessage m : samples)
      assertThatCode(() -> replica.onMessage(PEER, m)).doesNotThrowAnyException();

    ShardMap map = new ShardMap(List.of(SELF.node(), PEER.node()), 1, 2);
    KvClient client =
        new KvClient(
            new NullEnv(Address.parse("c1/client")),
            new KvClient.Config(map, 0, 100, 1000, false),
            random -> new KvOp.Get("k"),
            dev.txlab.node.kv.ClientObserver.none());
    client.onStart();
    for (KvMessage m : samples)
      assertThatCode(() -> client.onMessage(SELF, m)).doesNotThrowAnyException();
    assertThat(KvResult.class.getPermittedSubclasses())
        .hasSize(4); // the client's result chain covers four kinds
  }
}
