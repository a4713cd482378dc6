package dev.txlab.scenarios.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a trace file, compressed ({@code trace.jsonl.gz}, as runs write it) or not ({@code
 * trace.jsonl}, as runs wrote it before), telling them apart by their first bytes. Every tool that
 * reads a trace reads it here, so a damaged file is reported one way: the file, the line and the
 * field.
 */
public final class TraceReader {
  private static final JsonFactory JSON = new JsonFactory();

  private TraceReader() {}

  /** Hands every line of {@code file} to {@code each}, in order. */
  public static void read(Path file, Consumer<TraceLine> each) throws TraceException {
    long number = 0;
    try (BufferedReader in = open(file)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        number++;
        if (!line.isBlank()) {
          each.accept(parse(file, number, line));
        }
      }
    } catch (NoSuchFileException e) {
      throw new TraceException(file + ": no such trace file");
    } catch (EOFException e) {
      throw new TraceException(
          file
              + ": the compressed data ends early, after line "
              + number
              + " (the file is damaged or was not finished)");
    } catch (ZipException e) {
      throw new TraceException(
          file + ": damaged compressed data after line " + number + " (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new TraceException(file + ": cannot read: " + e.getMessage());
    }
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
    in.reset();
    if (gzip) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  private static TraceLine parse(Path file, long number, String line) throws TraceException {
    long t = -1;
    String at = null;
    String what = null;
    long sent = -1;
    String txn = null;
    String where = file + ":" + number + ": ";
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new TraceException(where + "not a trace event (expected a JSON object)");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "t" -> t = number(where, field, p, v);
          case "sent" -> sent = number(where, field, p, v);
          case "at" -> at = text(where, field, p, v);
          case "what" -> what = text(where, field, p, v);
          case "txn" -> txn = text(where, field, p, v);
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new TraceException(where + "not a trace event (text after the object)");
      }
    } catch (JsonProcessingException e) {
      throw new TraceException(where + "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new TraceException(where + "cannot read: " + e.getMessage());
    }
    if (t < 0) {
      throw new TraceException(where + "field t: missing (every event has its time)");
    }
    if (at == null || what == null) {
      throw new TraceException(where + "field " + (at == null ? "at" : "what") + ": missing");
    }
    return new TraceLine(t, at, what, sent, txn);
  }

  private static long number(String where, String field, JsonParser p, JsonToken v)
      throws IOException, TraceException {
    if (v != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
      throw new TraceException(
          where
              + "field "
              + field
              + ": expected nanoseconds (a whole number), found "
              + p.getText());
    }
    return p.getLongValue();
  }

  private static String text(String where, String field, JsonParser p, JsonToken v)
      throws IOException, TraceException {
    if (v != JsonToken.VALUE_STRING) {
      throw new TraceException(
          where + "field " + field + ": expected a string, found " + p.getText());
    }
    return p.getText();
  }
}
