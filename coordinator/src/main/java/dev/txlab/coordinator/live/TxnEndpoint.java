package dev.txlab.coordinator.live;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * What answers {@code POST /txn} on a live node. The HTTP layer (here, in the live host) parses and
 * validates the request and keeps the at-most-once table; the transaction itself is run by a module
 * that does not see Vert.x (the coordinator's txn gateway), through this interface.
 *
 * <p>Micro-ops are those of Jepsen's list-append and rw-register workloads: {@code append k v},
 * {@code r k} and {@code w k v}, with integer values. A transaction reads lists ({@link
 * Request#listReads}) or registers, never both.
 */
public interface TxnEndpoint {
  /**
   * One micro-op: {@code f} is {@code append}, {@code r} or {@code w}; {@code value} is null for
   * reads.
   */
  record Op(String f, String key, Long value) {
    public Op {
      if (!List.of("append", "r", "w").contains(f) || key == null || key.isEmpty())
        throw new IllegalArgumentException("bad op " + f + " " + key);
      if (f.equals("r") != (value == null))
        throw new IllegalArgumentException("writes carry a value, reads none: " + f);
    }
  }

  /** A transaction from client {@code client}, its {@code seq}-th request (the dedup key). */
  record Request(String client, long seq, List<Op> ops, boolean listReads) {
    public Request {
      ops = List.copyOf(ops);
      if (client == null || client.isEmpty() || seq < 0 || ops.isEmpty())
        throw new IllegalArgumentException("bad txn request");
    }
  }

  /**
   * OK: committed (or a read-only transaction that read); ABORTED: definitely not applied; UNKNOWN:
   * may or may not have been applied; BUSY: refused before anything was sent (not applied).
   */
  enum Status {
    OK,
    ABORTED,
    UNKNOWN,
    BUSY
  }

  /**
   * @param values aligned with the request's ops when OK: a write's value, a list read's {@code
   *     List<Long>} (null for a key never written), a register read's {@code Long} or null
   * @param effects when OK and what took effect is not what was asked (a saga's compensations, or
   *     its steps in another order): the writes that took effect, in order; empty otherwise
   */
  record Result(
      Status status,
      List<Object> values,
      String cause,
      List<dev.txlab.coordinator.txn.MicroOp> effects) {
    public Result {
      values = values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
      effects = effects == null ? List.of() : List.copyOf(effects);
      if (status == null) throw new IllegalArgumentException("result needs a status");
      if (!effects.isEmpty() && status != Status.OK)
        throw new IllegalArgumentException("only a result that is ok has effects");
    }

    public Result(Status status, List<Object> values, String cause) {
      this(status, values, cause, List.of());
    }
  }

  /**
   * Runs the transaction; {@code done} is called exactly once, on any thread, and must not block.
   */
  void submit(Request request, Consumer<Result> done);
}
