package dev.txlab.node.sim;

import dev.txlab.node.api.Message;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The run's trace: one line per event ({@code time address what}), folded into a SHA-256 digest and
 * optionally handed to a {@link TraceSink} (the scenario runner writes {@code trace.jsonl.gz}). Two
 * runs of one scenario and seed produce the same digest; the first differing line is where they
 * diverged.
 *
 * <p>Lines are buffered and digested in blocks, which keeps hashing off the per-event cost.
 */
public final class Trace {
  private final MessageDigest sha256;
  private final byte[] buffer = new byte[1 << 16];
  private int used;
  private long lines;
  private TraceSink sink;
  private String digestHex;

  public Trace() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-256", e);
    }
  }

  /** Every subsequent line is also handed to {@code sink}. */
  public void setSink(TraceSink sink) {
    this.sink = sink;
  }

  public void line(long timeNanos, String address, String what) {
    write(timeNanos, address, what, null, null, null, -1);
  }

  public void line(long timeNanos, String address, String what, String arg1, String arg2) {
    write(timeNanos, address, what, arg1, arg2, null, -1);
  }

  /**
   * A line about {@code message}, sent at {@code sentNanos}: digested as any other line; the sink
   * also gets the message and its send time.
   */
  public void message(
      long timeNanos,
      String address,
      String what,
      String arg1,
      String arg2,
      Message message,
      long sentNanos) {
    write(timeNanos, address, what, arg1, arg2, message, sentNanos);
  }

  /**
   * The line {@code "time address what[ arg1[ arg2]]"}. Written piecewise into the digest buffer so
   * that, without a sink, no line string is ever built; the bytes are the same either way.
   */
  private void write(
      long timeNanos,
      String address,
      String what,
      String arg1,
      String arg2,
      Message message,
      long sentNanos) {
    if (digestHex != null) throw new IllegalStateException("trace already digested");
    lines++;
    if (sink != null) {
      StringBuilder sb =
          new StringBuilder(64)
              .append(timeNanos)
              .append(' ')
              .append(address)
              .append(' ')
              .append(what);
      if (arg1 != null) sb.append(' ').append(arg1);
      if (arg2 != null) sb.append(' ').append(arg2);
      sink.accept(sb.toString(), message, sentNanos);
    }
    addLong(timeNanos);
    addChar(' ');
    add(address);
    addChar(' ');
    add(what);
    if (arg1 != null) {
      addChar(' ');
      add(arg1);
    }
    if (arg2 != null) {
      addChar(' ');
      add(arg2);
    }
    addChar('\n');
  }

  private final byte[] digits = new byte[20];

  private void addLong(long v) {
    if (v < 0) {
      add(Long.toString(v));
      return;
    }
    int n = 0;
    do {
      digits[n++] = (byte) ('0' + (v % 10));
      v /= 10;
    } while (v != 0);
    if (buffer.length - used < n) flush();
    while (n > 0) buffer[used++] = digits[--n];
  }

  private void addChar(char c) {
    if (used == buffer.length) flush();
    buffer[used++] = (byte) c;
  }

  private void add(String s) {
    int n = s.length();
    if (n > buffer.length - used) flush();
    if (n > buffer.length) {
      sha256.update(s.getBytes(StandardCharsets.UTF_8));
      return;
    }
    int start = used;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        // Not ASCII: undo the fast path and write the whole string as UTF-8 (pairs included).
        used = start;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > buffer.length - used) flush();
        if (b.length > buffer.length) {
          sha256.update(b);
        } else {
          System.arraycopy(b, 0, buffer, used, b.length);
          used += b.length;
        }
        return;
      }
      buffer[used++] = (byte) c;
    }
  }

  private void flush() {
    sha256.update(buffer, 0, used);
    used = 0;
  }

  public long lines() {
    return lines;
  }

  /** The SHA-256 of all lines so far, as hex. Ends the trace. */
  public String digestHex() {
    if (digestHex == null) {
      flush();
      byte[] d = sha256.digest();
      StringBuilder sb = new StringBuilder();
      for (byte b : d)
        sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      digestHex = sb.toString();
    }
    return digestHex;
  }
}
