package dev.txlab.scenarios.script;

/**
 * A scenario that cannot be run as written: malformed YAML, an unknown field, a value of the wrong
 * type or out of range, an impossible combination. The message names the file, line, column and
 * field; the command exits with status 2 and runs nothing.
 */
public final class ScriptException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final int column;
  private final String field;

  public ScriptException(String source, int line, int column, String field, String problem) {
    super(format(source, line, column, field, problem));
    this.source = source;
    this.line = line;
    this.column = column;
    this.field = field;
  }

  private static String format(String source, int line, int column, String field, String problem) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    sb.append(": ");
    if (field != null && !field.isEmpty()) {
      sb.append("field ").append(field).append(": ");
    }
    return sb.append(problem).toString();
  }

  public String source() {
    return source;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  /** The dotted path of the field at fault ({@code workload.rate}), or empty. */
  public String field() {
    return field;
  }
}
