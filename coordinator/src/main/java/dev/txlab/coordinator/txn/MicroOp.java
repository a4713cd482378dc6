package dev.txlab.coordinator.txn;

import java.util.ArrayList;
import java.util.List;

/**
 * One micro-operation of a transaction, as Jepsen's list-append and rw-register workloads spell
 * them: {@code [:append k v]}, {@code [:r k [v…]]} (list read), {@code [:w k v]}, {@code [:r k v]}
 * (register read). A read's {@code value} is null until it has been executed; afterwards it is the
 * stored text: for a list, the elements separated by spaces ("" for an empty list, null for a key
 * never written); for a register, the value or null.
 */
public record MicroOp(Kind kind, String key, String value) {
  public enum Kind {
    APPEND,
    READ_LIST,
    WRITE,
    READ
  }

  public MicroOp {
    if (kind == null || key == null || key.isEmpty())
      throw new IllegalArgumentException("micro-op needs a kind and a key");
    if ((kind == Kind.APPEND || kind == Kind.WRITE) && value == null) {
      throw new IllegalArgumentException("a write needs a value");
    }
  }

  public static MicroOp append(String key, long v) {
    return new MicroOp(Kind.APPEND, key, Long.toString(v));
  }

  public static MicroOp write(String key, long v) {
    return new MicroOp(Kind.WRITE, key, Long.toString(v));
  }

  public static MicroOp readList(String key) {
    return new MicroOp(Kind.READ_LIST, key, null);
  }

  public static MicroOp read(String key) {
    return new MicroOp(Kind.READ, key, null);
  }

  public boolean isWrite() {
    return kind == Kind.APPEND || kind == Kind.WRITE;
  }

  /** This read with its result filled in. */
  public MicroOp withValue(String v) {
    if (isWrite()) throw new IllegalStateException("not a read: " + this);
    return new MicroOp(kind, key, v);
  }

  /** A list read's elements (empty for an unwritten key). */
  public List<Long> listValue() {
    List<Long> out = new ArrayList<>();
    if (value == null || value.isEmpty()) return out;
    for (String s : value.split(" ")) out.add(Long.parseLong(s));
    return out;
  }

  /** The text stored after appending {@code element} to {@code current}. */
  public static String appended(String current, String element) {
    return current == null || current.isEmpty() ? element : current + " " + element;
  }

  /** Jepsen's EDN form of the micro-op (keys printed as they are: the workloads use integers). */
  public String toEdn() {
    switch (kind) {
      case APPEND:
        return "[:append " + key + " " + value + "]";
      case WRITE:
        return "[:w " + key + " " + value + "]";
      case READ_LIST:
        return "[:r " + key + " " + (value == null ? "nil" : "[" + value + "]") + "]";
      case READ:
        return "[:r " + key + " " + (value == null ? "nil" : value) + "]";
      default:
        throw new IllegalStateException("unknown kind " + kind);
    }
  }

  @Override
  public String toString() {
    return toEdn();
  }
}
