package dev.txlab.scenarios.workload;

import dev.txlab.checker.history.Keyword;
import dev.txlab.checker.history.Op;
import dev.txlab.checker.history.OpType;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Records what transaction clients observed as a Jepsen list-append or rw-register history: {@code
 * :invoke} with the micro-ops as issued, then {@code :ok} with reads filled in, {@code :fail}
 * (aborted: definitely not applied) or {@code :info} (outcome unknown). As in {@link
 * HistoryRecorder}, a client whose transaction ended in {@code :info} continues as a new process.
 */
public final class TxnHistoryRecorder implements TxnObserver {
  static final Keyword APPEND = Keyword.of("append");
  static final Keyword READ = Keyword.of("r");
  static final Keyword WRITE = Keyword.of("w");

  private final LongSupplier clock;
  private final int clients;
  private final List<Op> events = new ArrayList<>();
  private final TreeMap<String, Integer> processOf = new TreeMap<>();
  private final TreeMap<Long, String> notes = new TreeMap<>();
  private long ok;
  private long fail;
  private long info;

  public TxnHistoryRecorder(LongSupplier clock, List<String> clientIds) {
    this.clock = clock;
    this.clients = clientIds.size();
    for (int i = 0; i < clientIds.size(); i++) {
      processOf.put(clientIds.get(i), i);
    }
  }

  private static String address(String client) {
    int tilde = client.indexOf('~');
    return tilde < 0 ? client : client.substring(0, tilde);
  }

  private int process(String client) {
    Integer p = processOf.get(address(client));
    if (p == null) {
      throw new IllegalStateException("unknown client " + client);
    }
    return p;
  }

  @Override
  public void invoked(String client, long seq, List<MicroOp> txn) {
    add(process(client), OpType.INVOKE, value(txn, false));
  }

  @Override
  public void completed(
      String client, long seq, List<MicroOp> result, Outcome outcome, String cause) {
    int p = process(client);
    switch (outcome) {
      case OK:
        ok++;
        if (cause != null) {
          notes.put((long) events.size(), cause);
        }
        add(p, OpType.OK, value(result, true));
        break;
      case FAIL:
        fail++;
        add(p, OpType.FAIL, value(result, false));
        break;
      default:
        info++;
        add(p, OpType.INFO, value(result, false));
        processOf.put(address(client), p + clients);
    }
  }

  /** A fault event, as Jepsen's nemesis records it. */
  public void nemesis(String f, Object v) {
    // As Jepsen writes a nemesis operation: a pair of :info events with the same :f, the first
    // (its invocation) without a value, the second with what it did, so tools pair them.
    long now = clock.getAsLong();
    events.add(new Op(events.size(), now, Op.NEMESIS, OpType.INFO, f, null));
    events.add(new Op(events.size(), now, Op.NEMESIS, OpType.INFO, f, v));
  }

  private void add(int process, OpType type, Object value) {
    events.add(new Op(events.size(), clock.getAsLong(), process, type, "txn", value));
  }

  /** Micro-ops as Jepsen values; reads carry their results only on an {@code :ok}. */
  static Object value(List<MicroOp> txn, boolean withReads) {
    List<Object> out = new ArrayList<>(txn.size());
    for (MicroOp m : txn) {
      Long key = Long.parseLong(m.key());
      switch (m.kind()) {
        case APPEND:
          out.add(List.of(APPEND, key, Long.parseLong(m.value())));
          break;
        case WRITE:
          out.add(List.of(WRITE, key, Long.parseLong(m.value())));
          break;
        case READ_LIST:
          {
            Object v = null;
            if (withReads) {
              List<Object> elements = new ArrayList<>(m.listValue());
              v = Collections.unmodifiableList(elements);
            }
            out.add(Collections.unmodifiableList(Arrays.asList(READ, key, v)));
            break;
          }
        default:
          {
            Object v = withReads && m.value() != null ? (Object) Long.parseLong(m.value()) : null;
            out.add(Collections.unmodifiableList(Arrays.asList(READ, key, v)));
          }
      }
    }
    return Collections.unmodifiableList(out);
  }

  public List<Op> events() {
    return Collections.unmodifiableList(events);
  }

  /**
   * What the protocol said of committed transactions (their timestamp, the node that served them),
   * by the index of their {@code :ok} event; empty where it says nothing.
   */
  public Map<Long, String> notes() {
    return Collections.unmodifiableMap(notes);
  }

  public long okTxns() {
    return ok;
  }

  public long failTxns() {
    return fail;
  }

  public long infoTxns() {
    return info;
  }

  /** OK completions after time {@code fromNanos}. */
  public long okAfter(long fromNanos) {
    long n = 0;
    for (Op e : events) {
      if (e.type() == OpType.OK && !e.isNemesis() && e.timeNanos() > fromNanos) {
        n++;
      }
    }
    return n;
  }
}
