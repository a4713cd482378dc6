package dev.txlab.scenarios.trace;

/**
 * A trace file that cannot be read: missing, damaged (a truncated or corrupt gzip stream), or a
 * line that is not a trace event. The message names the file, and the line and field where there is
 * one.
 */
public final class TraceException extends Exception {
  private static final long serialVersionUID = 1L;

  public TraceException(String message) {
    super(message);
  }
}
