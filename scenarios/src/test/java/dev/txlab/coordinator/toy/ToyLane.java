package dev.txlab.coordinator.toy;

import dev.txlab.coordinator.live.TxnLane;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.ForwardingEnv;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.ShardId;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.kv.ShardMap;
import java.util.List;
import java.util.function.Function;

/**
 * One lane of a live toy node's gateway: the simulator's {@link ToyClient}, its next-transaction
 * timer held back until the gateway hands it a request ({@link TxnLane.Run}), whose ops its
 * workload then returns. As {@link TxnLane} does for the 2PC client.
 */
final class ToyLane implements Process {
  private final Env env;
  private final int lane;
  private final TxnLane.Responder responder;
  private final ToyClient client;
  private ToyMessage.Next parked;
  private List<MicroOp> next;
  private long requestId = -1;

  ToyLane(
      Env env,
      int lane,
      ShardMap shardMap,
      Function<ShardId, Address> shardAddress,
      TxnLane.Responder responder) {
    this.env = env;
    this.lane = lane;
    this.responder = responder;
    this.client =
        new ToyClient(
            new LaneEnv(),
            shardMap,
            shardAddress,
            random -> {
              List<MicroOp> ops = next;
              next = null;
              return ops;
            },
            new Observer(),
            1,
            Math.max(0, env.localClockNanos() / 1_000));
  }

  @Override
  public void onStart() {
    responder.started(lane);
    client.onStart();
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof TxnLane.Run r) {
      if (requestId >= 0 || parked == null) {
        throw new IllegalStateException("toy lane " + lane + " got a request while busy");
      }
      requestId = r.requestId();
      next = r.ops();
      ToyMessage.Next t = parked;
      parked = null;
      client.onTimer(t);
    } else {
      client.onMessage(from, message);
    }
  }

  @Override
  public void onTimer(Timer timer) {
    client.onTimer(timer);
  }

  private final class Observer implements TxnObserver {
    @Override
    public void invoked(String c, long seq, List<MicroOp> txn) {}

    @Override
    public void completed(String c, long seq, List<MicroOp> result, Outcome outcome, String cause) {
      long id = requestId;
      requestId = -1;
      responder.completed(lane, id, outcome, result, cause);
    }
  }

  /** The lane's environment, except that the client's next-transaction timer is parked. */
  private final class LaneEnv extends ForwardingEnv {
    LaneEnv() {
      super(env);
    }

    @Override
    public void setTimer(long delayNanos, Timer timer) {
      if (timer instanceof ToyMessage.Next n) parked = n;
      else super.setTimer(delayNanos, timer);
    }
  }
}
