package dev.txlab.checker.linear;

import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.Keyword;
import dev.txlab.checker.history.Operation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** The sequential specifications txlab checks histories against. */
final class Models {
  private Models() {}

  /** The model for a workload name, with the spec's initial state and nil-read rule applied. */
  static Model forSpec(LinearSpec spec) throws UnfitHistoryException {
    switch (spec.workload()) {
      case "register":
        return new Register(spec.initial(), nilRead(spec, NilRead.ABSENT), false);
      case "cas-register":
        return new Register(spec.initial(), nilRead(spec, NilRead.UNKNOWN), true);
      case "kv":
        return new Kv(spec.initial() == null ? "" : stringInitial(spec.initial()));
      case "multi-register":
        return new MultiRegister(spec.initial());
      case "mutex":
        return new Mutex();
      case "tso":
        return new TimestampOracle();
      default:
        throw new IllegalArgumentException("unknown linearizability workload " + spec.workload());
    }
  }

  private static NilRead nilRead(LinearSpec spec, NilRead dflt) {
    return spec.nilRead() == null ? dflt : spec.nilRead();
  }

  private static String stringInitial(Object o) throws UnfitHistoryException {
    if (!(o instanceof String)) {
      throw new UnfitHistoryException(
          -1, "the kv model's initial value must be a string, not " + Edn.print(o));
    }
    return (String) o;
  }

  static String name(Object o) {
    if (o instanceof Keyword) {
      return ((Keyword) o).name();
    }
    return o instanceof String ? (String) o : null;
  }

  // ------------------------------------------------------------------ register, cas-register

  /** A read ({@code 'r'}), write ({@code 'w'}) or compare-and-set ({@code 'c'}) of a register. */
  record RegisterInput(char kind, Object a, Object b) {}

  /**
   * A single register: reads return the current value, writes set it, a compare-and-set from {@code
   * a} to {@code b} needs the value to be {@code a}. {@code nil} is the empty register.
   */
  static final class Register implements Model {
    private final Object initial;
    private final NilRead nilRead;
    private final boolean cas;

    Register(Object initial, NilRead nilRead, boolean cas) {
      this.initial = initial;
      this.nilRead = nilRead;
      this.cas = cas;
    }

    @Override
    public Object initialState() {
      return Box.of(initial);
    }

    @Override
    public Object input(Operation op, Object value, boolean crashed) throws UnfitHistoryException {
      switch (op.f()) {
        case "read":
          if (crashed || (value == null && nilRead == NilRead.UNKNOWN)) {
            return IRRELEVANT;
          }
          return new RegisterInput('r', value, null);
        case "write":
          return new RegisterInput('w', value, null);
        case "cas":
          if (!cas) {
            throw new UnfitHistoryException(
                op.invocation().index(),
                "the register model has no cas; use --workload cas-register");
          }
          if (!(value instanceof List) || ((List<?>) value).size() != 2) {
            throw new UnfitHistoryException(
                op.invocation().index(),
                "a cas value must be a pair [expected new], found " + Edn.print(value));
          }
          List<?> pair = (List<?>) value;
          return new RegisterInput('c', pair.get(0), pair.get(1));
        default:
          throw new UnfitHistoryException(
              op.invocation().index(),
              "a "
                  + (cas ? "cas-register" : "register")
                  + " has read, write"
                  + (cas ? " and cas" : "")
                  + ", not :"
                  + op.f());
      }
    }

    @Override
    public Object step(Object state, Object in) {
      RegisterInput i = (RegisterInput) in;
      Object v = ((Box) state).value;
      switch (i.kind) {
        case 'r':
          return Objects.equals(v, i.a) ? state : null;
        case 'w':
          return Box.of(i.a);
        default:
          return Objects.equals(v, i.a) ? Box.of(i.b) : null;
      }
    }

    @Override
    public boolean overwrites() {
      return true;
    }

    @Override
    public Object requiredState(Object in) {
      RegisterInput i = (RegisterInput) in;
      return i.kind == 'w' ? null : Box.of(i.a);
    }

    @Override
    public Object resultState(Object in) {
      RegisterInput i = (RegisterInput) in;
      return Box.of(i.kind == 'c' ? i.b : i.a);
    }

    @Override
    public String describe(Object state) {
      return Edn.print(((Box) state).value);
    }

    @Override
    public String describeInput(Object in) {
      RegisterInput i = (RegisterInput) in;
      switch (i.kind) {
        case 'r':
          return "read " + Edn.print(i.a);
        case 'w':
          return "write " + Edn.print(i.a);
        default:
          return "cas " + Edn.print(i.a) + "→" + Edn.print(i.b);
      }
    }
  }

  /** A register's value as a state: boxed so that {@code nil} is a state too. */
  static final class Box {
    private static final Box NIL = new Box(null);
    final Object value;

    private Box(Object value) {
      this.value = value;
    }

    static Box of(Object v) {
      return v == null ? NIL : new Box(v);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Box && Objects.equals(((Box) o).value, value);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(value);
    }

    @Override
    public String toString() {
      return Edn.print(value);
    }
  }

  // ------------------------------------------------------------------ kv (one string per key)

  /** A get ({@code 'g'}), put ({@code 'p'}) or append ({@code 'a'}) of one key's string. */
  record KvInput(char kind, String s) {}

  /**
   * One key's string as a rope: a prefix state plus the piece appended to it, with its length and
   * {@link String#hashCode} kept incrementally ({@code hash(s + a) = hash(s)·31^|a| + hash(a)}).
   * Appending is then O(|piece|) instead of copying and rehashing the whole value, and most
   * comparisons end at the length or hash; the full text is built only when two states might really
   * be equal, and then cached.
   */
  static final class KvState {
    private final KvState prefix;
    private final String piece;
    private final int length;
    private final int hash;
    private String text;

    private KvState(KvState prefix, String piece, int length, int hash, String text) {
      this.prefix = prefix;
      this.piece = piece;
      this.length = length;
      this.hash = hash;
      this.text = text;
    }

    static KvState of(String s) {
      return new KvState(null, s, s.length(), s.hashCode(), s);
    }

    KvState append(String piece) {
      if (piece.isEmpty()) {
        return this;
      }
      int h = hash;
      for (int i = 0; i < piece.length(); i++) {
        h = 31 * h + piece.charAt(i);
      }
      return new KvState(this, piece, length + piece.length(), h, null);
    }

    String text() {
      String t = text;
      if (t == null) {
        // Iteratively, so that a long chain of appends cannot overflow the stack.
        List<String> pieces = new ArrayList<>();
        KvState s = this;
        while (s.text == null) {
          pieces.add(s.piece);
          s = s.prefix;
        }
        StringBuilder sb = new StringBuilder(length).append(s.text);
        for (int i = pieces.size() - 1; i >= 0; i--) {
          sb.append(pieces.get(i));
        }
        t = text = sb.toString();
      }
      return t;
    }

    boolean sameText(String s) {
      return s.length() == length && s.hashCode() == hash && text().equals(s);
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof KvState)) {
        return false;
      }
      KvState k = (KvState) o;
      return k.length == length && k.hash == hash && k.text().equals(text());
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return text();
    }
  }

  /** Porcupine's kv model, one key: get returns the string, put replaces it, append extends it. */
  static final class Kv implements Model {
    private final String initial;

    Kv(String initial) {
      this.initial = initial;
    }

    @Override
    public Object initialState() {
      return KvState.of(initial);
    }

    @Override
    public Object input(Operation op, Object value, boolean crashed) throws UnfitHistoryException {
      if (value != null && !(value instanceof String)) {
        throw new UnfitHistoryException(
            op.invocation().index(), "kv values are strings, found " + Edn.print(value));
      }
      String s = value == null ? "" : (String) value;
      switch (op.f()) {
        case "get":
          return crashed ? IRRELEVANT : new KvInput('g', s);
        case "put":
          return new KvInput('p', s);
        case "append":
          return new KvInput('a', s);
        default:
          throw new UnfitHistoryException(
              op.invocation().index(), "kv has get, put and append, not :" + op.f());
      }
    }

    @Override
    public Object step(Object state, Object in) {
      KvInput i = (KvInput) in;
      KvState v = (KvState) state;
      switch (i.kind) {
        case 'g':
          return v.sameText(i.s) ? v : null;
        case 'p':
          return KvState.of(i.s);
        default:
          return v.append(i.s);
      }
    }

    @Override
    public boolean overwrites() {
      return false;
    }

    @Override
    public String describe(Object state) {
      return Edn.print(state.toString());
    }

    @Override
    public String describeInput(Object in) {
      KvInput i = (KvInput) in;
      return (i.kind == 'g' ? "get " : i.kind == 'p' ? "put " : "append ") + Edn.print(i.s);
    }
  }

  // ------------------------------------------------------------------ multi-register

  /** Knossos' multi-register: a transaction of reads and writes over a few named registers. */
  static final class MultiRegister implements Model {
    private final Map<Object, Object> initial;

    MultiRegister(Object initial) throws UnfitHistoryException {
      if (initial != null && !(initial instanceof Map)) {
        throw new UnfitHistoryException(
            -1,
            "the multi-register initial state is a map such as {:x 0 :y 0}, not "
                + Edn.print(initial));
      }
      TreeMap<Object, Object> m = new TreeMap<>(Models::compareKeys);
      if (initial != null) {
        m.putAll((Map<?, ?>) initial);
      }
      this.initial = Collections.unmodifiableMap(m);
    }

    @Override
    public Object initialState() {
      return initial;
    }

    @Override
    public Object input(Operation op, Object value, boolean crashed) throws UnfitHistoryException {
      if (!op.f().equals("txn") || !(value instanceof List)) {
        throw new UnfitHistoryException(
            op.invocation().index(),
            "a multi-register operation is :txn with a vector of [:read|:write key value]");
      }
      List<?> micro = (List<?>) value;
      boolean writes = false;
      for (Object m : micro) {
        if (!(m instanceof List) || ((List<?>) m).size() != 3) {
          throw new UnfitHistoryException(
              op.invocation().index(),
              "a micro-op is [:read|:write key value], found " + Edn.print(m));
        }
        String f = name(((List<?>) m).get(0));
        if (!"read".equals(f) && !"write".equals(f) && !"r".equals(f) && !"w".equals(f)) {
          throw new UnfitHistoryException(
              op.invocation().index(), "a micro-op is :read or :write, found " + Edn.print(m));
        }
        writes |= f.startsWith("w");
      }
      if (crashed && !writes) {
        return IRRELEVANT;
      }
      return micro;
    }

    @Override
    public Object step(Object state, Object in) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> s = (Map<Object, Object>) state;
      TreeMap<Object, Object> next = null;
      for (Object m : (List<?>) in) {
        List<?> t = (List<?>) m;
        String f = name(t.get(0));
        Object k = t.get(1);
        Object v = t.get(2);
        Map<Object, Object> cur = next == null ? s : next;
        if (f.startsWith("r")) {
          // A read whose value is nil was not observed (Knossos): it constrains nothing.
          if (v != null && !Objects.equals(cur.get(k), v)) {
            return null;
          }
        } else {
          if (next == null) {
            next = new TreeMap<>(Models::compareKeys);
            next.putAll(s);
          }
          next.put(k, v);
        }
      }
      return next == null ? s : Collections.unmodifiableMap(next);
    }

    @Override
    public boolean overwrites() {
      return false;
    }

    @Override
    public String describe(Object state) {
      return Edn.print(state);
    }

    @Override
    public String describeInput(Object in) {
      return "txn " + Edn.print(in);
    }
  }

  static int compareKeys(Object a, Object b) {
    return Edn.print(a).compareTo(Edn.print(b));
  }

  // ------------------------------------------------------------------ mutex

  /** A lock: acquire needs it free, release needs it held. */
  static final class Mutex implements Model {
    @Override
    public Object initialState() {
      return Boolean.FALSE;
    }

    @Override
    public Object input(Operation op, Object value, boolean crashed) throws UnfitHistoryException {
      switch (op.f()) {
        case "acquire":
          return Boolean.TRUE;
        case "release":
          return Boolean.FALSE;
        default:
          throw new UnfitHistoryException(
              op.invocation().index(), "a mutex has acquire and release, not :" + op.f());
      }
    }

    @Override
    public Object step(Object state, Object in) {
      return state.equals(in) ? null : in;
    }

    @Override
    public boolean overwrites() {
      return true;
    }

    @Override
    public Object requiredState(Object in) {
      return !(Boolean) in;
    }

    @Override
    public Object resultState(Object in) {
      return in;
    }

    @Override
    public String describe(Object state) {
      return (Boolean) state ? "held" : "free";
    }

    @Override
    public String describeInput(Object in) {
      return (Boolean) in ? "acquire" : "release";
    }
  }

  // ------------------------------------------------------------------ tso (a timestamp oracle)

  /**
   * A timestamp oracle as a counter: each {@code ts} operation returns a timestamp greater than
   * every one returned before it. Linearizable means what an oracle must guarantee: no timestamp is
   * handed out twice, and one obtained after another was received is larger. The state is the
   * largest timestamp handed out so far; a {@code ts} whose answer was lost constrains nothing.
   */
  static final class TimestampOracle implements Model {
    @Override
    public Object initialState() {
      return Long.MIN_VALUE;
    }

    @Override
    public Object input(Operation op, Object value, boolean crashed) throws UnfitHistoryException {
      if (!op.f().equals("ts")) {
        throw new UnfitHistoryException(
            op.invocation().index(), "a timestamp oracle has ts, not :" + op.f());
      }
      if (crashed) {
        return IRRELEVANT;
      }
      if (!(value instanceof Long)) {
        throw new UnfitHistoryException(
            op.invocation().index(), "a timestamp is an integer, found " + Edn.print(value));
      }
      return value;
    }

    @Override
    public Object step(Object state, Object in) {
      return (Long) in > (Long) state ? in : null;
    }

    @Override
    public boolean overwrites() {
      return false;
    }

    @Override
    public String describe(Object state) {
      return (Long) state == Long.MIN_VALUE ? "none handed out" : "last " + state;
    }

    @Override
    public String describeInput(Object in) {
      return "ts " + in;
    }
  }
}
