package dev.txlab.scenarios.workload;

import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvOp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Records what clients observed as a Jepsen history with the host's times: an {@code :invoke} when
 * a client issues an operation, then {@code :ok}, {@code :fail} (a compare-and-set that found
 * another value: definitely did not happen) or {@code :info} (timed out: may or may not have
 * happened). A client whose operation ended in {@code :info} continues under a new process number
 * ({@code old + clients}), because Jepsen never reuses a process whose last operation is in doubt.
 * Fault events are recorded as {@code :nemesis :info} operations.
 */
public final class HistoryRecorder implements ClientObserver {
  private final LongSupplier clock;
  private final int clients;
  private final List<Op> events = new ArrayList<>();
  private final TreeMap<String, Integer> processOf = new TreeMap<>();
  private long okOps;
  private long failOps;
  private long infoOps;

  /**
   * @param clock the host's time now (virtual on the simulator), in nanoseconds
   * @param clientIds the clients' ids in order; client {@code i} starts as process {@code i}
   */
  public HistoryRecorder(LongSupplier clock, List<String> clientIds) {
    this.clock = clock;
    this.clients = clientIds.size();
    for (int i = 0; i < clientIds.size(); i++) {
      processOf.put(clientIds.get(i), i);
    }
  }

  @Override
  public void invoked(String clientId, long seq, KvOp op) {
    add(process(clientId), OpType.INVOKE, f(op), value(op, null, false));
  }

  @Override
  public void completed(String clientId, long seq, KvOp op, Outcome outcome, String value) {
    int p = process(clientId);
    switch (outcome) {
      case OK:
        okOps++;
        add(p, OpType.OK, f(op), value(op, value, true));
        break;
      case FAIL:
        failOps++;
        add(p, OpType.FAIL, f(op), value(op, null, false));
        break;
      default:
        infoOps++;
        add(p, OpType.INFO, f(op), value(op, null, false));
        int tilde = clientId.indexOf('~');
        processOf.put(tilde < 0 ? clientId : clientId.substring(0, tilde), p + clients);
    }
  }

  /** A fault event, as Jepsen's nemesis records it. */
  public void nemesis(String f, Object value) {
    // As Jepsen writes a nemesis operation: a pair of :info events with the same :f, the first
    // (its invocation) without a value, the second with what it did, so tools pair them.
    add(Op.NEMESIS, OpType.INFO, f, null);
    add(Op.NEMESIS, OpType.INFO, f, value);
  }

  /**
   * The process a client's operations are recorded under. A client's session id is its address plus
   * an incarnation suffix ({@code c3/client~1f2e}); the address names the client.
   */
  private int process(String clientId) {
    int tilde = clientId.indexOf('~');
    Integer p = processOf.get(tilde < 0 ? clientId : clientId.substring(0, tilde));
    if (p == null) {
      throw new IllegalStateException("unknown client " + clientId);
    }
    return p;
  }

  private void add(int process, OpType type, String f, Object value) {
    events.add(new Op(events.size(), clock.getAsLong(), process, type, f, value));
  }

  private static String f(KvOp op) {
    if (op instanceof KvOp.Get) {
      return "read";
    } else if (op instanceof KvOp.Put) {
      return "write";
    } else if (op instanceof KvOp.Cas) {
      return "cas";
    } else if (op instanceof KvOp.Timestamp) {
      return "ts";
    }
    throw new IllegalStateException("the register workload does not issue " + op);
  }

  /** The {@code [key value]} tuple of an operation; a completed read carries what it saw. */
  private static Object value(KvOp op, String observed, boolean completedOk) {
    Long key = Long.parseLong(op.key());
    Object v;
    if (op instanceof KvOp.Get || op instanceof KvOp.Timestamp) {
      v = completedOk && observed != null ? (Object) Long.parseLong(observed) : null;
    } else if (op instanceof KvOp.Put) {
      v = Long.parseLong(((KvOp.Put) op).value());
    } else {
      KvOp.Cas c = (KvOp.Cas) op;
      v = List.of(Long.parseLong(c.expected()), Long.parseLong(c.value()));
    }
    return Collections.unmodifiableList(java.util.Arrays.asList(key, v));
  }

  public List<Op> events() {
    return Collections.unmodifiableList(events);
  }

  public long okOps() {
    return okOps;
  }

  public long failOps() {
    return failOps;
  }

  public long infoOps() {
    return infoOps;
  }

  /** OK completions after time {@code fromNanos}. */
  public long okOpsAfter(long fromNanos) {
    long n = 0;
    for (Op e : events) {
      if (e.type() == OpType.OK && e.timeNanos() > fromNanos && !e.isNemesis()) {
        n++;
      }
    }
    return n;
  }
}
