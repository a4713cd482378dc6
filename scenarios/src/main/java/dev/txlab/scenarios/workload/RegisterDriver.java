package dev.txlab.scenarios.workload;

import dev.txlab.checker.history.Op;
import dev.txlab.node.kv.ClientObserver;
import dev.txlab.node.kv.KvWorkload;
import java.util.List;
import java.util.function.Function;

/**
 * The driver of the single-key workloads, recorded by a {@link HistoryRecorder}: {@code register}
 * (reads, writes and compare-and-sets from {@link RegisterWorkload}) and {@code tso} (timestamps
 * from a protocol's oracle, {@link TimestampWorkload}).
 */
public final class RegisterDriver implements WorkloadDriver {
  private final Spec spec;
  private final KvWorkload workload;
  private final Runnable stop;
  private final HistoryRecorder recorder;

  RegisterDriver(Spec spec, RegisterWorkload workload, HistoryRecorder recorder) {
    this(spec, workload, workload::stop, recorder);
  }

  RegisterDriver(Spec spec, TimestampWorkload workload, HistoryRecorder recorder) {
    this(spec, workload, workload::stop, recorder);
  }

  private RegisterDriver(Spec spec, KvWorkload workload, Runnable stop, HistoryRecorder recorder) {
    this.spec = spec;
    this.workload = workload;
    this.stop = stop;
    this.recorder = recorder;
  }

  /** Every client's operations (each draws from its own random source); null once stopped. */
  public KvWorkload operations() {
    return workload;
  }

  /**
   * Where a client reports each invocation and completion: the recorder itself, so a simulated
   * client process records straight into the history.
   */
  public ClientObserver observer() {
    return recorder;
  }

  @Override
  public <R> R match(Function<RegisterDriver, R> register, Function<TxnDriver, R> transactions) {
    return register.apply(this);
  }

  @Override
  public Spec spec() {
    return spec;
  }

  @Override
  public void stop() {
    stop.run();
  }

  @Override
  public void nemesis(String f, Object value) {
    recorder.nemesis(f, value);
  }

  @Override
  public List<Op> events() {
    return recorder.events();
  }

  @Override
  public Tally tally() {
    return new Tally(recorder.okOps(), recorder.failOps(), recorder.infoOps());
  }

  @Override
  public long okAfter(long nanos) {
    return recorder.okOpsAfter(nanos);
  }
}
