package dev.txlab.checker;

/**
 * A history that is well-formed but does not fit the workload it is checked as: a register write
 * whose value is not a value, a transaction whose micro-op is neither a read nor an append. The
 * message names the operation (by its index) and what was expected. The command line reports it
 * like any bad input, with exit status 2.
 */
public final class UnfitHistoryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long opIndex;

  public UnfitHistoryException(long opIndex, String problem) {
    super("operation " + opIndex + ": " + problem);
    this.opIndex = opIndex;
  }

  /** The {@code :index} of the offending operation, or -1 when it concerns the whole history. */
  public long opIndex() {
    return opIndex;
  }
}
