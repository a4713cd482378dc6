package dev.txlab.checker.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million-event history streams: reading it keeps the events, not a parsed tree of the whole
 * file, so what stays on the heap afterwards is a small multiple of the events themselves.
 */
class LargeHistoryTest {
  private static final int EVENTS = 1_000_000;

  /** "A few hundred MB": the events of a 1M-op register history must fit well inside this. */
  private static final long RETAINED_BYTES_MAX = 300L << 20;

  @TempDir Path dir;

  @Test
  void aMillionEventVectorLoadsInAFewHundredMegabytes() throws Exception {
    Path file = dir.resolve("big.edn");
    SplittableRandom random = new SplittableRandom(42);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("[");
      long[] open = new long[10];
      int written = 0;
      int p = 0;
      while (written < EVENTS) {
        p = random.nextInt(10);
        StringBuilder sb = new StringBuilder();
        Op op;
        if (open[p] == 0) {
          boolean read = random.nextBoolean();
          open[p] = read ? -1 : 1 + random.nextInt(5);
          op =
              new Op(
                  written,
                  written * 1000L,
                  p,
                  OpType.INVOKE,
                  read ? "read" : "write",
                  read ? null : open[p]);
        } else {
          Object v = open[p] < 0 ? (Object) (long) random.nextInt(5) : (Object) open[p];
          op = new Op(written, written * 1000L, p, OpType.OK, open[p] < 0 ? "read" : "write", v);
          open[p] = 0;
        }
        Edn.printOp(op, sb);
        out.write(sb.append('\n').toString());
        written++;
      }
      out.write("]\n");
    }

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long before = memory.getHeapMemoryUsage().getUsed();
    History h = HistoryFormat.read(file, null);
    System.gc();
    long after = memory.getHeapMemoryUsage().getUsed();
    assertThat(h.size()).isEqualTo(EVENTS);
    assertThat(h.operations().size()).isBetween(EVENTS / 2, EVENTS / 2 + 10);
    long retained = after - before;
    System.out.printf("1M-event history retains %.1f MB%n", retained / 1048576.0);
    assertThat(retained).isLessThan(RETAINED_BYTES_MAX);
  }
}
