package dev.txlab.checker.txn;

/**
 * One micro-operation ("mop", as Elle calls it) of a transaction in a history: {@code [:append k
 * v]}, {@code [:w k v]} or {@code [:r k v]}. (The protocols' own, {@code coordinator.txn.MicroOp},
 * is what a client sends; this is what a checker reads.) For a read, {@code value} is what was read
 * (a list for list-append, a single value or null for rw-register), or null when unknown (an
 * invocation, an indeterminate completion).
 */
record Mop(Kind kind, Object key, Object value) {

  enum Kind {
    READ("r"),
    APPEND("append"),
    WRITE("w");

    final String text;

    Kind(String text) {
      this.text = text;
    }

    boolean isWrite() {
      return this != READ;
    }
  }

  boolean isRead() {
    return kind == Kind.READ;
  }
}
