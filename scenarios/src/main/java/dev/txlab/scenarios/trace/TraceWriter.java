package dev.txlab.scenarios.trace;

import dev.txlab.node.api.Message;
import dev.txlab.node.sim.TraceSink;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a trace file: JSON Lines, gzip-compressed ({@code trace.jsonl.gz}; {@code zcat} reads it).
 * Each line is one event, {@code {"t":…,"at":"…","what":"…"}} — virtual time in nanoseconds, where
 * it happened, what — exactly the parts of the digested line {@code "t at what"}. A line about a
 * message ({@code recv}, {@code drop}) also carries {@code "sent"}, when the message was sent, and
 * {@code "txn"}, its transaction, when the message has one: a record component named {@code txn}
 * (as every transaction message has), in its text form. These two are for readers — the report
 * draws each message from them — and are not part of the digest.
 *
 * <p>A trace compresses about tenfold: its lines repeat addresses, message names and, in {@code
 * sent}, a time the sender's own line has just written.
 */
public final class TraceWriter implements TraceSink, Closeable {
  /** Each message type's {@code txn} accessor, looked up once. */
  private static final ClassValue<Optional<Method>> TXN =
      new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> type) {
          if (!type.isRecord()) {
            return Optional.empty();
          }
          for (RecordComponent c : type.getRecordComponents()) {
            if (c.getName().equals("txn")) {
              Method accessor = c.getAccessor();
              accessor.setAccessible(true);
              return Optional.of(accessor);
            }
          }
          return Optional.empty();
        }
      };

  private final BufferedWriter out;
  private final TraceMode mode;

  private TraceWriter(BufferedWriter out, TraceMode mode) {
    this.out = out;
    this.mode = mode;
  }

  /** A writer of {@code file} keeping what {@code mode} keeps ({@link TraceMode#FULL} or less). */
  public static TraceWriter open(Path file, TraceMode mode) throws IOException {
    if (mode == TraceMode.OFF) {
      throw new IllegalArgumentException("--trace off writes no trace file");
    }
    GZIPOutputStream gzip =
        new GZIPOutputStream(
            new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), 1 << 16);
    return new TraceWriter(
        new BufferedWriter(new OutputStreamWriter(gzip, StandardCharsets.UTF_8), 1 << 16), mode);
  }

  /** A line from the simulator's {@link dev.txlab.node.sim.Trace}. */
  @Override
  public void accept(String line, Message message, long sentNanos) {
    int a = line.indexOf(' ');
    int b = line.indexOf(' ', a + 1);
    String what = b < 0 ? "" : line.substring(b + 1);
    if (!mode.keeps(what)) {
      return;
    }
    try {
      out.write("{\"t\":");
      out.write(line, 0, a);
      out.write(",\"at\":");
      writeString(b < 0 ? line.substring(a + 1) : line.substring(a + 1, b));
      out.write(",\"what\":");
      writeString(what);
      if (message != null) {
        out.write(",\"sent\":");
        out.write(Long.toString(sentNanos));
        Object txn = txnOf(message);
        if (txn != null) {
          out.write(",\"txn\":");
          writeString(txn.toString());
        }
      }
      out.write("}\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An event from a host without a simulator trace (the live host's applied faults). */
  public void event(long timeNanos, String at, String what) {
    accept(timeNanos + " " + at + " " + what, null, -1);
  }

  private static Object txnOf(Message m) {
    Optional<Method> accessor = TXN.get(m.getClass());
    if (accessor.isEmpty()) {
      return null;
    }
    try {
      return accessor.get().invoke(m);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the txn of " + m.getClass().getName(), e);
    }
  }

  private void writeString(String s) throws IOException {
    out.write('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.write('\\');
        out.write(c);
      } else if (c < 0x20) {
        out.write(String.format("\\u%04x", (int) c));
      } else {
        out.write(c);
      }
    }
    out.write('"');
  }

  /** Finishes the compressed stream: a trace not closed is a damaged file. */
  @Override
  public void close() throws IOException {
    out.close();
  }
}
