package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txlab.node.api.Address;
import dev.txlab.node.kv.KvCommand;
import dev.txlab.node.kv.KvOp;
import dev.txlab.node.raft.HardState;
import dev.txlab.node.raft.LogEntry;
import dev.txlab.node.raft.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery of {@link FileStorage}: each test writes batches, damages the file the way a crash
 * (or a bad disk) would, reopens, and checks that recovery kept exactly the whole batches before
 * the damage — never part of one — and said what it repaired.
 */
class FileStorageTest {
  private static final RecordCodec CODEC = NodeCodecTable.codec();
  private static final Address N1 = Address.parse("n1/shard-0");

  @TempDir Path dir;

  private FileStorage open() throws IOException {
    return FileStorage.open(dir, CODEC, FileStorage.Options.defaults());
  }

  private static LogEntry entry(long term, long index) {
    return new LogEntry(
        term, index, new KvCommand("c1", index, new KvOp.Put("k" + index, "v" + index)));
  }

  /** Batch i: hard state term i, entry i. One flushed record per batch. */
  private FileStorage writeBatches(int n) throws IOException {
    FileStorage s = open();
    for (int i = 1; i <= n; i++) {
      s.put("hard", new HardState(i, N1));
      s.logAppend(entry(i, i));
      s.sync();
      s.flushNow();
    }
    return s;
  }

  private Path wal() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> wals = files.filter(p -> p.getFileName().toString().endsWith(".log")).toList();
      assertThat(wals).hasSize(1);
      return wals.get(0);
    }
  }

  /** Offsets of each record after the image, read from the file's length prefixes. */
  private List<Long> recordOffsets() throws IOException {
    byte[] data = Files.readAllBytes(wal());
    List<Long> offsets = new ArrayList<>();
    int pos = FileStorage.HEADER;
    while (pos + 8 <= data.length) {
      offsets.add((long) pos);
      pos += 8 + ByteBuffer.wrap(data, pos, 4).getInt();
    }
    return offsets;
  }

  private static void assertBatches(FileStorage s, int n) {
    assertThat(s.logFirstIndex()).isEqualTo(1);
    assertThat(s.logLastIndex()).isEqualTo(n);
    for (int i = 1; i <= n; i++) assertThat(s.logGet(i, LogEntry.class)).isEqualTo(entry(i, i));
    HardState hs = s.get("hard", HardState.class);
    if (n == 0) assertThat(hs).isNull();
    else assertThat(hs).isEqualTo(new HardState(n, N1));
  }

  @Test
  void writesSurviveAReopenWithTheirTypes() throws IOException {
    FileStorage s = writeBatches(3);
    s.put("snap", new Snapshot(2, 1, List.of("any", 1L, true)));
    s.put("count", 7L);
    s.flushNow();
    s.close();
    FileStorage r = open();
    assertBatches(r, 3);
    assertThat(r.get("snap", Snapshot.class))
        .isEqualTo(new Snapshot(2, 1, List.of("any", 1L, true)));
    assertThat(r.get("count", Long.class)).isEqualTo(7L);
    assertThat(r.recovery().repaired()).isFalse();
  }

  @Test
  void writesNeverTakenAreLostInACrash() throws IOException {
    FileStorage s = writeBatches(2);
    s.put("hard", new HardState(99, null));
    s.logAppend(entry(9, 3));
    s.close(); // a crash: the batch was still in memory
    assertBatches(open(), 2);
  }

  @Test
  void truncationAndCompactionReplay() throws IOException {
    FileStorage s = writeBatches(5);
    s.logTruncateFrom(4);
    s.logAppend(entry(7, 4));
    s.logCompactThrough(2);
    s.delete("hard");
    s.flushNow();
    s.close();
    FileStorage r = open();
    assertThat(r.logFirstIndex()).isEqualTo(3);
    assertThat(r.logLastIndex()).isEqualTo(4);
    assertThat(r.logGet(3, LogEntry.class)).isEqualTo(entry(3, 3));
    assertThat(r.logGet(4, LogEntry.class)).isEqualTo(entry(7, 4));
    assertThat(r.get("hard", HardState.class)).isNull();
  }

  @Test
  void aTruncatedTailIsCutAtTheLastWholeRecord() throws IOException {
    writeBatches(3).close();
    List<Long> offsets = recordOffsets();
    long lastStart = offsets.get(offsets.size() - 1);
    byte[] whole = Files.readAllBytes(wal());
    for (long cut = whole.length - 1; cut > lastStart; cut -= 3) {
      Files.write(wal(), java.util.Arrays.copyOf(whole, (int) cut));
      FileStorage r = open();
      assertBatches(r, 2);
      assertThat(r.recovery().notes()).singleElement().asString().contains("truncated");
      assertThat(Files.size(wal())).isEqualTo(lastStart);
      r.close();
      writeAgainAndCheck(3); // the repaired file takes new records and keeps them
    }
  }

  private void writeAgainAndCheck(int n) throws IOException {
    FileStorage r = open();
    r.put("hard", new HardState(n, N1));
    r.logAppend(entry(n, n));
    r.flushNow();
    r.close();
    FileStorage again = open();
    assertBatches(again, n);
    assertThat(again.recovery().repaired()).isFalse();
    again.close();
  }

  @Test
  void aCorruptCrcInTheLastRecordDropsThatRecordOnly() throws IOException {
    writeBatches(3).close();
    long lastStart = recordOffsets().get(recordOffsets().size() - 1);
    flipByte(lastStart + 8 + 3);
    FileStorage r = open();
    assertBatches(r, 2);
    assertThat(r.recovery().notes()).singleElement().asString().contains("CRC32C");
    assertThat(r.recovery().bytesTruncated()).isPositive();
  }

  @Test
  void garbageAfterTheLastRecordIsRemoved() throws IOException {
    writeBatches(3).close();
    long size = Files.size(wal());
    byte[] garbage = new byte[777];
    new Random(7).nextBytes(garbage);
    Files.write(wal(), garbage, StandardOpenOption.APPEND);
    FileStorage r = open();
    assertBatches(r, 3);
    assertThat(r.recovery().bytesTruncated()).isEqualTo(777);
    assertThat(Files.size(wal())).isEqualTo(size);
  }

  @Test
  void aZeroFilledTailIsRemoved() throws IOException {
    writeBatches(2).close();
    Files.write(wal(), new byte[4096], StandardOpenOption.APPEND);
    FileStorage r = open();
    assertBatches(r, 2);
    assertThat(r.recovery().bytesTruncated()).isEqualTo(4096);
  }

  @Test
  void aHalfWrittenHardStateUpdateIsNotAppliedAtAllNorIsTheRestOfItsStep() throws IOException {
    FileStorage s = writeBatches(2);
    // One step: a new term and vote, and a log entry, in one batch.
    s.put("hard", new HardState(50, null));
    s.logAppend(entry(50, 3));
    s.flushNow();
    s.close();
    long lastStart = recordOffsets().get(recordOffsets().size() - 1);
    long size = Files.size(wal());
    // Every possible tear inside the step's record: neither the hard state nor the entry survives.
    for (long cut = lastStart + 1; cut < size; cut++) {
      byte[] whole = Files.readAllBytes(wal());
      try (var ch = java.nio.channels.FileChannel.open(wal(), StandardOpenOption.WRITE)) {
        ch.truncate(cut);
      }
      FileStorage r = open();
      assertBatches(r, 2);
      r.close();
      Files.write(wal(), java.util.Arrays.copyOf(whole, (int) size));
    }
  }

  @Test
  void aHalfWrittenCheckpointIsDiscardedAndTheOldGenerationKept() throws IOException {
    writeBatches(3).close();
    Path wal = wal();
    byte[] data = Files.readAllBytes(wal);
    Path tmp =
        FileStorage.walPath(dir, 99)
            .resolveSibling(FileStorage.walPath(dir, 99).getFileName() + ".tmp");
    Files.write(tmp, java.util.Arrays.copyOf(data, data.length / 2));
    FileStorage r = open();
    assertBatches(r, 3);
    assertThat(r.recovery().notes()).singleElement().asString().contains("half-written checkpoint");
    assertThat(Files.exists(tmp)).isFalse();
  }

  @Test
  void rotationKeepsOneGenerationAndTheWholeState() throws IOException {
    FileStorage s =
        FileStorage.open(dir, CODEC, new FileStorage.Options(FileStorage.Fsync.ALWAYS, 4096));
    for (int i = 1; i <= 300; i++) {
      s.put("hard", new HardState(i, N1));
      s.logAppend(entry(i, i));
      if (i % 50 == 0) s.logCompactThrough(i - 10);
      s.flushNow();
    }
    s.close();
    wal(); // exactly one file
    FileStorage r = open();
    assertThat(r.recovery().generation()).isGreaterThan(3);
    assertThat(r.logFirstIndex()).isEqualTo(291);
    assertThat(r.logLastIndex()).isEqualTo(300);
    assertThat(r.logGet(295, LogEntry.class)).isEqualTo(entry(295, 295));
    assertThat(r.get("hard", HardState.class)).isEqualTo(new HardState(300, N1));
  }

  @Test
  void aValidChecksumOverUndecodableContentIsCorruptionNotATornWrite() throws IOException {
    writeBatches(2).close();
    // A well-formed record (length, CRC, durable mark) whose operation is unknown.
    byte[] payload = {0, 0, 0, 0, 0, 0, 0, 0, 1, 42};
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(payload);
    ByteBuffer rec =
        ByteBuffer.allocate(8 + payload.length)
            .putInt(payload.length)
            .putInt((int) crc.getValue())
            .put(payload);
    Files.write(wal(), rec.array(), StandardOpenOption.APPEND);
    assertThatThrownBy(this::open)
        .isInstanceOf(FileStorage.CorruptStorageException.class)
        .hasMessageContaining("valid checksum")
        .hasMessageContaining("unknown operation 42");
  }

  @Test
  void aCorruptImageRefusesToOpen() throws IOException {
    writeBatches(1).close();
    flipByte(FileStorage.HEADER + 8);
    assertThatThrownBy(this::open)
        .isInstanceOf(FileStorage.CorruptStorageException.class)
        .hasMessageContaining("image");
  }

  @Test
  void fsyncNeverSkipsTheFsyncButStillWrites() throws IOException {
    FileStorage never =
        FileStorage.open(
            dir, CODEC, FileStorage.Options.defaults().withFsync(FileStorage.Fsync.NEVER));
    never.put("hard", new HardState(1, N1));
    never.logAppend(entry(1, 1));
    never.flushNow();
    assertThat(never.fsyncCount()).isZero();
    never.close();
    FileStorage always = open(); // the page cache still has it: only a power cut would lose it
    assertBatches(always, 1);
    always.logAppend(entry(2, 2));
    always.put("hard", new HardState(2, N1));
    always.flushNow();
    assertThat(always.fsyncCount()).isEqualTo(1);
  }

  /**
   * Random damage after the image, each batch fsynced as it was written: a cut, or a flipped byte
   * in the last record, is a torn tail and recovery keeps exactly the whole batches before it; a
   * flipped byte in any earlier record is damage to acknowledged data — a later record vouches that
   * it was fsynced — and the storage refuses to open.
   */
  @Test
  void randomDamageNeverYieldsAPartialBatchNorForgetsAcknowledgedOnes() throws IOException {
    writeBatches(6).close();
    byte[] whole = Files.readAllBytes(wal());
    List<Long> offsets = recordOffsets();
    Random random = new Random(11);
    int refused = 0;
    int truncated = 0;
    for (int trial = 0; trial < 200; trial++) {
      byte[] damaged = whole.clone();
      int from = (int) (long) offsets.get(1);
      int at = from + random.nextInt(whole.length - from);
      boolean flip = random.nextBoolean();
      if (flip) {
        damaged[at] ^= (byte) (1 + random.nextInt(255));
      } else {
        damaged = java.util.Arrays.copyOf(damaged, at);
      }
      Files.write(wal(), damaged);
      int intact = 0;
      for (int i = 1; i < offsets.size(); i++)
        if (offsets.get(i) + recordLength(whole, offsets.get(i)) <= at) intact++;
      boolean inLastRecord = at >= offsets.get(offsets.size() - 1);
      if (flip && !inLastRecord) {
        assertThatThrownBy(this::open)
            .as("trial %d: flip at %d", trial, at)
            .isInstanceOf(FileStorage.CorruptStorageException.class)
            .hasMessageContaining("fsynced through offset");
        refused++;
        continue;
      }
      FileStorage r = open();
      assertBatches(r, intact);
      r.close();
      truncated++;
    }
    assertThat(refused).isPositive();
    assertThat(truncated).isPositive();
  }

  @Test
  void corruptionBeforeTheEndRefusesToOpenNamingFileAndOffsets() throws IOException {
    writeBatches(5).close();
    List<Long> offsets = recordOffsets();
    long second = offsets.get(2);
    flipByte(second + 20);
    byte[] before = Files.readAllBytes(wal());
    assertThatThrownBy(this::open)
        .isInstanceOf(FileStorage.CorruptStorageException.class)
        .hasMessageContaining(wal().getFileName().toString())
        .hasMessageContaining("at offset " + second)
        .hasMessageContaining("fsynced through offset " + offsets.get(offsets.size() - 1))
        .hasMessageContaining("refusing to start");
    assertThat(Files.readAllBytes(wal())).as("nothing changed on disk").isEqualTo(before);
  }

  /** Records written after the last fsync carry no promise: damage there is a torn tail. */
  @Test
  void damageToRecordsNeverFsyncedIsATornTail() throws IOException {
    FileStorage s = writeBatches(2);
    for (int i = 3; i <= 4; i++) {
      s.put("hard", new HardState(i, N1));
      s.logAppend(entry(i, i));
      s.write(s.takeBatch()); // written, never forced
    }
    s.close();
    List<Long> offsets = recordOffsets();
    flipByte(offsets.get(3) + 20); // batch 3: batch 4 after it was written before any fsync
    FileStorage r = open();
    assertBatches(r, 2);
    assertThat(r.recovery().notes()).singleElement().asString().contains("truncated");
    r.close();
  }

  private static long recordLength(byte[] data, long offset) {
    return 8 + ByteBuffer.wrap(data, (int) offset, 4).getInt();
  }

  private void flipByte(long offset) throws IOException {
    byte[] data = Files.readAllBytes(wal());
    data[(int) offset] ^= 0x5A;
    Files.write(wal(), data);
  }
}
