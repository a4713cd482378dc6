package dev.txlab.node.kv;

import dev.txlab.node.api.Address;

/**
 * The outcome of a client request. {@link Ok} and {@link CasFailed} are definite; {@link Redirect}
 * is definite too (this replica did not and will not apply the request), while {@link Unknown} is
 * indefinite: the request may or may not take effect, and the client records {@code :info} unless a
 * retry with the same sequence number settles it.
 */
public sealed interface KvResult {
  /** Success; {@code value} is what a read saw (null: absent), or the value written. */
  record Ok(String value) implements KvResult {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("Ok[")
          .append("value=")
          .append(value)
          .append(']')
          .toString();
    }
  }

  /** A compare-and-set found {@code actual} instead of the expected value; nothing changed. */
  record CasFailed(String actual) implements KvResult {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("CasFailed[")
          .append("actual=")
          .append(actual)
          .append(']')
          .toString();
    }
  }

  /** Not the leader (or not able to serve); try {@code leaderHint} if known (nullable). */
  record Redirect(Address leaderHint) implements KvResult {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("Redirect[")
          .append("leaderHint=")
          .append(leaderHint)
          .append(']')
          .toString();
    }
  }

  /** The request was accepted but its fate is unknown (leadership lost after proposing). */
  record Unknown(String reason) implements KvResult {}
}
