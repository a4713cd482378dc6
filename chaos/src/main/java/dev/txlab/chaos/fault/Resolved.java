package dev.txlab.chaos.fault;

/**
 * The outcome of resolving part of a fault against a cluster at the moment it is applied: a value,
 * or the reason there is none ("shard-1 has no leader right now"). Not resolving is an ordinary
 * outcome at run time — leaders come and go — so it is data for the trace and report, not an
 * exception.
 */
public record Resolved<T>(T value, String reason) {
  public Resolved {
    if ((value == null) == (reason == null)) {
      throw new IllegalArgumentException("exactly one of value and reason");
    }
  }

  public static <T> Resolved<T> of(T value) {
    return new Resolved<>(value, null);
  }

  public static <T> Resolved<T> unresolved(String reason) {
    return new Resolved<>(null, reason);
  }

  public boolean isResolved() {
    return value != null;
  }

  /** The value; asking for it when unresolved is our own bug. */
  @Override
  public T value() {
    if (value == null) {
      throw new IllegalStateException("unresolved: " + reason);
    }
    return value;
  }
}
