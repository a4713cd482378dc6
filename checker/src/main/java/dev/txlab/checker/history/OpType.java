package dev.txlab.checker.history;

/**
 * The four kinds of history event, as Jepsen defines them. A completion says what the client
 * observed: {@code OK} the operation took effect, {@code FAIL} it definitely did not, {@code INFO}
 * nobody knows (a timeout or a crash), so it may take effect at any time after its invocation, or
 * never.
 */
public enum OpType {
  INVOKE,
  OK,
  FAIL,
  INFO;

  private final String text = name().toLowerCase(java.util.Locale.ROOT);

  /**
   * The Jepsen spelling, without a colon: {@code invoke}, {@code ok}, {@code fail}, {@code info}.
   */
  public String text() {
    return text;
  }

  /** The type spelled {@code text} (with or without a leading colon), or null if none is. */
  public static OpType parse(String text) {
    String t = text.startsWith(":") ? text.substring(1) : text;
    switch (t) {
      case "invoke":
        return INVOKE;
      case "ok":
        return OK;
      case "fail":
        return FAIL;
      case "info":
        return INFO;
      default:
        return null;
    }
  }

  public boolean isCompletion() {
    return this != INVOKE;
  }
}
