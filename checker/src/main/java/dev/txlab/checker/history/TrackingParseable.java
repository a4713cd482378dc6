package dev.txlab.checker.history;

import java.io.IOException;
import java.io.Reader;
import us.bpsm.edn.parser.Parseable;

/**
 * Feeds characters to edn-java while counting lines and columns, so that every error can say
 * where it happened. Also lets the history reader look at the text between forms (blanks,
 * commas, comments, the brackets of a top-level collection) without handing it to the parser.
 */
final class TrackingParseable implements Parseable {
  private static final int HISTORY = 16;

  private final Reader in;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int limit;
  private long line = 1;
  private long column;
  // Positions before the last few reads, so unread() restores them exactly.
  private final long[] prevLine = new long[HISTORY];
  private final long[] prevColumn = new long[HISTORY];
  private int depth;
  private boolean eof;

  TrackingParseable(Reader in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    if (pos == limit && !fill()) {
      return END_OF_INPUT;
    }
    char c = buf[pos++];
    int slot = depth % HISTORY;
    prevLine[slot] = line;
    prevColumn[slot] = column;
    depth++;
    if (c == '\n') {
      line++;
      column = 0;
    } else {
      column++;
    }
    return c;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    // Keep the tail of the old buffer so that unread() can step back across a refill.
    int keep = Math.min(pos, HISTORY);
    System.arraycopy(buf, pos - keep, buf, 0, keep);
    pos = keep;
    limit = keep;
    int n = in.read(buf, keep, buf.length - keep);
    if (n <= 0) {
      eof = true;
      return false;
    }
    limit += n;
    return true;
  }

  @Override
  public void unread(int ch) throws IOException {
    if (ch == END_OF_INPUT) {
      return;
    }
    if (pos == 0 || depth == 0) {
      throw new IOException("cannot step back that far");
    }
    pos--;
    depth--;
    int slot = depth % HISTORY;
    line = prevLine[slot];
    column = prevColumn[slot];
  }

  /** The next character without consuming it, or -1 at the end. */
  int peek() throws IOException {
    int c = read();
    unread(c);
    return c;
  }

  /** Skips whitespace, commas and {@code ;} comments: what EDN treats as nothing. */
  void skipBlank() throws IOException {
    while (true) {
      int c = read();
      if (c == END_OF_INPUT) {
        return;
      }
      if (c == ';') {
        while (c != '\n' && c != END_OF_INPUT) {
          c = read();
        }
        continue;
      }
      if (c == ',' || Character.isWhitespace(c) || c == '\uFEFF') {
        continue;
      }
      unread(c);
      return;
    }
  }

  /** Line of the next character to be read (1-based). */
  long line() {
    return line;
  }

  /** Column of the last character read (1-based; 0 at the start of a line). */
  long column() {
    return column;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
