package dev.txlab.checker.history;

/**
 * A history that cannot be read: malformed text, a field of the wrong type, or well-formed events
 * that do not make a history (a completion nobody invoked, a process with two open operations). The
 * message names the file, line and column, and says what was expected.
 */
public final class HistoryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final long column;
  private final String problem;

  public HistoryException(String file, long line, long column, String problem) {
    super(format(file, line, column, problem));
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  public HistoryException(String file, long line, long column, String problem, Throwable cause) {
    this(file, line, column, problem);
    initCause(cause);
  }

  private static String format(String file, long line, long column, String problem) {
    StringBuilder sb = new StringBuilder(file == null ? "<input>" : file);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    return sb.append(": ").append(problem).toString();
  }

  public String file() {
    return file;
  }

  /** 1-based line, or 0 when the problem concerns the whole file. */
  public long line() {
    return line;
  }

  /** 1-based column, or 0 when unknown. */
  public long column() {
    return column;
  }

  /** What is wrong, without the location. */
  public String problem() {
    return problem;
  }
}
