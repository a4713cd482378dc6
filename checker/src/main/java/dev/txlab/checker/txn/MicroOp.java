package dev.txlab.checker.txn;

/**
 * One micro-operation of a transaction: {@code [:append k v]}, {@code [:w k v]} or {@code [:r k
 * v]}. For a read, {@code value} is what was read (a list for list-append, a single value or
 * null for rw-register), or null when unknown (an invocation, an indeterminate completion).
 */
record MicroOp(Kind kind, Object key, Object value) {

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
