package dev.txlab.scenarios.workload;

import dev.txlab.checker.history.Keyword;
import dev.txlab.node.api.RandomSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.LongToIntFunction;

/**
 * The workload of the "causal reverse": two writers on disjoint keys and a reader of both, as in
 * the anomaly CockroachDB documents for transactions that touch no common key. Each client has one
 * role, by its index modulo 3:
 *
 * <ol start=0>
 *   <li>a <em>reader</em>: one long read-only transaction — {@code [:r x]}, then reads of keys
 *       nobody writes, then {@code [:r y]} ({@code txnLength} reads in all), so the transaction is
 *       still open while writers commit;
 *   <li>the <em>first writer</em>: {@code [[:append x v]]};
 *   <li>the <em>second writer</em>: {@code [[:append y v]]}.
 * </ol>
 *
 * <p>{@code x} and the filler keys live on one shard, {@code y} on another, so the writers never
 * conflict and the reader visits {@code y}'s shard last. A strictly serializable store never lets
 * the reader see a second writer's append that began after a first writer's append finished while
 * missing that first append; one that orders transactions by clocks that disagree can. The pair
 * {@code (x, y)} is replaced by a fresh one after the first writer's {@code writesPerKey} appends,
 * which keeps each key's list short.
 *
 * <p>Deterministic: no randomness is needed — which transaction runs when is the protocol's doing.
 * Not thread safe (one simulator thread drives all clients; live clients share the driver's lock).
 */
final class CausalReverseGenerator implements TxnSource {
  private static final Keyword APPEND = Keyword.of("append");

  private final LongToIntFunction shardOf;
  private final int shards;
  private final int readLength;
  private final int writesPerKey;
  private final List<Long> fillers = new ArrayList<>();
  private long nextKey;
  private long x;
  private long y;
  private long xWrites;
  private long yWrites;
  private boolean stopped;

  /**
   * @param shardOf the shard index of a (relative) key
   * @param shards how many shards there are; with one, every key is on it and the writers' keys are
   *     merely different
   * @param readLength the reader's reads (at least 2: {@code x} and {@code y})
   * @param writesPerKey appends to {@code x} before a fresh pair is taken
   */
  CausalReverseGenerator(LongToIntFunction shardOf, int shards, int readLength, int writesPerKey) {
    if (shards < 1 || readLength < 2 || writesPerKey < 1) {
      throw new IllegalArgumentException("need shards >= 1, readLength >= 2, writesPerKey >= 1");
    }
    this.shardOf = shardOf;
    this.shards = shards;
    this.readLength = readLength;
    this.writesPerKey = writesPerKey;
    freshPair();
    for (int i = 0; i < readLength - 2; i++) {
      fillers.add(keyOn(shardOf.applyAsInt(x)));
    }
  }

  /** The next unused key on shard {@code shard}. */
  private long keyOn(int shard) {
    // FNV-1a spreads decimal keys evenly over the shards: a few tries per shard find one.
    for (long tries = 0; tries < 1_000_000; tries++) {
      long k = nextKey++;
      if (shardOf.applyAsInt(k) == shard) {
        return k;
      }
    }
    throw new IllegalStateException("no key found on shard " + shard);
  }

  private void freshPair() {
    x = keyOn(0);
    y = keyOn(shards > 1 ? 1 : 0);
    xWrites = 0;
    yWrites = 0;
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
    switch (client % 3) {
      case 0:
        {
          List<Object> txn = new ArrayList<>(readLength);
          txn.add(read(x));
          for (long f : fillers) {
            txn.add(read(f));
          }
          txn.add(read(y));
          return Collections.unmodifiableList(txn);
        }
      case 1:
        {
          List<Object> txn = List.of(List.of(APPEND, x, ++xWrites));
          if (xWrites >= writesPerKey) {
            freshPair();
          }
          return txn;
        }
      default:
        return List.of(List.of(APPEND, y, ++yWrites));
    }
  }

  private static List<Object> read(long key) {
    return Collections.unmodifiableList(Arrays.asList(TxnGenerator.READ, key, null));
  }
}
