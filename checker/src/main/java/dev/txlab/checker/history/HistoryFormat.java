package dev.txlab.checker.history;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** The history formats txlab reads, and how a file's format is told from its content. */
public enum HistoryFormat {
  EDN("edn", new EdnHistoryReader()),
  JSONL("jsonl", new JsonlHistoryReader()),
  JEPSEN_LOG("jepsen-log", new JepsenLogReader());

  private final String text;
  private final HistoryReader reader;

  HistoryFormat(String text, HistoryReader reader) {
    this.text = text;
    this.reader = reader;
  }

  /** The command-line spelling: {@code edn}, {@code jsonl}, {@code jepsen-log}. */
  public String text() {
    return text;
  }

  public HistoryReader reader() {
    return reader;
  }

  /** The format spelled {@code text}, or null. */
  public static HistoryFormat parse(String text) {
    for (HistoryFormat f : values()) {
      if (f.text.equals(text.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    return null;
  }

  /**
   * Reads a history file ({@code .gz} files are decompressed, whatever their name).
   *
   * @param format the format, or null to tell it from the content
   */
  public static History read(Path file, HistoryFormat format) throws HistoryException, IOException {
    String source = file.toString();
    InputStream raw;
    try {
      raw = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new HistoryException(source, 0, 0, "no such file");
    }
    try (InputStream in = decompress(new BufferedInputStream(raw, 1 << 16))) {
      BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
      HistoryFormat f = format != null ? format : detect(source, buffered);
      Reader reader = new InputStreamReader(buffered, StandardCharsets.UTF_8);
      return f.reader.read(source, reader);
    }
  }

  private static InputStream decompress(BufferedInputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new GZIPInputStream(in, 1 << 16);
    }
    return in;
  }

  /** Looks at the first few kilobytes and says which format they are in. */
  static HistoryFormat detect(String source, BufferedInputStream in)
      throws IOException, HistoryException {
    int window = 1 << 16;
    in.mark(window);
    byte[] head = in.readNBytes(window);
    in.reset();
    return detect(source, new String(head, StandardCharsets.UTF_8));
  }

  static HistoryFormat detect(String source, String head) throws HistoryException {
    if (head.contains(JepsenLogReader.MARKER + " - ")
        || head.contains(JepsenLogReader.MARKER + "\t-")) {
      return JEPSEN_LOG;
    }
    int i = 0;
    while (i < head.length()) {
      char c = head.charAt(i);
      if (c == ';') {
        // An EDN comment: only EDN has these.
        return EDN;
      }
      if (Character.isWhitespace(c) || c == '\uFEFF') {
        i++;
        continue;
      }
      if (c == '{') {
        int j = i + 1;
        while (j < head.length() && Character.isWhitespace(head.charAt(j))) {
          j++;
        }
        return j < head.length() && head.charAt(j) == '"' ? JSONL : EDN;
      }
      if (c == '[') {
        // A JSON array of objects (elle-cli's layout) starts with [{" ; EDN would be [{:
        int j = i + 1;
        while (j < head.length() && Character.isWhitespace(head.charAt(j))) {
          j++;
        }
        int k = j + 1;
        while (k < head.length() && Character.isWhitespace(head.charAt(k))) {
          k++;
        }
        if (j < head.length()
            && head.charAt(j) == '{'
            && k < head.length()
            && head.charAt(k) == '"') {
          return JSONL;
        }
        return EDN;
      }
      if (c == '(' || c == '#') {
        return EDN;
      }
      throw new HistoryException(
          source,
          0,
          0,
          "cannot tell the history's format: expected EDN ('[', '(' or '{:'), JSON Lines ('{\"')"
              + " or a Jepsen log ('INFO jepsen.util - …'); give --format");
    }
    // An empty file: an empty history in any format.
    return EDN;
  }
}
