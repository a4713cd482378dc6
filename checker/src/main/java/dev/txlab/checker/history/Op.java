package dev.txlab.checker.history;

import java.util.Map;
import java.util.Objects;

/**
 * One event of a history, as Jepsen records it.
 *
 * @param index position in the history (Jepsen's {@code :index}); unique and increasing
 * @param timeNanos when it happened, in nanoseconds since the test began, or {@link #NO_TIME}
 * @param process the client process, a non-negative integer, or {@link #NEMESIS} for the fault
 *     injector (any keyword process is the nemesis)
 * @param type invocation or one of the three completions
 * @param f the function, without a colon ({@code read}, {@code txn}, {@code acquire})
 * @param value the argument (on an invocation) or result (on a completion); see the package
 *     documentation for the Java types a value may hold
 * @param extra any other fields the event carried (Porcupine's {@code :key}, Jepsen's {@code
 *     :error}), by name without colon, in the order read; empty for most events
 */
public record Op(
    long index,
    long timeNanos,
    int process,
    OpType type,
    String f,
    Object value,
    Map<String, Object> extra) {

  /** The process number of the nemesis (and of any process named by a keyword). */
  public static final int NEMESIS = -1;

  /** The time of an operation whose history carries none (the Jepsen text log). */
  public static final long NO_TIME = -1;

  public Op(long index, long timeNanos, int process, OpType type, String f, Object value) {
    this(index, timeNanos, process, type, f, value, Map.of());
  }

  public Op {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(extra, "extra");
    Objects.requireNonNull(f, "f");
    if (process < NEMESIS) {
      throw new IllegalArgumentException("process must be >= 0 or NEMESIS, was " + process);
    }
  }

  public boolean isNemesis() {
    return process == NEMESIS;
  }

  public boolean isInvoke() {
    return type == OpType.INVOKE;
  }

  /** This operation with another value (used when a completion tells what a read returned). */
  public Op withValue(Object newValue) {
    return new Op(index, timeNanos, process, type, f, newValue, extra);
  }

  /** The extra field {@code name} (without colon), or null. */
  public Object extra(String name) {
    return extra.get(name);
  }

  @Override
  public String toString() {
    return Edn.print(this);
  }
}
