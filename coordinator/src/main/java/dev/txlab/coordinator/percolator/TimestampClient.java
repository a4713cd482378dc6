package dev.txlab.coordinator.percolator;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.ClientObserver.Outcome;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.kv.KvWorkload;
import java.util.List;

/**
 * A client of the {@code tso} workload: a closed loop asking a gateway for one timestamp at a time
 * ({@link KvOp.Timestamp}) and recording what it got — the history the oracle's check reads. No
 * answer within {@code timeoutNanos} is {@code :info} (a timestamp may have been handed out and
 * lost), and the client moves to the next gateway.
 */
public final class TimestampClient implements Process {
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
  private final KvWorkload workload;
  private final ClientObserver observer;
  private final String name;
  private int gateway;
  private long seq;
  private KvOp op;
  private boolean waiting;

  public TimestampClient(Env env, Config config, KvWorkload workload, ClientObserver observer) {
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
        env.send(config.gateways().get(gateway), new PercolatorMessage.GetTimestamp(seq));
        env.setTimer(RESEND_NANOS, new PercolatorTimer.ClientResend(seq));
      }
    } else if (timer instanceof PercolatorTimer.ClientTimeout t) {
      if (t.seq() == seq && waiting) {
        waiting = false;
        observer.completed(name, seq, op, Outcome.INFO, null);
        gateway = (gateway + 1) % config.gateways().size();
        scheduleNext();
      }
    }
  }

  private void begin() {
    KvOp next = workload.next(env.random());
    if (next == null) return; // the workload is over
    if (!(next instanceof KvOp.Timestamp))
      throw new IllegalStateException("a timestamp client issues timestamps, not " + next);
    seq++;
    op = next;
    observer.invoked(name, seq, op);
    waiting = true;
    env.send(config.gateways().get(gateway), new PercolatorMessage.GetTimestamp(seq));
    env.setTimer(config.timeoutNanos(), new PercolatorTimer.ClientTimeout(seq));
    env.setTimer(RESEND_NANOS, new PercolatorTimer.ClientResend(seq));
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof PercolatorMessage.TimestampDone d && waiting && d.seq() == seq) {
      waiting = false;
      observer.completed(name, seq, op, Outcome.OK, Long.toString(d.ts()));
      scheduleNext();
    }
  }

  /** The message types a timestamp client handles. */
  public static final List<Class<?>> HANDLED = List.of(PercolatorMessage.TimestampDone.class);
}
