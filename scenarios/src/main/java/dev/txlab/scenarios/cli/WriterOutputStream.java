package dev.txlab.scenarios.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Lets code that prints to a {@link java.io.PrintStream} (the benchmarks) write to picocli's output
 * writer, so tests can capture it like any other command output. Bytes are decoded as UTF-8 line by
 * line.
 */
final class WriterOutputStream extends OutputStream {
  private final PrintWriter out;
  private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

  WriterOutputStream(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void write(int b) {
    line.write(b);
    if (b == '\n') {
      flush();
    }
  }

  @Override
  public void flush() {
    out.print(line.toString(StandardCharsets.UTF_8));
    out.flush();
    line.reset();
  }
}
