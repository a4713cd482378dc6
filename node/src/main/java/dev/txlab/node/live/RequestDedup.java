package dev.txlab.node.live;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP layer's at-most-once table: a client that retries a request with the same client id and
 * sequence number gets the first request's answer — or waits for it while it is in flight — and the
 * request is not run again. Entries expire and the table is bounded (a Caffeine cache), so it
 * cannot grow without limit; a retry after an entry expired or was evicted runs again, which is why
 * the bounds are generous compared with any client's retry window.
 *
 * <p>An answer that says nothing was done ({@code busy}) is forgotten at once, so a retry runs. A
 * request that reuses a (client, seq) for something else is refused, not run.
 */
public final class RequestDedup {
  /** An HTTP answer: status code and JSON body. */
  public record Reply(int status, String body) {}

  /**
   * The table's entry: what the request was (to catch reuse) and its answer, maybe still pending.
   */
  public record Entry(String fingerprint, CompletableFuture<Reply> reply) {}

  /** What {@link #claim} found. */
  public record Claim(Entry entry, boolean fresh) {}

  private final Cache<String, Entry> table;

  public RequestDedup(long maxEntries, Duration expiry) {
    if (maxEntries < 1 || expiry.isNegative() || expiry.isZero())
      throw new IllegalArgumentException("dedup needs a size and an expiry");
    table = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(expiry).build();
  }

  /** 100,000 entries kept for 10 minutes. */
  public static RequestDedup defaults() {
    return new RequestDedup(100_000, Duration.ofMinutes(10));
  }

  /**
   * Claims {@code (space, client, seq)}: if it is new, returns a fresh entry the caller must run
   * and complete; otherwise the entry already there (the caller compares fingerprints and waits).
   */
  public Claim claim(String space, String client, long seq, String fingerprint) {
    Entry mine = new Entry(fingerprint, new CompletableFuture<>());
    Entry there = table.asMap().putIfAbsent(key(space, client, seq), mine);
    if (there == null) return new Claim(mine, true);
    return new Claim(there, false);
  }

  /** Forgets an entry whose answer said nothing was done, so that a retry runs. */
  public void forget(String space, String client, long seq, Entry entry) {
    table.asMap().remove(key(space, client, seq), entry);
  }

  public long size() {
    table.cleanUp();
    return table.estimatedSize();
  }

  private static String key(String space, String client, long seq) {
    return space + '\u0000' + client + '\u0000' + seq;
  }
}
