package dev.txlab.node.live;

import dev.txlab.node.api.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A process's {@link Storage} in a directory of its own: its hard state (key → value) and its log
 * are kept in memory for reads and made durable in a write-ahead file of checksummed batches.
 *
 * <h2>On disk</h2>
 *
 * {@code wal-<generation>.log}: an 8-byte header ({@code TXLW}, format version 2, zeros), then
 * records {@code [u32 payload length][u32 CRC32C of payload][payload]}. A payload opens with the
 * record's <em>durable mark</em> — how many bytes of this file were known to be fsynced when the
 * record was written — and goes on with a batch of operations (put, delete, append, truncate,
 * compact, reset) — everything a process wrote since the previous batch, so always whole steps. The
 * first record of every generation is an image of the whole state (a reset, the puts, the log
 * entries). When the file grows past {@link Options#rotateBytes} the next batch becomes the image
 * of a new generation, written to a {@code .tmp} file, fsynced, renamed into place and the
 * directory fsynced before the old generation is deleted — so the newest complete generation is
 * always readable.
 *
 * <h2>Crash safety</h2>
 *
 * <ul>
 *   <li>A batch is one record: after a crash it is either entirely there (its CRC matches) or it is
 *       dropped with everything after it. A record is never half-applied, and a step's writes never
 *       survive in part.
 *   <li>Recovery on open reads the newest generation and replays valid records up to the first bad
 *       one (short length, bad CRC, garbage). It then tells a torn tail from corruption. Records
 *       after the last completed fsync may be missing or torn in any order (the page cache writes
 *       back as it likes), so a bad record that no later record vouches for is a torn tail: the
 *       file is truncated there, losing only writes never acknowledged as durable, and {@link
 *       #recovery()} says so. But if any valid record after it carries a durable mark beyond the
 *       bad record's offset, that record was fsynced — acknowledged, perhaps counted in a Raft
 *       commit majority — and is now damaged: forgetting it is not safe (a log that forgets
 *       acknowledged entries can elect a leader without them), so the storage refuses to open with
 *       {@link CorruptStorageException} naming the file and offsets. (Damage to the last fsynced
 *       record, with nothing written after it, cannot be told from a torn write this way.)
 *   <li>A record whose CRC is valid but whose content does not decode or apply, or a bad image
 *       record, is not a torn write: it is reported as {@link CorruptStorageException} and the
 *       storage refuses to open rather than guess.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * The owning process's thread calls the {@link Storage} methods and {@link #takeBatch()}; a disk
 * thread (the {@link GroupCommitter}) calls {@link #write} and {@link #force}. Writes are buffered
 * in memory until taken, so a crash before the batch is written loses them, as the step contract
 * says.
 */
public final class FileStorage implements Storage {
  /** Whether {@link #force} really fsyncs. {@code NEVER} is the mutant knob "fsync: never". */
  public enum Fsync {
    ALWAYS,
    NEVER
  }

  /**
   * @param rotateBytes start a new generation when the file passes this size
   */
  public record Options(Fsync fsync, long rotateBytes) {
    public Options {
      if (fsync == null || rotateBytes < 4096)
        throw new IllegalArgumentException("need fsync and rotateBytes >= 4096");
    }

    public static Options defaults() {
      return new Options(Fsync.ALWAYS, 64L << 20);
    }

    public Options withFsync(Fsync f) {
      return new Options(f, rotateBytes);
    }
  }

  /** What recovery found on open. */
  public record Recovery(long generation, long records, long bytesTruncated, List<String> notes) {
    public Recovery {
      notes = List.copyOf(notes);
    }

    public boolean repaired() {
      return !notes.isEmpty();
    }
  }

  /** Durable data that is not a torn write and cannot be read: the storage refuses to open. */
  public static final class CorruptStorageException extends IOException {
    public CorruptStorageException(String message) {
      super(message);
    }

    public CorruptStorageException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A batch taken from memory, to be written by the disk thread. */
  public record Batch(byte[] record, boolean image) {}

  static final byte[] MAGIC = {'T', 'X', 'L', 'W', 2, 0, 0, 0};

  /** Bytes of a record before its operations: length, CRC, durable mark. */
  static final int RECORD_PREFIX = 16;

  static final int HEADER = MAGIC.length;
  private static final int MAX_RECORD_BYTES = 256 << 20;

  private static final int PUT = 1;
  private static final int DELETE = 2;
  private static final int APPEND = 3;
  private static final int TRUNCATE = 4;
  private static final int COMPACT = 5;
  private static final int RESET = 6;

  private final Path dir;
  private final RecordCodec codec;
  private final Options options;
  private final Recovery recovery;

  // The state, as the process sees it (owner thread only).
  private final TreeMap<String, Object> values = new TreeMap<>();
  private ArrayList<Object> entries = new ArrayList<>();
  private long first = 1;
  private final RecordCodec.Bytes pending = new RecordCodec.Bytes(4096);
  private int pendingOps;
  private boolean syncRequested;
  // Bytes handed to the disk thread for the current generation (owner thread's estimate).
  private long generationBytes;

  // The file (disk thread, under io).
  private final Object io = new Object();
  private FileChannel channel;
  private long generation;
  private boolean closed;

  /** Bytes of the current generation known to be fsynced (the next record's durable mark). */
  private long durableBytes;

  private long fsyncs;

  private FileStorage(Path dir, RecordCodec codec, Options options) throws IOException {
    this.dir = dir;
    this.codec = codec;
    this.options = options;
    Files.createDirectories(dir);
    this.recovery = recover();
  }

  /** Opens (creating if needed) the storage in {@code dir}, recovering from a crash if needed. */
  public static FileStorage open(Path dir, RecordCodec codec, Options options) throws IOException {
    return new FileStorage(dir, codec, options);
  }

  public Recovery recovery() {
    return recovery;
  }

  public Path dir() {
    return dir;
  }

  public Options options() {
    return options;
  }

  // ---------------------------------------------------------------- Storage (owner thread)

  @Override
  public <T> T get(String key, Class<T> type) {
    return type.cast(values.get(key));
  }

  @Override
  public void put(String key, Object value) {
    if (key == null || value == null) throw new IllegalArgumentException("null key or value");
    pending.writeByte(PUT);
    pending.writeString(key);
    codec.write(pending, value, 0);
    pendingOps++;
    values.put(key, value);
  }

  @Override
  public void delete(String key) {
    pending.writeByte(DELETE);
    pending.writeString(key);
    pendingOps++;
    values.remove(key);
  }

  @Override
  public long logFirstIndex() {
    return first;
  }

  @Override
  public long logLastIndex() {
    return first + entries.size() - 1;
  }

  @Override
  public <T> T logGet(long index, Class<T> type) {
    if (index < first || index > logLastIndex()) {
      throw new IllegalArgumentException(
          "log index " + index + " outside [" + first + ", " + logLastIndex() + "]");
    }
    return type.cast(entries.get((int) (index - first)));
  }

  @Override
  public void logAppend(Object entry) {
    if (entry == null) throw new IllegalArgumentException("null log entry");
    pending.writeByte(APPEND);
    pending.writeVarLong(logLastIndex() + 1);
    codec.write(pending, entry, 0);
    pendingOps++;
    entries.add(entry);
  }

  @Override
  public void logTruncateFrom(long index) {
    if (index < first)
      throw new IllegalArgumentException(
          "cannot truncate below the first index " + first + ": " + index);
    if (index > logLastIndex()) return;
    pending.writeByte(TRUNCATE);
    pending.writeVarLong(index);
    pendingOps++;
    entries.subList((int) (index - first), entries.size()).clear();
  }

  @Override
  public void logCompactThrough(long index) {
    if (index < first) return;
    pending.writeByte(COMPACT);
    pending.writeVarLong(index);
    pendingOps++;
    compact(index);
  }

  private void compact(long index) {
    if (index >= logLastIndex()) {
      entries = new ArrayList<>();
    } else {
      entries = new ArrayList<>(entries.subList((int) (index - first + 1), entries.size()));
    }
    first = index + 1;
  }

  @Override
  public void sync() {
    syncRequested = true;
  }

  /** Whether the current step asked for a sync; clears the request. */
  public boolean takeSyncRequest() {
    boolean r = syncRequested;
    syncRequested = false;
    return r;
  }

  /** Bytes of writes buffered in memory, not yet taken. */
  public int pendingBytes() {
    return pending.size();
  }

  /**
   * The writes since the last batch as one record, or null if there are none. When the file has
   * grown past the rotation size the batch is instead an image of the whole state, which the disk
   * thread writes as a new generation.
   */
  public Batch takeBatch() {
    if (pendingOps == 0) return null;
    Batch b;
    if (generationBytes >= options.rotateBytes()) {
      b = new Batch(image(), true);
      generationBytes = b.record().length;
    } else {
      b = new Batch(framed(pendingOps, pending.array(), pending.size()), false);
      generationBytes += b.record().length;
    }
    pending.reset();
    pendingOps = 0;
    return b;
  }

  private byte[] image() {
    RecordCodec.Bytes ops = new RecordCodec.Bytes(1024);
    int n = 0;
    ops.writeByte(RESET);
    ops.writeVarLong(first);
    n++;
    for (var e : values.entrySet()) {
      ops.writeByte(PUT);
      ops.writeString(e.getKey());
      codec.write(ops, e.getValue(), 0);
      n++;
    }
    long index = first;
    for (Object entry : entries) {
      ops.writeByte(APPEND);
      ops.writeVarLong(index++);
      codec.write(ops, entry, 0);
      n++;
    }
    return framed(n, ops.array(), ops.size());
  }

  /** A framed record in an array of exactly its size (written once, never grown or copied). */
  private static byte[] framed(int opCount, byte[] ops, int opsLength) {
    RecordCodec.Bytes rec =
        new RecordCodec.Bytes(RECORD_PREFIX + RecordCodec.Bytes.varLongSize(opCount) + opsLength);
    frame(rec, opCount, ops, opsLength);
    if (rec.size() != rec.array().length) throw new IllegalStateException("record size miscounted");
    return rec.array();
  }

  /**
   * {@code [length][crc][durable mark][op count][ops]}; the disk thread fills in the durable mark
   * and the CRC when it writes the record ({@link #seal}).
   */
  private static void frame(RecordCodec.Bytes rec, int opCount, byte[] ops, int opsLength) {
    rec.writeInt(0); // length, filled below
    rec.writeInt(0); // crc, filled when written
    int start = rec.size();
    rec.writeInt(0); // durable mark (high), filled when written
    rec.writeInt(0); // durable mark (low)
    rec.writeVarLong(opCount);
    rec.writeBytes(ops, 0, opsLength);
    rec.putInt(0, rec.size() - start);
  }

  /** Stamps a framed record with its durable mark and its CRC, just before it is written. */
  private static byte[] seal(byte[] record, long durable) {
    ByteBuffer b = ByteBuffer.wrap(record);
    b.putLong(8, durable);
    CRC32C crc = new CRC32C();
    crc.update(record, 8, record.length - 8);
    b.putInt(4, (int) crc.getValue());
    return record;
  }

  // ---------------------------------------------------------------- disk thread

  /** Appends a taken batch (or starts a new generation with an image). False if closed. */
  public boolean write(Batch batch) throws IOException {
    synchronized (io) {
      if (closed) return false;
      if (batch.image()) {
        startGeneration(generation + 1, batch.record());
      } else {
        ByteBuffer buf = ByteBuffer.wrap(seal(batch.record(), durableBytes));
        while (buf.hasRemaining()) channel.write(buf);
      }
      return true;
    }
  }

  /** Makes everything written durable (unless fsync is off). False if closed. */
  public boolean force() throws IOException {
    synchronized (io) {
      if (closed) return false;
      if (options.fsync() == Fsync.ALWAYS) {
        long written = channel.position();
        channel.force(false);
        fsyncs++;
        // With fsync off nothing is ever known durable: every later record's mark stays put, and
        // recovery treats any damage as a torn tail, as it must.
        durableBytes = written;
      }
      return true;
    }
  }

  /** Takes, writes and forces in the calling thread: for tools and tests without a host. */
  public void flushNow() throws IOException {
    Batch b = takeBatch();
    if (b != null) write(b);
    force();
    takeSyncRequest();
  }

  public long fsyncCount() {
    synchronized (io) {
      return fsyncs;
    }
  }

  /**
   * Closes the file. Buffered writes that were not taken are dropped — for a crash that is the
   * point; a clean shutdown calls {@link #flushNow()} first.
   */
  public void close() throws IOException {
    synchronized (io) {
      if (closed) return;
      closed = true;
      if (channel != null) channel.close();
    }
  }

  public boolean isClosed() {
    synchronized (io) {
      return closed;
    }
  }

  // ---------------------------------------------------------------- generations and recovery

  static Path walPath(Path dir, long generation) {
    return dir.resolve(String.format("wal-%016d.log", generation));
  }

  private static long generationOf(Path p) {
    String name = p.getFileName().toString();
    if (!name.startsWith("wal-") || !name.endsWith(".log")) return -1;
    try {
      return Long.parseLong(name.substring(4, name.length() - 4));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Writes {@code image} as generation {@code g} atomically, switches to it, drops older ones. */
  private void startGeneration(long g, byte[] image) throws IOException {
    Path target = walPath(dir, g);
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocate(HEADER + image.length);
      buf.put(MAGIC).put(seal(image, 0)).flip();
      while (buf.hasRemaining()) out.write(buf);
      // The image is the only copy of the state once the old generation is deleted: it is
      // always fsynced, whatever the fsync knob says about ordinary batches.
      out.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory();
    FileChannel next = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.READ);
    next.position(next.size());
    FileChannel old = channel;
    long oldGeneration = generation;
    channel = next;
    generation = g;
    durableBytes = HEADER + image.length; // the image was fsynced above
    if (old != null) {
      old.close();
      Files.deleteIfExists(walPath(dir, oldGeneration));
    }
  }

  private void syncDirectory() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private Recovery recover() throws IOException {
    List<String> notes = new ArrayList<>();
    List<Path> wals = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith("wal-") && name.endsWith(".tmp")) {
          // A generation whose image was being written when the process died: the previous
          // generation is still complete, so the half-written one is simply discarded.
          notes.add("removed half-written checkpoint " + name);
          Files.delete(p);
        } else if (generationOf(p) >= 0) {
          wals.add(p);
        }
      }
    }
    wals.sort((a, b) -> Long.compare(generationOf(a), generationOf(b)));
    synchronized (io) {
      if (wals.isEmpty()) {
        startGeneration(1, image());
        return new Recovery(1, 1, 0, notes);
      }
      Path newest = wals.get(wals.size() - 1);
      for (Path older : wals.subList(0, wals.size() - 1)) {
        Files.delete(older); // superseded: the newest generation's image covers it
      }
      long g = generationOf(newest);
      byte[] data = Files.readAllBytes(newest);
      if (data.length >= HEADER
          && java.util.Arrays.equals(data, 0, 4, MAGIC, 0, 4)
          && data[4] != MAGIC[4]) {
        throw new CorruptStorageException(
            newest
                + ": written in storage format "
                + data[4]
                + ", which this txlab does not read (it writes format "
                + MAGIC[4]
                + "); start this node with an empty data directory");
      }
      if (data.length < HEADER || !java.util.Arrays.equals(data, 0, HEADER, MAGIC, 0, HEADER)) {
        throw new CorruptStorageException(
            newest + ": bad header (not a txlab wal, or an unknown format version)");
      }
      int pos = HEADER;
      long records = 0;
      String torn = null;
      while (pos < data.length) {
        if (data.length - pos < 8) {
          torn = "a partial record header of " + (data.length - pos) + " bytes";
          break;
        }
        int length = ByteBuffer.wrap(data, pos, 4).getInt();
        int crc = ByteBuffer.wrap(data, pos + 4, 4).getInt();
        if (length < 9 || length > MAX_RECORD_BYTES || length > data.length - pos - 8) {
          torn = "a record claiming " + length + " bytes with " + (data.length - pos - 8) + " left";
          break;
        }
        CRC32C c = new CRC32C();
        c.update(data, pos + 8, length);
        if ((int) c.getValue() != crc) {
          torn = "a record whose CRC32C does not match";
          break;
        }
        try {
          applyRecord(data, pos + RECORD_PREFIX, length - 8, records == 0);
        } catch (RecordCodec.CodecException | RuntimeException e) {
          throw new CorruptStorageException(
              newest
                  + ": record "
                  + records
                  + " at offset "
                  + pos
                  + " has a valid checksum but cannot be applied: "
                  + e.getMessage(),
              e);
        }
        records++;
        pos += 8 + length;
      }
      if (records == 0) {
        throw new CorruptStorageException(
            newest + ": the generation's image record is missing or corrupt (" + torn + ")");
      }
      long truncated = data.length - pos;
      if (torn != null) {
        long vouched = durableMarkAfter(data, pos);
        if (vouched > pos) {
          throw new CorruptStorageException(
              newest
                  + ": "
                  + torn
                  + " at offset "
                  + pos
                  + ", but a later record says the file was fsynced through offset "
                  + vouched
                  + ": acknowledged writes are damaged, not torn; refusing to start rather than"
                  + " forget them (rebuild this node from its peers)");
        }
      }
      channel = FileChannel.open(newest, StandardOpenOption.WRITE, StandardOpenOption.READ);
      if (torn != null) {
        notes.add(
            "truncated "
                + truncated
                + " bytes at offset "
                + pos
                + " of "
                + newest.getFileName()
                + ": "
                + torn);
        channel.truncate(pos);
        channel.force(true);
      }
      channel.position(pos);
      generation = g;
      generationBytes = pos;
      durableBytes = pos; // read back whole: it is on disk
      return new Recovery(g, records, truncated, notes);
    }
  }

  /**
   * The largest durable mark of any valid record at or after {@code from} (0 if none): records are
   * found by their length and CRC, skipping byte by byte over anything that is not one.
   */
  static long durableMarkAfter(byte[] data, int from) {
    long mark = 0;
    int pos = from + 1;
    while (pos + RECORD_PREFIX <= data.length) {
      int length = ByteBuffer.wrap(data, pos, 4).getInt();
      if (length >= 9 && length <= MAX_RECORD_BYTES && length <= data.length - pos - 8) {
        CRC32C c = new CRC32C();
        c.update(data, pos + 8, length);
        if ((int) c.getValue() == ByteBuffer.wrap(data, pos + 4, 4).getInt()) {
          mark = Math.max(mark, ByteBuffer.wrap(data, pos + 8, 8).getLong());
          pos += 8 + length;
          continue;
        }
      }
      pos++;
    }
    return mark;
  }

  /** Decodes every operation of a record first, then applies them all: never half-applied. */
  private void applyRecord(byte[] data, int offset, int length, boolean isImage)
      throws RecordCodec.CodecException {
    RecordCodec.Reader in = new RecordCodec.Reader(data, offset, length);
    long n = in.readVarLong();
    if (n < 1 || n > length) throw new RecordCodec.CodecException("bad operation count " + n);
    List<Object[]> ops = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      int op = in.readByte();
      switch (op) {
        case PUT -> ops.add(new Object[] {PUT, in.readString(), codec.read(in, 0)});
        case DELETE -> ops.add(new Object[] {DELETE, in.readString()});
        case APPEND -> ops.add(new Object[] {APPEND, in.readVarLong(), codec.read(in, 0)});
        case TRUNCATE, COMPACT, RESET -> ops.add(new Object[] {op, in.readVarLong()});
        default -> throw new RecordCodec.CodecException("unknown operation " + op);
      }
    }
    if (in.remaining() != 0)
      throw new RecordCodec.CodecException(in.remaining() + " trailing bytes in a record");
    if (isImage && (int) ops.get(0)[0] != RESET)
      throw new RecordCodec.CodecException("a generation must start with an image");
    // Check against a shadow of the log indexes so that a bad operation leaves the state untouched.
    long shadowFirst = first;
    long shadowLast = logLastIndex();
    for (Object[] op : ops) {
      int kind = (int) op[0];
      if (kind == RESET) {
        if (!isImage || op != ops.get(0))
          throw new RecordCodec.CodecException("reset inside a record");
        shadowFirst = (long) op[1];
        shadowLast = shadowFirst - 1;
        if (shadowFirst < 1) throw new RecordCodec.CodecException("first index " + shadowFirst);
      } else if (kind == APPEND) {
        if ((long) op[1] != shadowLast + 1)
          throw new RecordCodec.CodecException("append at " + op[1] + " after " + shadowLast);
        if (op[2] == null) throw new RecordCodec.CodecException("null log entry");
        shadowLast++;
      } else if (kind == TRUNCATE) {
        long index = (long) op[1];
        if (index < shadowFirst)
          throw new RecordCodec.CodecException("truncate below the first index");
        shadowLast = Math.min(shadowLast, index - 1);
      } else if (kind == COMPACT) {
        long index = (long) op[1];
        if (index >= shadowFirst) {
          if (index >= shadowLast) shadowLast = index;
          shadowFirst = index + 1;
        }
      } else if (kind == PUT && op[2] == null) {
        throw new RecordCodec.CodecException("null value for " + op[1]);
      }
    }
    for (Object[] op : ops) {
      int kind = (int) op[0];
      switch (kind) {
        case PUT -> values.put((String) op[1], op[2]);
        case DELETE -> values.remove((String) op[1]);
        case APPEND -> entries.add(op[2]);
        case TRUNCATE -> {
          long index = (long) op[1];
          if (index <= logLastIndex())
            entries.subList((int) (index - first), entries.size()).clear();
        }
        case COMPACT -> {
          long index = (long) op[1];
          if (index >= first) compact(index);
        }
        case RESET -> {
          values.clear();
          entries = new ArrayList<>();
          first = (long) op[1];
        }
        default -> throw new IllegalStateException("unreachable");
      }
    }
  }
}
