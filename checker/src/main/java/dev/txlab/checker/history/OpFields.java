package dev.txlab.checker.history;

import java.util.function.Function;

/**
 * Turns the fields of one operation map (EDN keywords or JSON names, looked up through {@code
 * field}) into an {@link Op}, naming the field when one is missing or of the wrong type.
 */
final class OpFields {
  private OpFields() {}

  /** A field that is present but wrong, with what was expected. */
  static final class BadField extends Exception {
    private static final long serialVersionUID = 1L;

    BadField(String message) {
      super(message, null, false, false);
    }
  }

  /** The fields every reader interprets; any others are kept as {@link Op#extra()}. */
  static final java.util.Set<String> KNOWN =
      java.util.Set.of("index", "time", "process", "type", "f", "value");

  static Op toOp(
      Function<String, Object> field,
      java.util.Map<String, Object> extra,
      long defaultIndex,
      String keyPrefix)
      throws BadField {
    Object type = field.apply("type");
    if (type == null) {
      throw new BadField("missing field " + keyPrefix + "type (expected invoke, ok, fail or info)");
    }
    OpType t = type instanceof Keyword || type instanceof String ? OpType.parse(name(type)) : null;
    if (t == null) {
      throw new BadField(
          "field "
              + keyPrefix
              + "type: expected invoke, ok, fail or info, found "
              + Edn.print(type));
    }
    Object process = field.apply("process");
    int p;
    if (process instanceof Long) {
      long l = (Long) process;
      if (l < 0 || l > Integer.MAX_VALUE) {
        throw new BadField(
            "field " + keyPrefix + "process: expected a non-negative integer, found " + l);
      }
      p = (int) l;
    } else if (process instanceof Keyword || process instanceof String) {
      // Jepsen names the fault injector :nemesis; any other named process is not a client either.
      p = Op.NEMESIS;
    } else if (process == null) {
      // As in Elle: only operations with an integer process are client operations.
      p = Op.NEMESIS;
    } else {
      throw new BadField(
          "field "
              + keyPrefix
              + "process: expected an integer or :nemesis, found "
              + Edn.print(process));
    }
    Object f = field.apply("f");
    String fName;
    if (f instanceof Keyword || f instanceof String) {
      fName = name(f);
    } else if (f == null) {
      // Some of Elle's own histories leave :f out of transactions; Elle reads them as :txn.
      fName = "txn";
    } else {
      throw new BadField("field " + keyPrefix + "f: expected a keyword, found " + Edn.print(f));
    }
    long index = integer(field.apply("index"), "index", defaultIndex, keyPrefix);
    Object rawTime = field.apply("time");
    // Jepsen (and jepsen.history.sim) write :time -1 for "no time", which is NO_TIME.
    long time =
        Long.valueOf(Op.NO_TIME).equals(rawTime)
            ? Op.NO_TIME
            : integer(rawTime, "time", Op.NO_TIME, keyPrefix);
    return new Op(index, time, p, t, fName, field.apply("value"), extra);
  }

  private static long integer(Object v, String name, long dflt, String keyPrefix) throws BadField {
    if (v == null) {
      return dflt;
    }
    if (v instanceof Long && (Long) v >= 0) {
      return (Long) v;
    }
    throw new BadField(
        "field " + keyPrefix + name + ": expected a non-negative integer, found " + Edn.print(v));
  }

  private static final java.util.Map<String, Keyword> FIELD_KEYWORDS = new java.util.HashMap<>();

  static {
    for (String f : KNOWN) {
      FIELD_KEYWORDS.put(f, Keyword.of(f));
    }
  }

  /** The keyword of a field name, without a lookup in the global intern table for known fields. */
  static Keyword keyword(String field) {
    Keyword k = FIELD_KEYWORDS.get(field);
    return k != null ? k : Keyword.of(field);
  }

  static String name(Object o) {
    return o instanceof Keyword ? ((Keyword) o).name() : (String) o;
  }
}
