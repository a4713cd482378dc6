package dev.txlab.chaos.schedule;

import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.FaultSyntaxException;

/**
 * A cursor over the space-separated words of a schedule line that remembers where each word starts,
 * so errors can name the column. Schedule lines are simple enough for this; the fault at the end of
 * a line is handed, with its offset, to the fault parser.
 */
final class Words {
  private final String text;
  private int pos;

  Words(String text) {
    this.text = text;
    skipSpaces();
  }

  String text() {
    return text;
  }

  boolean atEnd() {
    return pos >= text.length();
  }

  /** 0-based offset of the next word (or of the end). */
  int offset() {
    return pos;
  }

  /** The next word without consuming it; empty at the end. */
  String peek() {
    int end = pos;
    while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
      end++;
    }
    return text.substring(pos, end);
  }

  String next() {
    String word = peek();
    pos += word.length();
    skipSpaces();
    return word;
  }

  /** The rest of the line from the next word on. */
  String rest() {
    return text.substring(pos);
  }

  /** Reads a duration after {@code keyword}; {@code tilde} allows (and strips) a leading ~. */
  long duration(String keyword, String example, boolean tilde) throws FaultSyntaxException {
    int start = pos;
    String word = next();
    if (word.isEmpty()) {
      throw error(start, "expected a duration like " + example + " after '" + keyword + "'");
    }
    int skip = tilde && word.startsWith("~") ? 1 : 0;
    try {
      return Durations.parse(word.substring(skip));
    } catch (FaultSyntaxException e) {
      throw e.within(text, start + skip);
    }
  }

  FaultSyntaxException error(int offset, String problem) {
    return new FaultSyntaxException(text, offset + 1, problem);
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }
}
