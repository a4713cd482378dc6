package dev.txlab.chaos.fault;

/**
 * Text in the fault language (a fault, a duration, a percentage, a schedule line) that cannot be
 * read. The message is the offending text, the 1-based column of the offending token and what was
 * expected there, for example {@code clock-skew n3 40: column 15: expected a signed duration like
 * +40ms, got '40'}.
 *
 * <p>Callers that know where the text came from add that themselves: the scenario loader prefixes
 * the file and line (and can add {@link #column()} to the column the YAML scalar starts at), the
 * command line prints the message and exits with status 2. The exception is checked on purpose:
 * every path that reads user text must decide what to do with it. Blank text has no token to point
 * at, so its message is the problem alone.
 */
public final class FaultSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String text;
  private final int column;
  private final String problem;

  /**
   * @param text the whole text being read
   * @param column 1-based column of the offending token in {@code text}; one past the end when
   *     something is missing at the end
   * @param problem what is wrong, naming the token and what was expected
   */
  public FaultSyntaxException(String text, int column, String problem) {
    super(text.isBlank() ? problem : text + ": column " + column + ": " + problem);
    this.text = text;
    this.column = column;
    this.problem = problem;
  }

  /** The whole text that was being read. */
  public String text() {
    return text;
  }

  /** 1-based column of the offending token in {@link #text()}. */
  public int column() {
    return column;
  }

  /** What is wrong, without the text and the column. */
  public String problem() {
    return problem;
  }

  /**
   * The same problem, reported against a longer text in which this exception's text starts at
   * 0-based offset {@code offset} (a duration inside a fault, a fault inside a schedule line).
   */
  public FaultSyntaxException within(String outerText, int offset) {
    FaultSyntaxException outer = new FaultSyntaxException(outerText, column + offset, problem);
    outer.initCause(this);
    return outer;
  }
}
