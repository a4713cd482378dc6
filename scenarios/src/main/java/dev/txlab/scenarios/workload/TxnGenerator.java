package dev.txlab.scenarios.workload;

import dev.txlab.checker.history.Keyword;
import dev.txlab.node.api.RandomSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Generates transactions for the transactional workloads, as Jepsen writes them in a history: a
 * list of micro-ops {@code [:append k v]} / {@code [:r k nil]} (list-append) or {@code [:w k v]} /
 * {@code [:r k nil]} (rw-register). Keys are integers; values written to a key are unique (1, 2, 3,
 * … per key), which is what lets the checker tell versions apart.
 *
 * <p>Keys rotate as Elle's generators do: a pool of {@code activeKeys} keys is in use at a time,
 * and a key that has received {@code writesPerKeyMax} writes is retired for a fresh one. Short
 * per-key histories keep version orders small and cycles findable; rotation keeps every key busy.
 *
 * <p>Deterministic: everything random comes from the source handed to {@link #next}. Not thread
 * safe (one simulator thread drives all clients).
 */
public final class TxnGenerator implements TxnSource {
  /** Which workload's micro-ops to generate. */
  public enum Kind {
    LIST_APPEND("append"),
    RW_REGISTER("w");

    final Keyword write;

    Kind(String write) {
      this.write = Keyword.of(write);
    }
  }

  static final Keyword READ = Keyword.of("r");

  private final Kind kind;
  private final int activeKeys;
  private final int writesPerKeyMax;
  private final int txnLengthMin;
  private final int txnLengthMax;
  private final double readFraction;
  private final List<Long> active = new ArrayList<>();
  private final List<Long> writes = new ArrayList<>();
  private long nextKey;
  private boolean stopped;

  public TxnGenerator(
      Kind kind,
      int activeKeys,
      int writesPerKeyMax,
      int txnLengthMin,
      int txnLengthMax,
      double readFraction) {
    if (activeKeys < 1
        || writesPerKeyMax < 1
        || txnLengthMin < 1
        || txnLengthMax < txnLengthMin
        || !(readFraction >= 0 && readFraction <= 1)) {
      throw new IllegalArgumentException(
          "need activeKeys, writesPerKeyMax, 1 <= txnLengthMin <= txnLengthMax, readFraction in [0, 1]");
    }
    this.kind = kind;
    this.activeKeys = activeKeys;
    this.writesPerKeyMax = writesPerKeyMax;
    this.txnLengthMin = txnLengthMin;
    this.txnLengthMax = txnLengthMax;
    this.readFraction = readFraction;
    for (int i = 0; i < activeKeys; i++) {
      addKey();
    }
  }

  /** Elle's usual shape: 5 active keys, at most 32 writes each, 1–4 micro-ops, half reads. */
  public static TxnGenerator standard(Kind kind) {
    return new TxnGenerator(kind, 5, 32, 1, 4, 0.5);
  }

  private void addKey() {
    active.add(nextKey++);
    writes.add(0L);
  }

  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public List<Object> next(int client, RandomSource random) {
    if (stopped) {
      return null;
    }
    int length = txnLengthMin + random.nextInt(txnLengthMax - txnLengthMin + 1);
    List<Object> txn = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      int slot = random.nextInt(active.size());
      long key = active.get(slot);
      if (random.chance(readFraction)) {
        txn.add(Collections.unmodifiableList(Arrays.asList(READ, key, null)));
        continue;
      }
      long value = writes.get(slot) + 1;
      writes.set(slot, value);
      txn.add(List.of(kind.write, key, value));
      if (value >= writesPerKeyMax) {
        // Retire the key; a fresh one takes its slot.
        active.set(slot, nextKey++);
        writes.set(slot, 0L);
      }
    }
    return Collections.unmodifiableList(txn);
  }

  public Kind kind() {
    return kind;
  }

  public int activeKeys() {
    return activeKeys;
  }
}
