package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client of the {@code saga} protocol, a closed loop. A flow goes to the orchestrator (every
 * replica; its leader answers) and is recorded as one transaction whose result is what took effect
 * — the forward steps and, for a compensated saga, the compensations — so a read that saw a charge
 * later refunded read an intermediate state of it (Elle's G1b). A report reads each service it
 * needs directly, one local read per service: nothing makes the reads one snapshot, and nothing
 * hides a saga in flight from them unless the services refuse to read flagged keys ({@code
 * semantic-lock}: the report fails and the client moves on). No answer within the timeout is {@code
 * :info} for a flow (it may still run) and {@code :fail} for a report (a read changes nothing).
 */
public final class SagaClient implements Process {
  public record Config(
      List<Address> orchestrators,
      Map<SagaKeys.Service, List<Address>> services,
      long thinkNanosMean,
      long timeoutNanos) {
    public Config {
      orchestrators = List.copyOf(orchestrators);
      services = Map.copyOf(services);
      if (orchestrators.isEmpty() || timeoutNanos <= 0)
        throw new IllegalArgumentException("bad client config");
    }
  }

  /** A request unanswered this long is sent again, until the client's patience runs out. */
  static final long RESEND_NANOS = 500_000_000L;

  private final Env env;
  private final Config config;
  private final TxnWorkload workload;
  private final TxnObserver observer;
  private final String name;
  private long seq;
  private List<MicroOp> ops;
  private boolean waiting;
  private boolean report;
  // A report's reads still unanswered, by service, and the values heard so far, by key.
  private final TreeMap<SagaKeys.Service, List<String>> unread = new TreeMap<>();
  private final TreeMap<String, String> values = new TreeMap<>();

  public SagaClient(Env env, Config config, TxnWorkload workload, TxnObserver observer) {
    this(env, config, workload, observer, 0);
  }

  /**
   * A client whose operations are numbered from {@code firstSeq} on: a live lane rebuilt after a
   * restart starts from its start time, so its sagas' ids ({@code client#seq}) never repeat one the
   * saga log already holds.
   */
  public SagaClient(
      Env env, Config config, TxnWorkload workload, TxnObserver observer, long firstSeq) {
    this.env = env;
    this.config = config;
    this.workload = workload;
    this.observer = observer;
    this.name = env.self().toString();
    this.seq = firstSeq;
  }

  @Override
  public void onStart() {
    scheduleNext();
  }

  private void scheduleNext() {
    long think =
        config.thinkNanosMean() == 0
            ? 1
            : 1 + (long) env.random().exponential(config.thinkNanosMean());
    env.setTimer(think, new SagaTimer.ClientNext(seq));
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof SagaTimer.ClientNext n) {
      if (n.afterSeq() == seq && !waiting) begin();
    } else if (timer instanceof SagaTimer.ClientResend r) {
      if (r.seq() == seq && waiting) {
        send();
        env.setTimer(RESEND_NANOS, new SagaTimer.ClientResend(seq));
      }
    } else if (timer instanceof SagaTimer.ClientTimeout t) {
      if (t.seq() == seq && waiting) {
        finish(report ? Outcome.FAIL : Outcome.INFO, ops, "timeout");
      }
    }
  }

  private void begin() {
    List<MicroOp> next = workload.next(env.random());
    if (next == null) return; // the workload is over
    seq++;
    ops = List.copyOf(next);
    observer.invoked(name, seq, ops);
    report = SagaKeys.isReport(ops);
    if (!report && !SagaKeys.isFlow(ops)) {
      finish(Outcome.FAIL, ops, "not a flow of the saga workload");
      return;
    }
    unread.clear();
    values.clear();
    if (report) {
      for (MicroOp m : ops) {
        unread.computeIfAbsent(SagaKeys.serviceOf(m.key()), s -> new ArrayList<>()).add(m.key());
      }
    }
    waiting = true;
    send();
    env.setTimer(config.timeoutNanos(), new SagaTimer.ClientTimeout(seq));
    env.setTimer(RESEND_NANOS, new SagaTimer.ClientResend(seq));
  }

  private void send() {
    if (!report) {
      for (Address a : config.orchestrators()) env.send(a, new SagaMessage.StartSaga(seq, ops));
      return;
    }
    unread.forEach(
        (service, keys) -> {
          for (Address a : config.services().get(service)) {
            env.send(
                a,
                new SagaMessage.ServiceRequest(
                    name + "#" + seq + "/" + service.label(), new ServiceCommand.Read(keys)));
          }
        });
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (!waiting) return;
    if (message instanceof SagaMessage.SagaDone d && !report && d.seq() == seq) {
      if (d.outcome().equals("rejected")) finish(Outcome.FAIL, ops, "rejected");
      else finish(Outcome.OK, d.effects(), d.outcome());
    } else if (message instanceof SagaMessage.ReadDone d && report) {
      String prefix = name + "#" + seq + "/";
      if (!d.requestId().startsWith(prefix)) return;
      SagaKeys.Service service = serviceNamed(d.requestId().substring(prefix.length()));
      List<String> keys = service == null ? null : unread.get(service);
      if (keys == null) return;
      if (d.result().lockedKey() != null) {
        finish(Outcome.FAIL, ops, "semantic-lock: key " + d.result().lockedKey() + " is pending");
        return;
      }
      for (int i = 0; i < keys.size(); i++) values.put(keys.get(i), d.result().values().get(i));
      unread.remove(service);
      if (unread.isEmpty()) {
        List<MicroOp> out = new ArrayList<>();
        for (MicroOp m : ops) out.add(m.withValue(values.get(m.key())));
        finish(Outcome.OK, out, null);
      }
    }
  }

  private static SagaKeys.Service serviceNamed(String label) {
    for (SagaKeys.Service s : SagaKeys.Service.values()) if (s.label().equals(label)) return s;
    return null;
  }

  private void finish(Outcome outcome, List<MicroOp> results, String cause) {
    waiting = false;
    observer.completed(name, seq, List.copyOf(results), outcome, cause);
    scheduleNext();
  }

  /** The message types a client handles. */
  public static final List<Class<?>> HANDLED =
      List.of(SagaMessage.SagaDone.class, SagaMessage.ReadDone.class);
}
