package dev.txlab.coordinator.protocol;

/**
 * How a live node hosts a protocol's transactions, beyond the protocol's own knobs: how many
 * transactions its {@code POST /txn} gateway runs at once, and the period of the protocol's
 * background tick (where it has one).
 */
public record LiveOptions(int lanes, long tickNanos) {
  public static final int LANES_DEFAULT = 32;
  public static final long TICK_NANOS_DEFAULT = 20_000_000L;

  public LiveOptions {
    if (lanes < 1 || lanes > 1024) throw new IllegalArgumentException("lanes must be in 1..1024");
    if (tickNanos < 1_000_000L) throw new IllegalArgumentException("the tick must be >= 1 ms");
  }

  public static LiveOptions defaults() {
    return new LiveOptions(LANES_DEFAULT, TICK_NANOS_DEFAULT);
  }
}
