package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.ForwardingEnv;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.NodeId;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Timer;
import dev.txlab.node.cluster.SimCluster;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.ShardMap;
import dev.txlab.node.sim.SimLink;
import dev.txlab.node.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The live node's gateway process, hosted by the simulator in front of a 3-replica raft-kv shard:
 * every request is answered — after leader changes, with the leader's node down, and as unknown
 * once its deadline passes with no replica answering — and retries come from one sweep timer, so
 * the gateway never has more than one timer outstanding however many requests it carries.
 */
class KvGatewayTest {
  static final long MS = 1_000_000L;
  static final long RETRY = 300 * MS, TIMEOUT = 5_000 * MS;
  static final NodeId N1 = NodeId.of("n1");
  static final Address GATEWAY = Address.of(N1, "http");

  /** What the gateway answered, and when (simulated time). */
  record Answer(long requestId, KvGateway.Outcome outcome, String value, long atNanos) {}

  /** Counts the gateway's outstanding timers: set minus fired. */
  static final class Counting implements Process {
    final KvGateway gateway;
    int outstanding;
    int maxOutstanding;
    int timersSet;

    Counting(Env env, ShardMap shardMap, List<Answer> answers, Simulator sim) {
      Env counted =
          new ForwardingEnv(env) {
            @Override
            public void setTimer(long delayNanos, Timer timer) {
              outstanding++;
              timersSet++;
              maxOutstanding = Math.max(maxOutstanding, outstanding);
              super.setTimer(delayNanos, timer);
            }
          };
      gateway =
          new KvGateway(
              counted,
              shardMap,
              (id, outcome, value) -> answers.add(new Answer(id, outcome, value, sim.nowNanos())),
              256,
              RETRY,
              TIMEOUT);
    }

    @Override
    public void onStart() {
      gateway.onStart();
    }

    @Override
    public void onMessage(Address from, Message message) {
      gateway.onMessage(from, message);
    }

    @Override
    public void onTimer(Timer timer) {
      outstanding--;
      gateway.onTimer(timer);
    }

    @Override
    public void checkInvariants() {
      gateway.checkInvariants();
    }
  }

  final List<Answer> answers = new ArrayList<>();
  SimCluster cluster;
  Counting gateway;

  private void start(long seed) {
    cluster = new SimCluster(SimCluster.Config.defaults(seed).withShape(3, 1, 3));
    cluster
        .sim()
        .addProcess(
            GATEWAY,
            env -> gateway = new Counting(env, cluster.shardMap(), answers, cluster.sim()));
    cluster.sim().runFor(2_000 * MS); // an election
  }

  /**
   * Cuts n1 (the gateway's node) off from the other replicas, and waits out any leadership it held:
   * n1's own replica cannot win an election alone, so no replica the gateway reaches answers.
   */
  private void isolateTheGatewaysNode() {
    for (NodeId n : cluster.serverNodes()) {
      if (!n.equals(N1)) cluster.control().cut(Set.of(new SimLink(N1, n), new SimLink(n, N1)));
    }
    cluster.sim().runFor(1_000 * MS);
  }

  private void request(long id, KvOp op) {
    cluster.sim().inject(GATEWAY, GATEWAY, new KvGateway.Request(id, op));
  }

  private TreeMap<Long, Answer> byId() {
    TreeMap<Long, Answer> m = new TreeMap<>();
    for (Answer a : answers) {
      Answer old = m.put(a.requestId(), a);
      assertThat(old).as("request %d answered twice", a.requestId()).isNull();
    }
    return m;
  }

  @Test
  void manyRequestsInFlightAreAllAnsweredWithOneTimerAtATime() {
    start(1);
    long id = 0;
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 100; i++) {
        id++;
        request(id, i % 2 == 0 ? new KvOp.Put("k" + (id % 37), "v" + id) : new KvOp.Get("k" + i));
      }
      cluster.sim().runFor(50 * MS);
    }
    cluster.sim().runFor(2_000 * MS);
    TreeMap<Long, Answer> got = byId();
    assertThat(got).hasSize(2_000);
    assertThat(got.values()).allMatch(a -> a.outcome() == KvGateway.Outcome.OK, "all OK");
    assertThat(gateway.maxOutstanding).as("gateway timers outstanding at once").isEqualTo(1);
    // A timer per request would be 2,000; a sweep per retry interval at most a few dozen.
    assertThat(gateway.timersSet).as("gateway timers set").isLessThan(40);
    assertThat(gateway.outstanding).as("nothing in flight: no sweep armed").isZero();
  }

  @Test
  void requestsOutliveTheLeadersCrashThroughRetries() {
    start(2);
    ShardId shard = cluster.shardMap().allShards().get(0);
    // The leader must not be on the gateway's node (its crash would take the gateway too).
    if (cluster.leaderOf(shard).node().equals(N1)) {
      assertThat(cluster.transferLeadership(shard, NodeId.of("n2"))).isTrue();
      cluster.sim().runFor(1_000 * MS);
    }
    Address leader = cluster.leaderOf(shard);
    assertThat(leader.node()).isNotEqualTo(N1);
    for (long id = 1; id <= 50; id++) request(id, new KvOp.Put("k" + id, "v" + id));
    // Long enough for the first attempts to find the leader (by redirect), too short to commit.
    cluster.sim().runFor(1 * MS);
    cluster.sim().crash(leader.node());
    long crashedAt = cluster.sim().nowNanos();
    cluster.sim().runFor(6_000 * MS);
    TreeMap<Long, Answer> got = byId();
    assertThat(got).hasSize(50);
    assertThat(got.values())
        .as("every request committed by the next leader, after a retry")
        .allSatisfy(
            a -> {
              assertThat(a.outcome()).isEqualTo(KvGateway.Outcome.OK);
              assertThat(a.atNanos() - crashedAt).isGreaterThanOrEqualTo(RETRY - 1 * MS);
            });
    assertThat(gateway.maxOutstanding).isEqualTo(1);
    assertThat(gateway.outstanding).isZero();
  }

  @Test
  void withNoReplicaReachableEveryRequestBecomesUnknownAtItsDeadline() {
    start(3);
    isolateTheGatewaysNode();
    long sentAt = cluster.sim().nowNanos();
    for (long id = 1; id <= 30; id++) request(id, new KvOp.Put("k" + id, "v" + id));
    cluster.sim().runFor(TIMEOUT + 2 * RETRY);
    TreeMap<Long, Answer> got = byId();
    assertThat(got).hasSize(30);
    for (Answer a : got.values()) {
      assertThat(a.outcome()).isEqualTo(KvGateway.Outcome.UNKNOWN);
      // Given up at the first sweep after the deadline: no sooner, and at most one retry
      // interval (plus a sweep's slack) later.
      assertThat(a.atNanos() - sentAt).isBetween(TIMEOUT, TIMEOUT + RETRY + RETRY / 8);
    }
    assertThat(gateway.maxOutstanding).isEqualTo(1);
    assertThat(gateway.outstanding).isZero();
  }

  @Test
  void aFullPoolRefusesAtOnceAsBusy() {
    start(4);
    isolateTheGatewaysNode();
    for (long id = 1; id <= 257; id++) request(id, new KvOp.Get("k" + id));
    cluster.sim().runFor(10 * MS);
    assertThat(answers)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.requestId()).isEqualTo(257);
              assertThat(a.outcome()).isEqualTo(KvGateway.Outcome.BUSY);
            });
  }
}
