package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.live.TxnLane;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.List;

/**
 * One lane of a live percolator node's {@code POST /txn}: it hands each request to this node's
 * gateway as a client would ({@link PercolatorMessage.RunTxn}) and answers with what the gateway
 * says; no answer in time is {@code :info}. Operations are numbered from the lane's start time in
 * microseconds, so a lane rebuilt after a restart never reuses a number its gateway may remember as
 * done.
 */
final class PercolatorLane implements Process {
  private final Env env;
  private final int lane;
  private final Address gateway;
  private final TxnLane.Responder responder;
  private final long timeoutNanos;
  private long seq;
  private long requestId = -1;
  private List<dev.txlab.coordinator.txn.MicroOp> ops;

  PercolatorLane(
      Env env, int lane, Address gateway, TxnLane.Responder responder, long timeoutNanos) {
    this.env = env;
    this.lane = lane;
    this.gateway = gateway;
    this.responder = responder;
    this.timeoutNanos = timeoutNanos;
    this.seq = Math.max(0, env.localClockNanos() / 1_000);
  }

  @Override
  public void onStart() {
    responder.started(lane);
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof TxnLane.Run r) {
      if (requestId >= 0) throw new IllegalStateException("percolator lane " + lane + " is busy");
      requestId = r.requestId();
      ops = r.ops();
      seq++;
      env.send(gateway, new PercolatorMessage.RunTxn(seq, ops));
      env.setTimer(timeoutNanos, new PercolatorTimer.ClientTimeout(seq));
    } else if (message instanceof PercolatorMessage.TxnDone d && requestId >= 0 && d.seq() == seq) {
      finish(d.outcome(), d.results(), d.cause());
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof PercolatorTimer.ClientTimeout t && t.seq() == seq && requestId >= 0)
      finish(Outcome.INFO, ops, "gateway-timeout");
  }

  private void finish(
      Outcome outcome, List<dev.txlab.coordinator.txn.MicroOp> results, String cause) {
    long id = requestId;
    requestId = -1;
    responder.completed(lane, id, outcome, results, cause);
  }
}
