package dev.txlab.node.kv;

/** A client operation on one key. Values are strings; {@code null} means absent. */
public sealed interface KvOp {
  String key();

  /** Whether the op changes state (and so goes through the Raft log). */
  boolean isWrite();

  record Get(String key) implements KvOp {
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
    public Append {
      requireKey(key);
      if (value == null) throw new IllegalArgumentException("append needs a value");
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty()) throw new IllegalArgumentException("op needs a non-empty key");
  }
}
