package dev.txlab.node.live;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * The disk thread: writes the batches processes hand it and fsyncs them, many at a time. Every job
 * that arrived while the previous fsync ran is written and then covered by one fsync per file, so
 * throughput grows with load while each step still waits for its own data — "group commit". When a
 * round touches several files (a node's shard replicas, its coordinator), their fsyncs run in
 * parallel on helper threads and the round waits for all of them. A job's {@code onDurable} runs
 * (on this thread; it must only post back to the process's own thread) after the fsync that covers
 * it, never before.
 *
 * <p>{@link #stall()} holds every job until {@link #unstall()}: a disk that stops answering, for
 * the chaos command's disk-stall fault and for tests that need to catch a step between its handler
 * and its sync.
 */
public final class GroupCommitter implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("txlab.live");

  /** An fsync round slower than this is logged: a slow disk shows in every commit's latency. */
  static final long SLOW_FSYNC_MILLIS = 200;

  /** One step's request: write {@code batch} (may be null) and, if {@code force}, fsync. */
  public record Job(
      FileStorage storage,
      FileStorage.Batch batch,
      boolean force,
      Runnable onDurable,
      Consumer<Throwable> onFailure) {}

  private static final int MAX_QUEUED_JOBS = 1_000_000;

  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final Thread thread;
  private boolean stalled;
  private boolean closing;
  private boolean busy; // a round (or an inline sync) is running
  private long inline;
  private long rounds;
  private long fsyncs;
  private long jobs;

  public GroupCommitter(String name) {
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  public void submit(Job job) {
    synchronized (queue) {
      if (closing) throw new IllegalStateException("disk thread closed");
      if (queue.size() >= MAX_QUEUED_JOBS)
        throw new IllegalStateException("disk queue over " + MAX_QUEUED_JOBS + " jobs");
      queue.add(job);
      queue.notifyAll();
    }
  }

  public void stall() {
    synchronized (queue) {
      stalled = true;
    }
  }

  public void unstall() {
    synchronized (queue) {
      stalled = false;
      queue.notifyAll();
    }
  }

  /**
   * Figures: write rounds, fsyncs, jobs (steps), and how many of the jobs ran inline ({@link
   * #tryInline}); jobs per fsync shows how well commits group.
   */
  public record Stats(long rounds, long fsyncs, long jobs, long inline) {}

  public Stats stats() {
    synchronized (queue) {
      return new Stats(rounds, fsyncs, jobs, inline);
    }
  }

  private final IdentityHashMap<FileStorage, Throwable> failed = new IdentityHashMap<>();
  private final IdentityHashMap<FileStorage, Boolean> toForce = new IdentityHashMap<>();
  private final List<FileStorage> forceOrder = new ArrayList<>();

  private void run() {
    List<Job> round = new ArrayList<>();
    while (true) {
      synchronized (queue) {
        while (busy || (!closing && (queue.isEmpty() || stalled))) {
          try {
            queue.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (queue.isEmpty()) return; // closing and drained
        round.addAll(queue);
        queue.clear();
        busy = true;
      }
      long forced = 0;
      // Reused round after round (the disk thread's own): a round is usually one or two jobs, and
      // fresh maps per round were a visible share of a loaded node's allocation.
      failed.clear();
      toForce.clear();
      forceOrder.clear();
      for (Job job : round) {
        if (failed.containsKey(job.storage())) continue;
        try {
          if (job.batch() != null) job.storage().write(job.batch());
          if (job.force() && toForce.put(job.storage(), Boolean.TRUE) == null)
            forceOrder.add(job.storage());
        } catch (IOException | RuntimeException e) {
          failed.put(job.storage(), e);
        }
      }
      long started = System.nanoTime();
      forced += forceAll(forceOrder, failed);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      if (tookMillis >= SLOW_FSYNC_MILLIS) {
        LOG.log(
            System.Logger.Level.WARNING,
            "slow fsync: " + tookMillis + " ms for " + forceOrder.size() + " file(s)");
      }
      for (java.util.Map.Entry<FileStorage, Throwable> f : failed.entrySet()) {
        LOG.log(
            System.Logger.Level.ERROR,
            "disk write or fsync failed in " + f.getKey().dir() + ": " + f.getValue());
      }
      for (Job job : round) {
        Throwable t = failed.get(job.storage());
        if (t != null) {
          job.onFailure().accept(t);
        } else if (job.onDurable() != null) {
          job.onDurable().run();
        }
      }
      synchronized (queue) {
        rounds++;
        fsyncs += forced;
        jobs += round.size();
        busy = false;
        queue.notifyAll(); // a caller of tryInline may be waiting for the disk to be idle
      }
      round.clear();
    }
  }

  /**
   * Writes and fsyncs one step's batch on the calling thread, if the disk is idle: nothing queued,
   * no round running, not stalled, not closing. Returns false (doing nothing) otherwise; the caller
   * then submits the job as usual. While it runs, the disk thread starts no round, so the two never
   * touch a file at once, and jobs submitted meanwhile wait behind it, in order. On failure it
   * throws what the write or fsync threw; the caller treats that as a disk error.
   *
   * <p>Why: at a light load a step's sync through the disk thread costs two thread wake-ups (to the
   * disk thread and back), and on this 2-core machine a woken thread now and then waits a
   * millisecond for a CPU — most of a lone client's slow requests. Under load the disk thread is
   * rarely idle, so syncs still group there.
   */
  public boolean tryInline(FileStorage storage, FileStorage.Batch batch) throws IOException {
    synchronized (queue) {
      if (busy || stalled || closing || !queue.isEmpty()) return false;
      busy = true;
    }
    boolean ok = false;
    try {
      long started = System.nanoTime();
      if (batch != null) storage.write(batch);
      storage.force();
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      if (tookMillis >= SLOW_FSYNC_MILLIS)
        LOG.log(System.Logger.Level.WARNING, "slow fsync: " + tookMillis + " ms for 1 file(s)");
      ok = true;
      return true;
    } finally {
      synchronized (queue) {
        busy = false;
        if (ok) {
          rounds++;
          fsyncs++;
          jobs++;
          inline++;
        }
        queue.notifyAll();
      }
    }
  }

  /**
   * Fsyncs each file once; with several files (a node's shard replicas and coordinator) they are
   * forced in parallel, so a round costs about one fsync instead of one per file. Returns how many
   * succeeded; failures land in {@code failed}.
   */
  private long forceAll(List<FileStorage> files, IdentityHashMap<FileStorage, Throwable> failed) {
    List<FileStorage> todo = new ArrayList<>();
    for (FileStorage s : files) if (!failed.containsKey(s)) todo.add(s);
    if (todo.size() <= 1) {
      long ok = 0;
      for (FileStorage s : todo) {
        try {
          s.force();
          ok++;
        } catch (IOException | RuntimeException e) {
          failed.put(s, e);
        }
      }
      return ok;
    }
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (FileStorage s : todo)
      running.add(
          forcers()
              .submit(
                  () -> {
                    s.force();
                    return null;
                  }));
    long ok = 0;
    for (int i = 0; i < todo.size(); i++) {
      try {
        running.get(i).get();
        ok++;
      } catch (java.util.concurrent.ExecutionException e) {
        failed.put(todo.get(i), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.put(todo.get(i), e);
      }
    }
    return ok;
  }

  // Only the disk thread touches it (created on first need, so a node with one file never starts
  // it).
  private java.util.concurrent.ExecutorService forcers;

  private java.util.concurrent.ExecutorService forcers() {
    if (forcers == null) {
      forcers =
          java.util.concurrent.Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, thread.getName() + "-fsync");
                t.setDaemon(true);
                return t;
              });
    }
    return forcers;
  }

  /** Finishes the queued jobs, then stops the thread. */
  @Override
  public void close() {
    synchronized (queue) {
      closing = true;
      stalled = false;
      queue.notifyAll();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // The disk thread has stopped (or is stuck in a syscall for good): its helpers are no longer
    // needed.
    if (!thread.isAlive() && forcers != null) forcers.shutdownNow();
  }
}
