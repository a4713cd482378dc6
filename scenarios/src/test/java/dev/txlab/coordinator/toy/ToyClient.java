package dev.txlab.coordinator.toy;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.kv.ShardMap;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The toy's client: sends each shard its part, and calls the transaction done when all answered.
 */
final class ToyClient implements Process {
  private static final long GIVE_UP_NANOS = 1_000_000_000L;

  private final Env env;
  private final ShardMap shardMap;
  private final Function<ShardId, Address> shardAddress;
  private final TxnWorkload workload;
  private final TxnObserver observer;
  private final long thinkNanosMean;
  private long seq;
  private List<MicroOp> ops;
  private final TreeMap<Integer, List<Integer>> byShard = new TreeMap<>();
  private MicroOp[] results;
  private int answered;
  private boolean busy;

  ToyClient(
      Env env,
      ShardMap shardMap,
      Function<ShardId, Address> shardAddress,
      TxnWorkload workload,
      TxnObserver observer,
      long thinkNanosMean) {
    this(env, shardMap, shardAddress, workload, observer, thinkNanosMean, 0);
  }

  /**
   * @param firstSeq the sequence number before its first transaction's (a live lane starts from its
   *     clock, so a rebuilt lane never reuses one)
   */
  ToyClient(
      Env env,
      ShardMap shardMap,
      Function<ShardId, Address> shardAddress,
      TxnWorkload workload,
      TxnObserver observer,
      long thinkNanosMean,
      long firstSeq) {
    this.seq = firstSeq;
    this.env = env;
    this.shardMap = shardMap;
    this.shardAddress = shardAddress;
    this.workload = workload;
    this.observer = observer;
    this.thinkNanosMean = thinkNanosMean;
  }

  @Override
  public void onStart() {
    scheduleNext();
  }

  private void scheduleNext() {
    env.setTimer(
        1 + (long) env.random().exponential(Math.max(1, thinkNanosMean)), new ToyMessage.Next(seq));
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof ToyMessage.Next n) {
      if (n.afterSeq() == seq && !busy) {
        begin();
      }
    } else if (timer instanceof ToyMessage.GiveUp g) {
      if (g.seq() == seq && busy) {
        busy = false;
        observer.completed(env.self().toString(), seq, ops, Outcome.INFO, "no-answer");
        scheduleNext();
      }
    } else {
      throw new IllegalStateException("unexpected timer " + timer);
    }
  }

  private void begin() {
    List<MicroOp> next = workload.next(env.random());
    if (next == null) {
      return;
    }
    seq++;
    ops = List.copyOf(next);
    results = new MicroOp[ops.size()];
    byShard.clear();
    answered = 0;
    busy = true;
    observer.invoked(env.self().toString(), seq, ops);
    for (int i = 0; i < ops.size(); i++) {
      byShard
          .computeIfAbsent(shardMap.shardOf(ops.get(i).key()).index(), k -> new ArrayList<>())
          .add(i);
    }
    for (var e : byShard.entrySet()) {
      List<MicroOp> part = new ArrayList<>();
      e.getValue().forEach(i -> part.add(ops.get(i)));
      env.send(shardAddress.apply(ShardId.of(e.getKey())), new ToyMessage.Apply(seq, part));
    }
    env.setTimer(GIVE_UP_NANOS, new ToyMessage.GiveUp(seq));
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof ToyMessage.Applied a
        && busy
        && a.seq() == seq
        && byShard.containsKey(a.shard())) {
      List<Integer> idx = byShard.remove(a.shard());
      for (int i = 0; i < idx.size(); i++) {
        results[idx.get(i)] = a.results().get(i);
      }
      if (byShard.isEmpty()) {
        busy = false;
        observer.completed(env.self().toString(), seq, List.of(results), Outcome.OK, null);
        scheduleNext();
      }
    }
  }
}
