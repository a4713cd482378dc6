package dev.txlab.coordinator.migration;

import dev.txlab.node.api.Address;
import dev.txlab.node.api.Env;
import dev.txlab.node.api.Message;
import dev.txlab.node.api.Process;
import dev.txlab.node.api.Timer;
import java.util.ArrayDeque;

/**
 * The migration's control plane (the feature-flag service of a strangler-fig migration): it takes
 * the schedule's steps ({@code phase 2}, {@code rollback phase 2}) as {@link
 * MigrationMessage.Step}s sent to itself, and hands them to the router one at a time, asking again
 * until the router says the step is done — a router that was down when a step was ordered carries
 * it out when it is back. It is never faulted: the steps are the operator's intent, not a process
 * that can lose them.
 */
public final class MigrationOperator implements Process {
  /** The migration messages it handles (a test checks that every message has a handler). */
  static final java.util.List<Class<?>> HANDLED =
      java.util.List.of(MigrationMessage.Step.class, MigrationMessage.StepDone.class);

  private final Env env;
  private final Address router;
  private final long resendNanos;
  private final ArrayDeque<MigrationMessage.Step> steps = new ArrayDeque<>();
  private long ticks;

  public MigrationOperator(Env env, Address router, long resendNanos) {
    this.env = env;
    this.router = router;
    this.resendNanos = resendNanos;
  }

  @Override
  public void onStart() {
    env.setTimer(resendNanos, new MigrationTimer.Tick(0));
  }

  @Override
  public void onMessage(Address from, Message message) {
    if (message instanceof MigrationMessage.Step s && from.equals(env.self())) {
      steps.add(s);
      if (steps.size() == 1) {
        env.send(router, s);
      }
    } else if (message instanceof MigrationMessage.StepDone d) {
      if (!steps.isEmpty() && steps.peek().id() == d.id()) {
        steps.poll();
        if (!steps.isEmpty()) {
          env.send(router, steps.peek());
        }
      }
    }
  }

  @Override
  public void onTimer(Timer timer) {
    if (!(timer instanceof MigrationTimer.Tick)) {
      throw new IllegalStateException("unexpected timer " + timer);
    }
    ticks++;
    env.setTimer(resendNanos, new MigrationTimer.Tick(ticks));
    if (!steps.isEmpty()) {
      env.send(router, steps.peek());
    }
  }

  /** Steps not yet done (for tests). */
  public int stepsWaiting() {
    return steps.size();
  }
}
