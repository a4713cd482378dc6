package dev.txlab.node.live;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A compact binary codec for the immutable values processes send and store: records (by a
 * registered numeric tag, their components in declaration order), strings, boxed primitives, enums,
 * byte arrays, lists, sets and maps (sorted ones come back as {@link TreeMap}/{@link TreeSet}, so
 * iteration order survives the trip). Every value carries a one-byte kind, so fields typed {@code
 * Object} (a snapshot's state, an InstallSnapshot's data) need no special handling.
 *
 * <p>Versioning: a class's tag is its position in the table it was built from; tables only ever
 * grow at the end, and every frame (a message, a storage record) starts with {@link #VERSION}. A
 * record that gains or loses a component needs a new table version — the decoder then refuses the
 * old frames with a {@link CodecException} rather than guessing.
 *
 * <p>Decoding never trusts its input: unknown kinds or tags, lengths beyond the buffer, a record's
 * compact constructor rejecting the values — all become a {@link CodecException} that the caller
 * counts or reports. Encoding an unregistered class is our bug and throws {@link
 * IllegalArgumentException}.
 *
 * <p>Immutable after construction; safe to share between threads.
 */
public final class RecordCodec {
  public static final int VERSION = 1;

  /** Bad input: a frame this codec cannot turn back into a value. */
  public static final class CodecException extends Exception {
    public CodecException(String message) {
      super(message);
    }

    public CodecException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final int NULL = 0;
  private static final int STRING = 1;
  private static final int LONG = 2;
  private static final int INT = 3;
  private static final int TRUE = 4;
  private static final int FALSE = 5;
  private static final int DOUBLE = 6;
  private static final int RECORD = 7;
  private static final int ENUM = 8;
  private static final int LIST = 9;
  private static final int SORTED_MAP = 10;
  private static final int MAP = 11;
  private static final int SORTED_SET = 12;
  private static final int SET = 13;
  private static final int BYTES = 14;

  /** Guards against hostile lengths and nesting: no legitimate value comes near these. */
  private static final int MAX_DEPTH = 64;

  private record Shape(int tag, Class<?> type, Method[] accessors, Constructor<?> constructor) {}

  private final List<Shape> byTag = new ArrayList<>();
  private final Map<Class<?>, Shape> byClass = new HashMap<>();

  /** A codec for the given classes (records or enums); tag {@code i} is {@code classes.get(i)}. */
  public RecordCodec(List<Class<?>> classes) {
    for (Class<?> c : classes) {
      if (byClass.containsKey(c))
        throw new IllegalArgumentException("registered twice: " + c.getName());
      Shape shape;
      if (c.isRecord()) {
        RecordComponent[] components = c.getRecordComponents();
        Method[] accessors = new Method[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
          accessors[i] = components[i].getAccessor();
          accessors[i].setAccessible(true);
          types[i] = components[i].getType();
        }
        try {
          Constructor<?> ctor = c.getDeclaredConstructor(types);
          ctor.setAccessible(true);
          shape = new Shape(byTag.size(), c, accessors, ctor);
        } catch (NoSuchMethodException e) {
          throw new IllegalArgumentException("no canonical constructor: " + c.getName(), e);
        }
      } else if (c.isEnum()) {
        shape = new Shape(byTag.size(), c, null, null);
      } else {
        throw new IllegalArgumentException(
            "only records and enums can be registered: " + c.getName());
      }
      byTag.add(shape);
      byClass.put(c, shape);
    }
  }

  public boolean knows(Class<?> type) {
    return byClass.containsKey(type);
  }

  // ---------------------------------------------------------------- encoding

  /** A frame: the version byte, then the value. */
  public byte[] encode(Object value) {
    Bytes out = new Bytes(256);
    out.writeVarLong(VERSION);
    write(out, value, 0);
    return out.toByteArray();
  }

  /** Appends one value (no version byte) to {@code out}. */
  public void write(Bytes out, Object value, int depth) {
    if (depth > MAX_DEPTH)
      throw new IllegalArgumentException("value nested deeper than " + MAX_DEPTH);
    if (value == null) {
      out.writeByte(NULL);
    } else if (value instanceof String s) {
      out.writeByte(STRING);
      out.writeString(s);
    } else if (value instanceof Long l) {
      out.writeByte(LONG);
      out.writeVarLong(zigzag(l));
    } else if (value instanceof Integer i) {
      out.writeByte(INT);
      out.writeVarLong(zigzag(i));
    } else if (value instanceof Boolean b) {
      out.writeByte(b ? TRUE : FALSE);
    } else if (value instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeLong(Double.doubleToLongBits(d));
    } else if (value instanceof byte[] bytes) {
      out.writeByte(BYTES);
      out.writeVarLong(bytes.length);
      out.writeBytes(bytes, 0, bytes.length);
    } else if (value instanceof Enum<?> e) {
      Shape shape = shapeOf(e.getDeclaringClass());
      out.writeByte(ENUM);
      out.writeVarLong(shape.tag());
      out.writeVarLong(e.ordinal());
    } else if (value instanceof Record) {
      Shape shape = shapeOf(value.getClass());
      out.writeByte(RECORD);
      out.writeVarLong(shape.tag());
      for (Method accessor : shape.accessors()) {
        try {
          write(out, accessor.invoke(value), depth + 1);
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalStateException("cannot read " + accessor + ": " + e, e);
        }
      }
    } else if (value instanceof List<?> list) {
      out.writeByte(LIST);
      out.writeVarLong(list.size());
      for (Object o : list) write(out, o, depth + 1);
    } else if (value instanceof Map<?, ?> map) {
      out.writeByte(value instanceof SortedMap<?, ?> ? SORTED_MAP : MAP);
      out.writeVarLong(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        write(out, e.getKey(), depth + 1);
        write(out, e.getValue(), depth + 1);
      }
    } else if (value instanceof Set<?> set) {
      out.writeByte(value instanceof SortedSet<?> ? SORTED_SET : SET);
      out.writeVarLong(set.size());
      for (Object o : set) write(out, o, depth + 1);
    } else {
      throw new IllegalArgumentException(
          "cannot encode a " + value.getClass().getName() + " (register it)");
    }
  }

  private Shape shapeOf(Class<?> c) {
    Shape shape = byClass.get(c);
    if (shape == null) throw new IllegalArgumentException("unregistered class " + c.getName());
    return shape;
  }

  // ---------------------------------------------------------------- decoding

  /** Decodes a whole frame made by {@link #encode}; trailing bytes are an error. */
  public Object decode(byte[] frame) throws CodecException {
    return decode(frame, 0, frame.length);
  }

  public Object decode(byte[] buf, int offset, int length) throws CodecException {
    Reader in = new Reader(buf, offset, length);
    long version = in.readVarLong();
    if (version != VERSION)
      throw new CodecException("codec version " + version + ", expected " + VERSION);
    Object value = read(in, 0);
    if (in.remaining() != 0)
      throw new CodecException(in.remaining() + " trailing bytes after the value");
    return value;
  }

  /** Reads one value (no version byte). */
  public Object read(Reader in, int depth) throws CodecException {
    if (depth > MAX_DEPTH) throw new CodecException("value nested deeper than " + MAX_DEPTH);
    int kind = in.readByte();
    switch (kind) {
      case NULL:
        return null;
      case STRING:
        return in.readString();
      case LONG:
        return unzigzag(in.readVarLong());
      case INT:
        {
          long v = unzigzag(in.readVarLong());
          if (v != (int) v) throw new CodecException("int out of range: " + v);
          return (int) v;
        }
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case DOUBLE:
        return Double.longBitsToDouble(in.readLong());
      case BYTES:
        return in.readBytes(in.readLength());
      case ENUM:
        {
          Shape shape = shapeAt(in.readVarLong());
          if (!shape.type().isEnum())
            throw new CodecException("tag " + shape.tag() + " is not an enum");
          Object[] constants = shape.type().getEnumConstants();
          long ordinal = in.readVarLong();
          if (ordinal < 0 || ordinal >= constants.length) {
            throw new CodecException(
                "ordinal " + ordinal + " out of range for " + shape.type().getSimpleName());
          }
          return constants[(int) ordinal];
        }
      case RECORD:
        {
          Shape shape = shapeAt(in.readVarLong());
          if (shape.constructor() == null)
            throw new CodecException("tag " + shape.tag() + " is not a record");
          Class<?>[] types = shape.constructor().getParameterTypes();
          Object[] args = new Object[types.length];
          for (int i = 0; i < args.length; i++) {
            Object v = read(in, depth + 1);
            args[i] = fit(v, types[i], shape, i);
          }
          try {
            return shape.constructor().newInstance(args);
          } catch (InvocationTargetException e) {
            throw new CodecException(
                shape.type().getSimpleName() + " rejected its fields: " + e.getCause(),
                e.getCause());
          } catch (InstantiationException | IllegalAccessException | IllegalArgumentException e) {
            throw new CodecException("cannot build " + shape.type().getSimpleName() + ": " + e, e);
          }
        }
      case LIST:
        {
          int n = in.readLength();
          ArrayList<Object> list = new ArrayList<>(n);
          for (int i = 0; i < n; i++) list.add(read(in, depth + 1));
          return Collections.unmodifiableList(list);
        }
      case SORTED_MAP:
      case MAP:
        {
          int n = in.readLength();
          Map<Object, Object> map = kind == SORTED_MAP ? new TreeMap<>() : new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            Object k = read(in, depth + 1);
            Object v = read(in, depth + 1);
            try {
              if (map.put(k, v) != null) throw new CodecException("duplicate map key " + k);
            } catch (ClassCastException | NullPointerException e) {
              throw new CodecException("bad sorted-map key " + k, e);
            }
          }
          return map;
        }
      case SORTED_SET:
      case SET:
        {
          int n = in.readLength();
          Set<Object> set = kind == SORTED_SET ? new TreeSet<>() : new LinkedHashSet<>();
          for (int i = 0; i < n; i++) {
            Object o = read(in, depth + 1);
            try {
              if (!set.add(o)) throw new CodecException("duplicate set element " + o);
            } catch (ClassCastException | NullPointerException e) {
              throw new CodecException("bad sorted-set element " + o, e);
            }
          }
          return set;
        }
      default:
        throw new CodecException("unknown value kind " + kind);
    }
  }

  private Shape shapeAt(long tag) throws CodecException {
    if (tag < 0 || tag >= byTag.size()) throw new CodecException("unknown class tag " + tag);
    return byTag.get((int) tag);
  }

  /** Checks a decoded value against the constructor parameter it is for. */
  private static Object fit(Object v, Class<?> type, Shape shape, int i) throws CodecException {
    if (type.isPrimitive()) {
      if (v == null) throw new CodecException(where(shape, i) + " is null but primitive");
      Class<?> boxed = box(type);
      if (!boxed.isInstance(v))
        throw new CodecException(
            where(shape, i) + " wants " + type + ", got " + v.getClass().getSimpleName());
      return v;
    }
    if (v != null && !type.isInstance(v)) {
      throw new CodecException(
          where(shape, i)
              + " wants "
              + type.getSimpleName()
              + ", got "
              + v.getClass().getSimpleName());
    }
    return v;
  }

  private static String where(Shape shape, int i) {
    return shape.type().getSimpleName() + " field " + i;
  }

  private static Class<?> box(Class<?> p) {
    if (p == long.class) return Long.class;
    if (p == int.class) return Integer.class;
    if (p == boolean.class) return Boolean.class;
    if (p == double.class) return Double.class;
    return Void.class; // other primitives are not supported: any value fails the check
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  // ---------------------------------------------------------------- buffers

  /** A growable byte buffer (single-threaded). */
  public static final class Bytes {
    private byte[] buf;
    private int size;

    public Bytes(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    public int size() {
      return size;
    }

    public byte[] array() {
      return buf;
    }

    public void reset() {
      size = 0;
    }

    public byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
      if (size + more > buf.length)
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }

    public void writeByte(int b) {
      ensure(1);
      buf[size++] = (byte) b;
    }

    public void writeBytes(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }

    public void writeInt(int v) {
      ensure(4);
      buf[size++] = (byte) (v >>> 24);
      buf[size++] = (byte) (v >>> 16);
      buf[size++] = (byte) (v >>> 8);
      buf[size++] = (byte) v;
    }

    /** Overwrites 4 bytes at {@code at} (for length prefixes written after the fact). */
    public void putInt(int at, int v) {
      buf[at] = (byte) (v >>> 24);
      buf[at + 1] = (byte) (v >>> 16);
      buf[at + 2] = (byte) (v >>> 8);
      buf[at + 3] = (byte) v;
    }

    public void writeLong(long v) {
      writeInt((int) (v >>> 32));
      writeInt((int) v);
    }

    public void writeVarLong(long v) {
      if (size + 10 > buf.length) ensure(varLongSize(v));
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    /**
     * UTF-8, length first. Keys, node names and values are mostly ASCII: those are written char by
     * char with no intermediate array (one per string was a tenth of a node's allocation under
     * load).
     */
    public void writeString(String s) {
      int n = s.length();
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) >= 0x80) {
          byte[] b = s.getBytes(StandardCharsets.UTF_8);
          writeVarLong(b.length);
          writeBytes(b, 0, b.length);
          return;
        }
      }
      writeVarLong(n);
      ensure(n);
      for (int i = 0; i < n; i++) buf[size++] = (byte) s.charAt(i);
    }

    /** How many bytes {@link #writeVarLong} takes for {@code v}. */
    public static int varLongSize(long v) {
      int n = 1;
      while ((v & ~0x7FL) != 0) {
        v >>>= 7;
        n++;
      }
      return n;
    }
  }

  /** A bounds-checked reader over a slice; every overrun is a {@link CodecException}. */
  public static final class Reader {
    private final byte[] buf;
    private int pos;
    private final int end;

    public Reader(byte[] buf, int offset, int length) {
      if (offset < 0 || length < 0 || offset + length > buf.length)
        throw new IllegalArgumentException("bad slice");
      this.buf = buf;
      this.pos = offset;
      this.end = offset + length;
    }

    public int remaining() {
      return end - pos;
    }

    public int readByte() throws CodecException {
      if (pos >= end) throw new CodecException("truncated value");
      return buf[pos++] & 0xFF;
    }

    public long readLong() throws CodecException {
      long v = 0;
      for (int i = 0; i < 8; i++) v = (v << 8) | readByte();
      return v;
    }

    public long readVarLong() throws CodecException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = readByte();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) return v;
      }
      throw new CodecException("varint longer than 10 bytes");
    }

    /** A length or count: non-negative and no larger than the bytes left (each item takes ≥ 1). */
    public int readLength() throws CodecException {
      long n = readVarLong();
      if (n < 0 || n > remaining())
        throw new CodecException("length " + n + " exceeds the " + remaining() + " bytes left");
      return (int) n;
    }

    public byte[] readBytes(int n) throws CodecException {
      if (n > remaining()) throw new CodecException("truncated bytes");
      byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }

    public String readString() throws CodecException {
      int n = readLength();
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }
  }
}
