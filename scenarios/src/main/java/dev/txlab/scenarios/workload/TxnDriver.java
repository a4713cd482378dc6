package dev.txlab.scenarios.workload;

import dev.txlab.checker.history.Keyword;
import dev.txlab.checker.history.Op;
import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.coordinator.txn.TxnWorkload;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The driver of the transactional workloads — {@code list-append} and {@code rw-register} (Elle's
 * key rotation, {@link TxnGenerator}) and {@code bank} (transfers between list-append ledgers,
 * {@link BankGenerator}) — recorded by a {@link TxnHistoryRecorder}. It turns the generator's
 * Jepsen transactions into the protocol's {@link MicroOp}s, with keys from the run's key base on.
 */
public final class TxnDriver implements WorkloadDriver {
  private final Spec spec;
  private final TxnSource source;
  private final long keyBase;
  private final boolean listReads;
  private final TxnHistoryRecorder recorder;

  TxnDriver(Spec spec, TxnSource source, long keyBase, TxnHistoryRecorder recorder) {
    this.spec = spec;
    this.source = source;
    this.keyBase = keyBase;
    this.listReads = spec.checkerWorkload().equals("list-append");
    this.recorder = recorder;
  }

  /**
   * Client {@code client}'s transactions (clients numbered from 0; each draws from its own random
   * source; they share the generator, so keys rotate and written values stay unique across
   * clients); null once stopped.
   */
  public TxnWorkload operations(int client) {
    return random -> {
      List<Object> txn = source.next(client, random);
      return txn == null ? null : toMicroOps(txn);
    };
  }

  /**
   * Where a client reports each invocation and completion: the recorder itself, so a simulated
   * client process records straight into the history.
   */
  public TxnObserver observer() {
    return recorder;
  }

  /**
   * The generator's micro-ops as the protocol's: keys (offset by the key base) and values as
   * decimal text; a read is a list read in a list-append history and a register read otherwise.
   */
  private List<MicroOp> toMicroOps(List<Object> jepsen) {
    List<MicroOp> out = new ArrayList<>(jepsen.size());
    for (Object o : jepsen) {
      List<?> m = (List<?>) o;
      String f = ((Keyword) m.get(0)).name();
      String key = Long.toString(keyBase + (Long) m.get(1));
      switch (f) {
        case "append" -> out.add(MicroOp.append(key, (Long) m.get(2)));
        case "w" -> out.add(MicroOp.write(key, (Long) m.get(2)));
        default -> out.add(listReads ? MicroOp.readList(key) : MicroOp.read(key));
      }
    }
    return out;
  }

  @Override
  public <R> R match(Function<RegisterDriver, R> register, Function<TxnDriver, R> transactions) {
    return transactions.apply(this);
  }

  @Override
  public Spec spec() {
    return spec;
  }

  @Override
  public void stop() {
    source.stop();
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
  public java.util.Map<Long, String> notes() {
    return recorder.notes();
  }

  @Override
  public Tally tally() {
    return new Tally(recorder.okTxns(), recorder.failTxns(), recorder.infoTxns());
  }

  @Override
  public long okAfter(long nanos) {
    return recorder.okAfter(nanos);
  }
}
