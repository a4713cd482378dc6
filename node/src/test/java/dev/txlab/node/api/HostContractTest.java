package dev.txlab.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The step contract of {@link Process}, as a test body every host runs: the simulator ({@code
 * SimHostContractTest}) and, later, the live host. A subclass supplies a {@link TestHost}; the
 * processes here record what they observe in a journal owned by the test.
 */
public abstract class HostContractTest {
  /** What a host must offer the contract tests. Time is the host's own (virtual or real). */
  protected interface TestHost {
    void add(Address address, ProcessFactory factory);

    /** Lets {@code nanos} of host time pass, running whatever happens in it. */
    void runFor(long nanos);

    void crash(NodeId node);

    void restart(NodeId node);

    /**
     * Runs until the component at {@code address} has finished a step that asked for a sync but the
     * sync has not completed, then crashes its node. Returns false if that never happened within a
     * second of host time.
     */
    boolean crashDuringSync(Address address);
  }

  protected abstract TestHost newHost();

  private static final long MS = 1_000_000L;
  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N2 = NodeId.of("n2");
  private static final Address A = Address.of(N1, "a");
  private static final Address B = Address.of(N2, "b");

  record Ping(String text) implements Message {}

  record Wake(int n) implements Timer {}

  /** A process defined by lambdas, for short tests. */
  static class Scripted implements Process {
    final Env env;
    final List<String> journal;

    Scripted(Env env, List<String> journal) {
      this.env = env;
      this.journal = journal;
    }

    @Override
    public void onStart() {}

    @Override
    public void onMessage(Address from, Message message) {
      journal.add(env.self() + " got " + message + " from " + from);
    }

    @Override
    public void onTimer(Timer timer) {
      journal.add(env.self() + " timer " + timer);
    }
  }

  @Test
  void timersFireAfterTheirDelay() {
    TestHost host = newHost();
    List<String> journal = new ArrayList<>();
    host.add(
        A,
        env ->
            new Scripted(env, journal) {
              @Override
              public void onStart() {
                env.setTimer(5 * MS, new Wake(1));
                env.setTimer(50 * MS, new Wake(2));
              }
            });
    host.runFor(20 * MS);
    assertThat(journal).containsExactly("n1/a timer Wake[n=1]");
    host.runFor(100 * MS);
    assertThat(journal).containsExactly("n1/a timer Wake[n=1]", "n1/a timer Wake[n=2]");
  }

  @Test
  void aMessageToSelfGoesThroughTheHostInALaterStep() {
    TestHost host = newHost();
    List<String> journal = new ArrayList<>();
    host.add(
        A,
        env ->
            new Scripted(env, journal) {
              @Override
              public void onStart() {
                env.send(env.self(), new Ping("me"));
                journal.add("start ends");
              }
            });
    host.runFor(10 * MS);
    assertThat(journal).containsExactly("start ends", "n1/a got Ping[text=me] from n1/a");
  }

  @Test
  void processesOnDifferentNodesExchangeMessages() {
    TestHost host = newHost();
    List<String> journal = new ArrayList<>();
    host.add(
        B,
        env ->
            new Scripted(env, journal) {
              @Override
              public void onMessage(Address from, Message message) {
                super.onMessage(from, message);
                env.send(from, new Ping("pong"));
              }
            });
    host.add(
        A,
        env ->
            new Scripted(env, journal) {
              @Override
              public void onStart() {
                env.send(B, new Ping("ping"));
              }
            });
    host.runFor(100 * MS);
    assertThat(journal)
        .containsExactly(
            "n2/b got Ping[text=ping] from n1/a", "n1/a got Ping[text=pong] from n2/b");
  }

  @Test
  void effectsOutsideAStepAreRefused() {
    TestHost host = newHost();
    List<Env> leaked = new ArrayList<>();
    host.add(
        A,
        env -> {
          leaked.add(env);
          return new Scripted(env, new ArrayList<>());
        });
    host.runFor(MS);
    assertThatThrownBy(() -> leaked.get(0).send(B, new Ping("late")))
        .isInstanceOf(IllegalStateException.class);
  }

  /** Writes "k" = "v", syncs if asked, then tells B. On start, reports what its disk holds. */
  static class Writer extends Scripted {
    final boolean sync;

    Writer(Env env, List<String> journal, boolean sync) {
      super(env, journal);
      this.sync = sync;
    }

    @Override
    public void onStart() {
      String v = env.storage().get("k", String.class);
      journal.add("start sees k=" + v);
      if (v == null) {
        env.storage().put("k", "v");
        if (sync) env.storage().sync();
        env.send(B, new Ping("written"));
        env.setTimer(MS, new Wake(0));
      }
    }
  }

  @Test
  void syncedWritesSurviveACrashAndTheRestartRebuildsFromThem() {
    TestHost host = newHost();
    List<String> journal = new ArrayList<>();
    host.add(B, env -> new Scripted(env, journal));
    host.add(A, env -> new Writer(env, journal, true));
    host.runFor(100 * MS);
    host.crash(N1);
    host.restart(N1);
    host.runFor(100 * MS);
    assertThat(journal)
        .containsExactly(
            "start sees k=null",
            "n2/b got Ping[text=written] from n1/a",
            "n1/a timer Wake[n=0]",
            "start sees k=v");
  }

  @Test
  void unsyncedWritesAreLostInACrash() {
    TestHost host = newHost();
    List<String> journal = new ArrayList<>();
    host.add(B, env -> new Scripted(env, journal));
    host.add(A, env -> new Writer(env, journal, false));
    host.runFor(100 * MS);
    host.crash(N1);
    host.restart(N1);
    host.runFor(100 * MS);
    // The first incarnation's message was released (it asked for no sync), but its write is gone.
    assertThat(journal).contains("start sees k=null").doesNotContain("start sees k=v");
    assertThat(journal.stream().filter(l -> l.equals("start sees k=null"))).hasSize(2);
  }

  @Test
  void aCrashBetweenStepAndSyncLosesTheWritesAndTheUnsentEffects() {
    TestHost host = newHost();
    List<String> journal = new ArrayList<>();
    host.add(B, env -> new Scripted(env, journal));
    host.add(
        A,
        env ->
            new Writer(env, journal, true) {
              @Override
              public void onStart() {
                if (journal.isEmpty()) super.onStart();
                else journal.add("restarted sees k=" + env.storage().get("k", String.class));
              }
            });
    assertThat(host.crashDuringSync(A)).as("the host exposes a sync window").isTrue();
    host.runFor(100 * MS);
    assertThat(journal).containsExactly("start sees k=null");
    host.restart(N1);
    host.runFor(100 * MS);
    assertThat(journal).containsExactly("start sees k=null", "restarted sees k=null");
  }

  @Test
  void aSendBeforeSyncLeavesWithoutWaitingForTheSyncOnAHostThatCan() {
    TestHost host = newHost();
    List<String> journal = new ArrayList<>();
    host.add(B, env -> new Scripted(env, journal));
    host.add(
        A,
        env ->
            new Scripted(env, journal) {
              @Override
              public void onStart() {
                journal.add("sends before sync: " + env.sendsBeforeSync());
                env.storage().put("k", "v");
                env.storage().sync();
                env.send(B, new Ping("held"));
                env.sendBeforeSync(B, new Ping("early"));
              }
            });
    assertThat(host.crashDuringSync(A)).as("the host exposes a sync window").isTrue();
    host.runFor(100 * MS);
    // The step's sync never completed: its ordinary send died with it; the early one left at once
    // if the host can release sends before the sync, and otherwise waited and died too.
    if (journal.contains("sends before sync: true")) {
      assertThat(journal)
          .containsExactly("sends before sync: true", B + " got Ping[text=early] from " + A);
    } else {
      assertThat(journal).containsExactly("sends before sync: false");
    }
  }

  /** Counts timer ticks in memory and persists each count. */
  static class Counter extends Scripted {
    long count;

    Counter(Env env, List<String> journal) {
      super(env, journal);
    }

    @Override
    public void onStart() {
      Long c = env.storage().get("count", Long.class);
      count = c == null ? 0 : c;
      journal.add("start at " + count);
      env.setTimer(10 * MS, new Wake((int) count));
    }

    @Override
    public void onTimer(Timer timer) {
      count++;
      env.storage().put("count", count);
      env.storage().sync();
      env.setTimer(10 * MS, new Wake((int) count));
    }
  }

  @Test
  void aCrashDiscardsMemoryAndPendingTimers() {
    TestHost host = newHost();
    List<String> journal = new ArrayList<>();
    host.add(A, env -> new Counter(env, journal));
    host.runFor(35 * MS); // three ticks
    host.crash(N1);
    host.runFor(100 * MS); // a dead process's timers never fire
    host.restart(N1);
    host.runFor(5 * MS);
    assertThat(journal).containsExactly("start at 0", "start at 3");
  }

  @Test
  void messagesToACrashedNodeAreLost() {
    TestHost host = newHost();
    List<String> journal = new ArrayList<>();
    host.add(B, env -> new Scripted(env, journal));
    host.add(
        A,
        env ->
            new Scripted(env, journal) {
              @Override
              public void onStart() {
                env.setTimer(20 * MS, new Wake(0));
              }

              @Override
              public void onTimer(Timer timer) {
                env.send(B, new Ping("anyone?"));
              }
            });
    host.runFor(10 * MS);
    host.crash(N2);
    host.runFor(100 * MS);
    host.restart(N2);
    host.runFor(100 * MS);
    assertThat(journal).isEmpty();
  }
}
