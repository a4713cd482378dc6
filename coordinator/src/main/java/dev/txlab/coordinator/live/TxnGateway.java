package dev.txlab.coordinator.live;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.live.LiveNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The transaction side of a live node's {@code POST /txn}: hands each request to a free {@link
 * TxnLane} (one transaction per lane at a time) and turns the lane's outcome into the HTTP layer's
 * {@link TxnEndpoint.Result}. With every lane busy a request is refused at once as busy (nothing
 * was sent, so it is definitely not applied).
 *
 * <p>Outcomes keep the client's distinction: a transaction the client saw aborted before it asked
 * for the commit, or refused at prepare, is ABORTED (definitely not applied); one whose decision
 * never came back is UNKNOWN; so is one whose lane restarted under it.
 *
 * <p>Thread-safe: {@link #submit} runs on HTTP threads, the {@link TxnLane.Responder} calls on lane
 * threads; a lane's slot changes hands only through the atomic array.
 */
public final class TxnGateway implements TxnEndpoint, TxnLane.Responder {
  private record Pending(long requestId, Request request, Consumer<Result> done) {}

  private final LiveNode.Injector injector;
  private final AtomicReferenceArray<Pending> busy;
  private final ConcurrentLinkedQueue<Integer> free = new ConcurrentLinkedQueue<>();
  private final AtomicLong nextId = new AtomicLong(1);

  public TxnGateway(LiveNode.Injector injector, int lanes) {
    if (lanes < 1) throw new IllegalArgumentException("a gateway needs lanes");
    this.injector = injector;
    this.busy = new AtomicReferenceArray<>(lanes);
    for (int i = 0; i < lanes; i++) free.add(i);
  }

  /** The component name of lane {@code i}. */
  public static String component(int lane) {
    return "txn-" + lane;
  }

  public int lanes() {
    return busy.length();
  }

  @Override
  public void submit(Request request, Consumer<Result> done) {
    Integer lane = free.poll();
    if (lane == null) {
      done.accept(
          new Result(Status.BUSY, null, "all " + busy.length() + " gateway lanes are busy"));
      return;
    }
    long id = nextId.getAndIncrement();
    Pending p = new Pending(id, request, done);
    busy.set(lane, p);
    if (!injector.inject(component(lane), new TxnLane.Run(id, microOps(request)))) {
      if (busy.compareAndSet(lane, p, null)) {
        free.add(lane);
        done.accept(new Result(Status.BUSY, null, "gateway lane " + lane + " is not running"));
      }
    }
  }

  @Override
  public void started(int lane) {
    Pending p = busy.getAndSet(lane, null);
    if (p != null) {
      free.add(lane);
      p.done().accept(new Result(Status.UNKNOWN, null, "gateway-restarted"));
    }
  }

  @Override
  public void completed(
      int lane, long requestId, Outcome outcome, List<MicroOp> result, String cause) {
    Pending p = busy.get(lane);
    if (p == null || p.requestId() != requestId || !busy.compareAndSet(lane, p, null))
      return; // stale
    free.add(lane);
    p.done()
        .accept(
            switch (outcome) {
              case OK ->
                  aligned(p.request(), result)
                      ? new Result(Status.OK, values(p.request(), result), null)
                      : tookEffect(p.request(), result, cause);
              case FAIL -> new Result(Status.ABORTED, null, cause);
              case INFO -> new Result(Status.UNKNOWN, null, cause);
            });
  }

  /** Whether a lane's result answers the request op by op (the same keys, in the same order). */
  static boolean aligned(Request request, List<MicroOp> result) {
    if (result.size() != request.ops().size()) return false;
    for (int i = 0; i < result.size(); i++) {
      MicroOp m = result.get(i);
      Op asked = request.ops().get(i);
      if (m == null || !m.key().equals(asked.key()) || m.isWrite() == asked.f().equals("r"))
        return false;
    }
    return true;
  }

  /**
   * A request of writes only whose result says what took effect instead (a saga: its steps, and for
   * one turned around, the compensations): the writes' values echoed, and the effects.
   */
  static Result tookEffect(Request request, List<MicroOp> effects, String cause) {
    List<Object> echo = new ArrayList<>();
    for (Op op : request.ops()) {
      if (op.f().equals("r"))
        throw new IllegalStateException(
            "a lane answered a transaction with reads by other ops: " + effects);
      echo.add(op.value());
    }
    for (MicroOp m : effects) {
      if (!m.isWrite())
        throw new IllegalStateException("effects are writes, not " + m + " (" + effects + ")");
    }
    return new Result(Status.OK, echo, cause, effects.isEmpty() ? null : effects);
  }

  static List<MicroOp> microOps(Request request) {
    List<MicroOp> ops = new ArrayList<>();
    for (Op op : request.ops()) {
      switch (op.f()) {
        case "append" -> ops.add(MicroOp.append(op.key(), op.value()));
        case "w" -> ops.add(MicroOp.write(op.key(), op.value()));
        case "r" ->
            ops.add(request.listReads() ? MicroOp.readList(op.key()) : MicroOp.read(op.key()));
        default -> throw new IllegalArgumentException("unknown op " + op.f());
      }
    }
    return ops;
  }

  /**
   * The values to answer, aligned with the request: writes echo their value; a list read is the
   * list of longs (null for a key never written); a register read is a long or null. Stored text
   * that does not parse (a key written by the other workload) is answered as the text.
   */
  static List<Object> values(Request request, List<MicroOp> result) {
    if (result.size() != request.ops().size()) {
      throw new IllegalStateException(
          "client answered " + result.size() + " ops for " + request.ops().size());
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < result.size(); i++) {
      MicroOp m = result.get(i);
      Op asked = request.ops().get(i);
      if (m == null || !m.key().equals(asked.key()))
        throw new IllegalStateException("result " + i + " is " + m + " for " + asked);
      if (m.isWrite()) {
        out.add(asked.value());
      } else if (m.value() == null) {
        out.add(null);
      } else {
        try {
          out.add(
              m.kind() == MicroOp.Kind.READ_LIST
                  ? m.listValue()
                  : (Object) Long.parseLong(m.value()));
        } catch (NumberFormatException e) {
          out.add(m.value());
        }
      }
    }
    return out;
  }
}
