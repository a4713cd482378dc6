package dev.txlab.coordinator.live;

import dev.txlab.coordinator.client.TxnClient;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnProbe;
import dev.txlab.coordinator.txn.TxnTimer;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.ForwardingEnv;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.List;

/**
 * One lane of a live node's transaction gateway: a {@link TxnClient} — the very client the
 * simulator runs — driven by HTTP requests instead of a workload generator (or another protocol's
 * closed-loop client, through a {@link ClientFactory}: the saga's). A lane runs one transaction at
 * a time; the gateway keeps a pool of them ({@code n1/txn-0}, {@code n1/txn-1}…), each its own
 * process, because participants answer the client named in the transaction id.
 *
 * <p>How the client is driven: between transactions a {@link TxnClient} sets a {@link
 * TxnTimer.ClientNext} timer (its think time). The lane holds that timer back instead of scheduling
 * it, and fires it when a {@link Run} arrives, with the request's ops as the next thing the
 * client's workload returns. Everything else the client does passes through unchanged.
 *
 * <p>Transaction ids are numbered from the lane's start time in microseconds, so a lane rebuilt
 * after a crash or a restart never reuses an id its earlier incarnation sent (participants remember
 * decided ids).
 */
public final class TxnLane implements Process {
  /** Where a lane reports; called on the lane's thread, must not block. */
  public interface Responder {
    /** The lane (re)started: whatever it was running is lost (its outcome is unknown). */
    void started(int lane);

    void completed(int lane, long requestId, Outcome outcome, List<MicroOp> result, String cause);
  }

  /** Run these ops as one transaction (injected by the gateway). */
  public record Run(long requestId, List<MicroOp> ops) implements Message {
    public Run {
      ops = List.copyOf(ops);
      if (ops.isEmpty()) throw new IllegalArgumentException("a transaction needs ops");
    }
  }

  /**
   * Builds the client a lane drives: a closed-loop client process of the protocol that takes its
   * next transaction from {@code workload}, reports to {@code observer}, and numbers its operations
   * from {@code firstSeq} on.
   */
  @FunctionalInterface
  public interface ClientFactory {
    Process create(Env env, TxnWorkload workload, TxnObserver observer, long firstSeq);
  }

  private final Env env;
  private final int lane;
  private final Responder responder;
  private final Class<? extends Timer> nextTimer;
  private final Process client;
  private Timer parked;
  private List<MicroOp> next;
  private long requestId = -1;

  public TxnLane(Env env, int lane, TxnClient.Config config, Responder responder) {
    this(
        env,
        lane,
        responder,
        TxnTimer.ClientNext.class,
        (e, workload, observer, firstSeq) ->
            new TxnClient(e, config, workload, observer, TxnProbe.NONE, firstSeq));
  }

  /**
   * A lane around another protocol's client (a saga client), which between operations sets a timer
   * of class {@code nextTimer} for its next one: that timer is parked, as {@link TxnClient}'s is.
   */
  public TxnLane(
      Env env,
      int lane,
      Responder responder,
      Class<? extends Timer> nextTimer,
      ClientFactory factory) {
    this.env = env;
    this.lane = lane;
    this.responder = responder;
    this.nextTimer = nextTimer;
    long firstSeq = Math.max(0, env.localClockNanos() / 1_000);
    this.client =
        factory.create(
            new LaneEnv(),
            random -> {
              List<MicroOp> ops = next;
              next = null;
              return ops;
            },
            new Observer(),
            firstSeq);
  }

  @Override
  public void onStart() {
    responder.started(lane);
    client.onStart();
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof Run r) {
      onRun(r);
    } else {
      client.onMessage(from, message);
    }
  }

  private void onRun(Run r) {
    if (requestId >= 0 || parked == null) {
      // The gateway hands a lane one request at a time, after it reported the last one done.
      throw new IllegalStateException(
          "lane " + lane + " got request " + r.requestId() + " while busy with " + requestId);
    }
    requestId = r.requestId();
    next = r.ops();
    Timer t = parked;
    parked = null;
    client.onTimer(t);
    if (next != null)
      throw new IllegalStateException("lane " + lane + ": the client did not take the request");
  }

  @Override
  public void onTimer(Timer timer) {
    client.onTimer(timer);
  }

  @Override
  public void checkInvariants() {
    client.checkInvariants();
    if ((requestId < 0) != (parked != null)) {
      throw new IllegalStateException(
          "lane "
              + lane
              + ": request "
              + requestId
              + " but the client's next timer "
              + (parked == null ? "is not" : "is")
              + " parked");
    }
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

  /** The client's environment: the lane's, except that the next-transaction timer is parked. */
  private final class LaneEnv extends ForwardingEnv {
    LaneEnv() {
      super(env);
    }

    @Override
    public void setTimer(long delayNanos, Timer timer) {
      if (nextTimer.isInstance(timer)) parked = timer;
      else super.setTimer(delayNanos, timer);
    }
  }
}
