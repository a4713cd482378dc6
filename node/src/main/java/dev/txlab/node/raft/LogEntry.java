package dev.txlab.node.raft;

/** One Raft log entry (Figure 2): the term in which the leader created it, its index, its command. */
public record LogEntry(long term, long index, Command command) {
  public LogEntry {
    if (term < 1 || index < 1 || command == null) {
      throw new IllegalArgumentException("log entry needs term >= 1, index >= 1 and a command");
    }
  }
}
