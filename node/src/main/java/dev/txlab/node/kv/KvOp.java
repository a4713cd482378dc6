package dev.txlab.node.kv;

/** A client operation on one key. Values are strings; {@code null} means absent. */
public sealed interface KvOp {
  String key();

  /** Whether the op changes state (and so goes through the Raft log). */
  boolean isWrite();

  record Get(String key) implements KvOp {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64).append("Get[").append("key=").append(key).append(']').toString();
    }

    public Get {
      requireKey(key);
    }

    @Override
    public boolean isWrite() {
      return false;
    }
  }

  /** Reads the newest version with timestamp ≤ {@code versionTs} (an MVCC snapshot read). */
  record GetAt(String key, long versionTs) implements KvOp {
    public GetAt {
      requireKey(key);
    }

    @Override
    public boolean isWrite() {
      return false;
    }
  }

  record Put(String key, String value) implements KvOp {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("Put[")
          .append("key=")
          .append(key)
          .append(", value=")
          .append(value)
          .append(']')
          .toString();
    }

    public Put {
      requireKey(key);
      if (value == null) throw new IllegalArgumentException("put needs a value");
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  /** Compare-and-set: writes {@code value} only if the current value equals {@code expected}. */
  record Cas(String key, String expected, String value) implements KvOp {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("Cas[")
          .append("key=")
          .append(key)
          .append(", expected=")
          .append(expected)
          .append(", value=")
          .append(value)
          .append(']')
          .toString();
    }

    public Cas {
      requireKey(key);
      if (value == null) throw new IllegalArgumentException("cas needs a new value");
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  /** Appends {@code value} to the current string (absent counts as empty). */
  record Append(String key, String value) implements KvOp {
    // Hand-written: the same text as the record default, which in Java 17 goes through
    // String.format and dominated the simulator's trace cost.
    @Override
    public String toString() {
      return new StringBuilder(64)
          .append("Append[")
          .append("key=")
          .append(key)
          .append(", value=")
          .append(value)
          .append(']')
          .toString();
    }

    public Append {
      requireKey(key);
      if (value == null) throw new IllegalArgumentException("append needs a value");
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  /**
   * Asks a timestamp oracle for a fresh timestamp (the {@code tso} workload; {@code key} names the
   * oracle, as a register's key names it). It changes the oracle's state: no timestamp is handed
   * out twice.
   */
  record Timestamp(String key) implements KvOp {
    public Timestamp {
      requireKey(key);
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty())
      throw new IllegalArgumentException("op needs a non-empty key");
  }
}
