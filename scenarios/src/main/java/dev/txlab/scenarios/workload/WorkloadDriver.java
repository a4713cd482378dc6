package dev.txlab.scenarios.workload;

import dev.txlab.checker.history.Op;
import dev.txlab.node.kv.ShardMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One run's workload, the same on both hosts: it picks the operation generator for the workload's
 * name, produces each client's next operation, records what clients observed into one Jepsen
 * history (with nemesis events), and counts the outcomes. A host adapter only moves operations: the
 * simulator hands {@link RegisterDriver#operations} and {@link RegisterDriver#observer} (or {@link
 * TxnDriver}'s) to its client processes; the live host turns each operation into an HTTP request
 * and its reply into an outcome it reports to the observer. So a workload means the same on both
 * hosts because there is only one of it.
 *
 * <p>Two shapes of operation, one implementation each: single-key operations ({@code register},
 * {@code tso}: {@link RegisterDriver}) and transactions ({@code list-append}, {@code rw-register},
 * {@code bank}, {@code causal-reverse}: {@link TxnDriver}). {@link #match} hands a host the shape
 * it has to serve.
 *
 * <p>Not thread safe: one simulator thread drives every client; live client threads share a lock.
 */
public sealed interface WorkloadDriver permits RegisterDriver, TxnDriver {
  /** The workloads there are, by name. */
  List<String> NAMES =
      List.of("register", "list-append", "rw-register", "bank", "causal-reverse", "tso", "saga");

  /**
   * What a driver needs of a workload's settings, whichever host's settings they come from (a
   * scenario's {@code workload:} or the live command's flags).
   *
   * @param name one of {@link #NAMES}
   * @param keysPerShard register: how many keys of each shard the clients use
   * @param activeKeys transactions: how many keys are in use at a time (Elle's key rotation)
   * @param writesPerKey transactions: a key is retired after this many writes (causal-reverse: the
   *     pair of keys, after this many appends to the first)
   * @param txnLengthMax transactions: at most this many micro-ops each (causal-reverse: the
   *     reader's reads)
   * @param accounts bank: how many accounts
   */
  record Spec(
      String name,
      int keysPerShard,
      int activeKeys,
      int writesPerKey,
      int txnLengthMax,
      int accounts) {
    public Spec {
      if (!NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown workload " + name);
      }
    }

    /** Whether clients issue transactions (or single-key operations). */
    public boolean transactional() {
      return !name.equals("register") && !name.equals("tso");
    }

    /** Whether clients ask a protocol's timestamp oracle (single-key operations on it). */
    public boolean timestamps() {
      return name.equals("tso");
    }

    public boolean bank() {
      return name.equals("bank");
    }

    /**
     * The checker's workload for the history: the register's is a compare-and-set register's; bank
     * ledgers are list-append keys.
     */
    public String checkerWorkload() {
      return WorkloadDriver.checkerWorkload(name);
    }
  }

  /**
   * The checker's workload for a history of workload {@code name}: a register's is a
   * compare-and-set register's; bank and causal-reverse histories are list-append ones; the others
   * are their own.
   */
  static String checkerWorkload(String name) {
    return switch (name) {
      case "register" -> "cas-register";
      case "bank", "causal-reverse", "saga" -> "list-append";
      default -> name;
    };
  }

  /** How many operations (or transactions) completed, by outcome. */
  record Tally(long ok, long fail, long info) {
    public long total() {
      return ok + fail + info;
    }
  }

  /**
   * The driver for {@code spec}'s workload: the one place a workload's name picks its generator and
   * recorder.
   *
   * @param shards where keys live: the register workload uses {@code keysPerShard} keys of each
   *     shard
   * @param keyBase the lowest key: 0 on the simulator; a live run starts from a fresh number, so it
   *     never reads values an earlier run left in the cluster as its own
   * @param clock the host's time now, in nanoseconds since the run started
   * @param clientIds the clients' ids in order; client {@code i} is recorded as process {@code i}
   */
  static WorkloadDriver create(
      Spec spec, ShardMap shards, long keyBase, LongSupplier clock, List<String> clientIds) {
    return switch (spec.name()) {
      case "register" ->
          new RegisterDriver(
              spec,
              new RegisterWorkload(RegisterWorkload.keysFor(shards, spec.keysPerShard(), keyBase)),
              new HistoryRecorder(clock, clientIds));
      case "tso" ->
          new RegisterDriver(spec, new TimestampWorkload(), new HistoryRecorder(clock, clientIds));
      case "bank" ->
          new TxnDriver(
              spec,
              new BankGenerator(spec.accounts(), 0.5),
              keyBase,
              new TxnHistoryRecorder(clock, clientIds));
      case "saga" ->
          // The flow's keys are offsets within a block, from a base that is a block's multiple.
          new TxnDriver(
              spec,
              new SagaFlowGenerator(0.3),
              dev.txlab.coordinator.saga.SagaKeys.base(keyBase),
              new TxnHistoryRecorder(clock, clientIds));
      case "causal-reverse" ->
          new TxnDriver(
              spec,
              new CausalReverseGenerator(
                  k -> shards.shardOf(Long.toString(keyBase + k)).index(),
                  shards.shards(),
                  spec.txnLengthMax(),
                  spec.writesPerKey()),
              keyBase,
              new TxnHistoryRecorder(clock, clientIds));
      default ->
          new TxnDriver(
              spec,
              new TxnGenerator(
                  spec.name().equals("list-append")
                      ? TxnGenerator.Kind.LIST_APPEND
                      : TxnGenerator.Kind.RW_REGISTER,
                  spec.activeKeys(),
                  spec.writesPerKey(),
                  1,
                  spec.txnLengthMax(),
                  0.5),
              keyBase,
              new TxnHistoryRecorder(clock, clientIds));
    };
  }

  /**
   * Hands this driver to the function for its shape: a host serves both, and the two functions make
   * it say how.
   */
  <R> R match(Function<RegisterDriver, R> register, Function<TxnDriver, R> transactions);

  Spec spec();

  /** The checker's workload for the history ({@link Spec#checkerWorkload}). */
  default String checkerWorkload() {
    return spec().checkerWorkload();
  }

  /** What the counts count: {@code ops} or {@code txns}. */
  default String unit() {
    return spec().transactional() ? "txns" : "ops";
  }

  /** Clients start no new operation from now on: the next one asked for is null. */
  void stop();

  /** Records a nemesis operation in the history, at the host's time now. */
  void nemesis(String f, Object value);

  /** The recorded history, in order. */
  List<Op> events();

  /**
   * What the protocol said of committed operations that the history cannot hold (a commit
   * timestamp, the node that served it), by the index of their completion event.
   */
  default Map<Long, String> notes() {
    return Map.of();
  }

  /** The completions so far, by outcome. */
  Tally tally();

  /** Operations (or transactions) that succeeded after {@code nanos}. */
  long okAfter(long nanos);

  /**
   * The workload's counts: {@code ops}, {@code ops_ok}, {@code ops_fail}, {@code ops_info} and
   * {@code ops_ok_after_heal} (or the same for {@code txns}).
   */
  default Map<String, Double> counts(long healAtNanos) {
    Tally t = tally();
    String unit = unit();
    Map<String, Double> m = new TreeMap<>();
    m.put(unit, (double) t.total());
    m.put(unit + "_ok", (double) t.ok());
    m.put(unit + "_fail", (double) t.fail());
    m.put(unit + "_info", (double) t.info());
    m.put(unit + "_ok_after_heal", (double) okAfter(healAtNanos));
    return m;
  }
}
