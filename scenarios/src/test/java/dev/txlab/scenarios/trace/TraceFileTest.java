package dev.txlab.scenarios.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.node.api.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace file: what {@link TraceWriter} writes, {@link TraceReader} reads back — compressed, in
 * each mode, or uncompressed as older runs wrote it — and a damaged file is refused naming the
 * file, the line and the field.
 */
class TraceFileTest {
  @TempDir Path dir;

  /** A message of a transaction, as the protocols' are: a record component named txn. */
  record Prepare(String txn, int shard) implements Message {}

  /** A message of no transaction. */
  record Heartbeat(long term) implements Message {}

  private Path write(TraceMode mode) throws Exception {
    Path file = dir.resolve(mode.text() + ".jsonl.gz");
    try (TraceWriter w = TraceWriter.open(file, mode)) {
      w.accept("0 n1/shard-0 start 0", null, -1);
      w.accept("5 n1/shard-0 timer Tick", null, -1);
      w.accept("7 n2/shard-0 recv n1/shard-0 Prepare", new Prepare("c1/client:4.0", 0), 5);
      w.accept("9 n2/shard-0 synced", null, -1);
      w.accept("11 n3/shard-0 drop partition n1/shard-0 Heartbeat", new Heartbeat(2), 11);
      w.accept("12 n3 log a \"quoted\" \\ line", null, -1);
      w.accept("13 net cut n1->n2", null, -1);
    }
    return file;
  }

  private static List<TraceLine> read(Path file) throws TraceException {
    List<TraceLine> lines = new ArrayList<>();
    TraceReader.read(file, lines::add);
    return lines;
  }

  @Test
  void aFullTraceRoundTripsCompressedWithSendTimesAndTransactions() throws Exception {
    Path file = write(TraceMode.FULL);
    byte[] head = Arrays.copyOf(Files.readAllBytes(file), 2);
    assertThat(head).as("gzip magic").containsExactly(0x1f, 0x8b);
    List<TraceLine> lines = read(file);
    assertThat(lines)
        .containsExactly(
            new TraceLine(0, "n1/shard-0", "start 0", -1, null),
            new TraceLine(5, "n1/shard-0", "timer Tick", -1, null),
            new TraceLine(7, "n2/shard-0", "recv n1/shard-0 Prepare", 5, "c1/client:4.0"),
            new TraceLine(9, "n2/shard-0", "synced", -1, null),
            new TraceLine(11, "n3/shard-0", "drop partition n1/shard-0 Heartbeat", 11, null),
            new TraceLine(12, "n3", "log a \"quoted\" \\ line", -1, null),
            new TraceLine(13, "net", "cut n1->n2", -1, null));
  }

  @Test
  void aSummaryKeepsMessagesFaultsAndStartsButNoTimersSyncsOrLogs() throws Exception {
    assertThat(read(write(TraceMode.SUMMARY)))
        .extracting(TraceLine::what)
        .containsExactly(
            "start 0",
            "recv n1/shard-0 Prepare",
            "drop partition n1/shard-0 Heartbeat",
            "cut n1->n2");
  }

  @Test
  void anUncompressedTraceOfAnOlderRunIsReadToo() throws Exception {
    Path file = dir.resolve("trace.jsonl");
    Files.writeString(
        file,
        "{\"t\":3,\"at\":\"n1/shard-0\",\"what\":\"start 0\"}\n\n{\"t\":4,\"at\":\"net\",\"what\":\"heal-all\"}\n");
    assertThat(read(file)).extracting(TraceLine::t).containsExactly(3L, 4L);
  }

  @Test
  void aTruncatedCompressedTraceIsRefusedNamingTheFile() throws Exception {
    Path file = write(TraceMode.FULL);
    Path cut = dir.resolve("cut.jsonl.gz");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(cut, Arrays.copyOf(bytes, bytes.length - 12));
    assertThatThrownBy(() -> read(cut))
        .isInstanceOf(TraceException.class)
        .hasMessageContaining(cut.toString())
        .hasMessageContaining("ends early");
  }

  @Test
  void corruptCompressedDataIsRefusedNamingTheFile() throws Exception {
    Path file = write(TraceMode.FULL);
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 12; i < bytes.length - 8; i++) {
      bytes[i] = (byte) 0x5a;
    }
    Path bad = dir.resolve("bad.jsonl.gz");
    Files.write(bad, bytes);
    assertThatThrownBy(() -> read(bad))
        .isInstanceOf(TraceException.class)
        .hasMessageStartingWith(bad.toString() + ":");
  }

  @Test
  void aBadLineIsRefusedNamingTheLineAndTheField() throws Exception {
    assertBadLine(
        "{\"t\":\"soon\",\"at\":\"n1\",\"what\":\"crash\"}", ":2: field t: expected nanoseconds");
    assertBadLine("{\"at\":\"n1\",\"what\":\"crash\"}", ":2: field t: missing");
    assertBadLine("{\"t\":4,\"what\":\"crash\"}", ":2: field at: missing");
    assertBadLine("{\"t\":4,\"at\":\"n1\",\"what\":7}", ":2: field what: expected a string");
    assertBadLine("{\"t\":4,\"at\":\"n1\",\"what\":\"crash\",\"sent\":-3}", ":2: field sent:");
    assertBadLine("[1,2]", ":2: not a trace event");
    assertBadLine("{\"t\":4,", ":2: not JSON");
  }

  private void assertBadLine(String line, String message) throws Exception {
    Path file = dir.resolve("lines.jsonl");
    Files.writeString(file, "{\"t\":1,\"at\":\"n1\",\"what\":\"crash\"}\n" + line + "\n");
    assertThatThrownBy(() -> read(file))
        .as(line)
        .isInstanceOf(TraceException.class)
        .hasMessageContaining(file + message);
  }

  @Test
  void aMissingTraceIsRefusedNamingIt() {
    Path none = dir.resolve("none.jsonl.gz");
    assertThatThrownBy(() -> read(none))
        .isInstanceOf(TraceException.class)
        .hasMessage(none + ": no such trace file");
  }

  @Test
  void offWritesNothingAndBadModesAreNamed() {
    assertThatThrownBy(() -> TraceWriter.open(dir.resolve("x.gz"), TraceMode.OFF))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(dir.resolve("x.gz")).doesNotExist();
    assertThat(TraceMode.parse("summary")).isEqualTo(TraceMode.SUMMARY);
    assertThatThrownBy(() -> TraceMode.parse("FULL"))
        .hasMessage("--trace must be full, summary or off, not 'FULL'");
  }
}
