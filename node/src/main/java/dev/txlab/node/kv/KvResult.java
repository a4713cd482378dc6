package dev.txlab.node.kv;

import dev.txlab.node.api.Address;

/**
 * The outcome of a client request. {@link Ok} and {@link CasFailed} are definite; {@link
 * Redirect} is definite too (this replica did not and will not apply the request), while {@link
 * Unknown} is indefinite: the request may or may not take effect, and the client records
 * {@code :info} unless a retry with the same sequence number settles it.
 */
public sealed interface KvResult {
  /** Success; {@code value} is what a read saw (null: absent), or the value written. */
  record Ok(String value) implements KvResult {}

  /** A compare-and-set found {@code actual} instead of the expected value; nothing changed. */
  record CasFailed(String actual) implements KvResult {}

  /** Not the leader (or not able to serve); try {@code leaderHint} if known (nullable). */
  record Redirect(Address leaderHint) implements KvResult {}

  /** The request was accepted but its fate is unknown (leadership lost after proposing). */
  record Unknown(String reason) implements KvResult {}
}
