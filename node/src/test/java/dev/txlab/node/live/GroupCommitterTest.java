package dev.txlab.node.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txlab.node.api.Address;
import dev.txlab.node.raft.HardState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk thread's inline path ({@link GroupCommitter#tryInline}): it syncs on the caller's thread
 * only when the disk is idle, never beside a round or a stall, and what it wrote is durable when it
 * returns (a reopen finds it).
 */
class GroupCommitterTest {
  private static final RecordCodec CODEC = NodeCodecTable.codec();
  private static final Address N1 = Address.parse("n1/shard-0");

  @TempDir Path dir;

  private FileStorage open() throws IOException {
    return FileStorage.open(dir, CODEC, FileStorage.Options.defaults());
  }

  private static FileStorage.Batch step(FileStorage s, long term) {
    s.put("hard", new HardState(term, N1));
    s.sync();
    assertThat(s.takeSyncRequest()).isTrue();
    return s.takeBatch();
  }

  @Test
  void anIdleDiskSyncsOnTheCallersThreadAndTheWriteSurvivesAReopen() throws IOException {
    try (GroupCommitter disk = new GroupCommitter("test-disk")) {
      FileStorage s = open();
      long fsyncs = s.fsyncCount();
      assertThat(disk.tryInline(s, step(s, 7))).isTrue();
      assertThat(s.fsyncCount()).as("fsynced before returning").isEqualTo(fsyncs + 1);
      assertThat(disk.stats()).isEqualTo(new GroupCommitter.Stats(1, 1, 1, 1));
      s.close();
    }
    FileStorage again = open();
    assertThat(again.get("hard", HardState.class)).isEqualTo(new HardState(7, N1));
    again.close();
  }

  @Test
  void aStalledDiskOrAQueuedJobSendsTheStepToTheDiskThread() throws Exception {
    try (GroupCommitter disk = new GroupCommitter("test-disk")) {
      FileStorage s = open();
      disk.stall();
      assertThat(disk.tryInline(s, step(s, 1))).as("stalled").isFalse();
      // A job waits behind the stall: an inline sync would overtake it.
      CountDownLatch durable = new CountDownLatch(1);
      disk.submit(new GroupCommitter.Job(s, step(s, 2), true, durable::countDown, t -> {}));
      assertThat(disk.tryInline(s, step(s, 3))).as("a job queued").isFalse();
      disk.unstall();
      assertThat(durable.await(10, TimeUnit.SECONDS)).isTrue();
      // Idle again: inline.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      boolean inline = false;
      while (!inline && System.nanoTime() < deadline) inline = disk.tryInline(s, step(s, 4));
      assertThat(inline).isTrue();
      assertThat(disk.stats().inline()).isEqualTo(1);
      assertThat(disk.stats().jobs()).isEqualTo(2);
      s.close();
    }
    FileStorage again = open();
    assertThat(again.get("hard", HardState.class)).isEqualTo(new HardState(4, N1));
    again.close();
  }

  @Test
  void whileARoundRunsInlineIsRefused() throws Exception {
    try (GroupCommitter disk = new GroupCommitter("test-disk")) {
      FileStorage s = open();
      CountDownLatch inRound = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      disk.submit(
          new GroupCommitter.Job(
              s,
              step(s, 1),
              true,
              () -> {
                inRound.countDown();
                try {
                  release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              t -> {}));
      assertThat(inRound.await(10, TimeUnit.SECONDS)).isTrue();
      // The queue is empty but the round has not finished: the file is the disk thread's.
      assertThat(disk.tryInline(s, step(s, 2))).isFalse();
      release.countDown();
      s.close();
    }
  }
}
