package dev.txlab.node.raft;

/**
 * One Raft log entry (Figure 2): the term in which the leader created it, its index, its command.
 */
public record LogEntry(long term, long index, Command command) {
  // Hand-written: the same text as the record default, which in Java 17 goes through
  // String.format and dominated the simulator's trace cost.
  @Override
  public String toString() {
    return new StringBuilder(64)
        .append("LogEntry[")
        .append("term=")
        .append(term)
        .append(", index=")
        .append(index)
        .append(", command=")
        .append(command)
        .append(']')
        .toString();
  }

  public LogEntry {
    if (term < 1 || index < 1 || command == null) {
      throw new IllegalArgumentException("log entry needs term >= 1, index >= 1 and a command");
    }
  }
}
