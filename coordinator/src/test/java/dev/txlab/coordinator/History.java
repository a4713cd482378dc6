package dev.txlab.coordinator;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.coordinator.txn.TxnObserver;
import dev.txlab.node.kv.ClientObserver.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Records completed transactions for the oracle checks (and a digest line per event). */
final class History implements TxnObserver {
  record Done(
      String client,
      long seq,
      List<MicroOp> ops,
      Outcome outcome,
      String cause,
      long invokedNanos,
      long completedNanos) {}

  final List<Done> done = new ArrayList<>();
  final TreeMap<String, Long> open = new TreeMap<>();
  private final TreeMap<String, Long> invokedAt = new TreeMap<>();
  private java.util.function.LongSupplier clock = () -> 0;

  /** Time-stamps events with the simulator's true time. */
  History timedBy(java.util.function.LongSupplier c) {
    this.clock = c;
    return this;
  }

  @Override
  public void invoked(String client, long seq, List<MicroOp> txn) {
    open.put(client, seq);
    invokedAt.put(client, clock.getAsLong());
  }

  @Override
  public void completed(
      String client, long seq, List<MicroOp> result, Outcome outcome, String cause) {
    open.remove(client);
    done.add(
        new Done(client, seq, result, outcome, cause, invokedAt.remove(client), clock.getAsLong()));
  }

  long count(Outcome o) {
    return done.stream().filter(d -> d.outcome() == o).count();
  }
}
