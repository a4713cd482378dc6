package dev.txlab.coordinator.percolator;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.List;

/**
 * A client of the {@code percolator} protocol: a closed loop that hands each transaction to a
 * gateway (one of the server nodes, as a SQL client talks to one node) and records what it hears.
 * No answer within {@code timeoutNanos} is {@code :info} — the transaction may or may not have
 * committed — and the client moves to the next gateway.
 */
public final class PercolatorClient implements Process {
  public record Config(
      List<Address> gateways, int firstGateway, long thinkNanosMean, long timeoutNanos) {
    public Config {
      gateways = List.copyOf(gateways);
      if (gateways.isEmpty() || timeoutNanos <= 0)
        throw new IllegalArgumentException("bad client config");
    }
  }

  private final Env env;
  private final Config config;
  private final TxnWorkload workload;
  private final TxnObserver observer;
  private final String name;
  private int gateway;
  private long seq;
  private List<MicroOp> ops;
  private boolean waiting;

  public PercolatorClient(Env env, Config config, TxnWorkload workload, TxnObserver observer) {
    this.env = env;
    this.config = config;
    this.workload = workload;
    this.observer = observer;
    this.name = env.self().toString();
    this.gateway = config.firstGateway() % config.gateways().size();
  }

  /** A request unanswered this long is sent again, until the client's patience runs out. */
  static final long RESEND_NANOS = 500_000_000L;

  @Override
  public void onStart() {
    scheduleNext();
  }

  private void scheduleNext() {
    long think =
        config.thinkNanosMean() == 0
            ? 1
            : 1 + (long) env.random().exponential(config.thinkNanosMean());
    env.setTimer(think, new PercolatorTimer.ClientNext(seq));
  }

  @Override
  public void onTimer(Timer timer) {
    if (timer instanceof PercolatorTimer.ClientNext n) {
      if (n.afterSeq() == seq && !waiting) begin();
    } else if (timer instanceof PercolatorTimer.ClientResend r) {
      if (r.seq() == seq && waiting) {
        // The request or its answer may have been lost: ask the same gateway again (it answers
        // a request it already finished from memory, and ignores one still running).
        env.send(config.gateways().get(gateway), new PercolatorMessage.RunTxn(seq, ops));
        env.setTimer(RESEND_NANOS, new PercolatorTimer.ClientResend(seq));
      }
    } else if (timer instanceof PercolatorTimer.ClientTimeout t) {
      if (t.seq() == seq && waiting) {
        finish(Outcome.INFO, ops, "gateway-timeout");
        gateway = (gateway + 1) % config.gateways().size();
      }
    }
  }

  private void begin() {
    List<MicroOp> next = workload.next(env.random());
    if (next == null) return; // the workload is over
    seq++;
    ops = List.copyOf(next);
    observer.invoked(name, seq, ops);
    waiting = true;
    env.send(config.gateways().get(gateway), new PercolatorMessage.RunTxn(seq, ops));
    env.setTimer(config.timeoutNanos(), new PercolatorTimer.ClientTimeout(seq));
    env.setTimer(RESEND_NANOS, new PercolatorTimer.ClientResend(seq));
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof PercolatorMessage.TxnDone d && waiting && d.seq() == seq) {
      finish(d.outcome(), d.results(), d.cause());
    }
  }

  private void finish(Outcome outcome, List<MicroOp> results, String cause) {
    waiting = false;
    observer.completed(name, seq, List.copyOf(results), outcome, cause);
    scheduleNext();
  }

  /** The message types a client handles. */
  public static final List<Class<?>> HANDLED = List.of(PercolatorMessage.TxnDone.class);
}
