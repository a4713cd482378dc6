package dev.txlab.node.api;

/**
 * An {@link Env} that passes everything to another, for a process that hosts another process and
 * changes one part of what it sees — a live gateway lane that holds back its client's
 * next-transaction timer until a request arrives, for one. Override what differs.
 */
public abstract class ForwardingEnv implements Env {
  private final Env env;

  protected ForwardingEnv(Env env) {
    this.env = env;
  }

  @Override
  public Address self() {
    return env.self();
  }

  @Override
  public void send(Address to, Message message) {
    env.send(to, message);
  }

  @Override
  public void setTimer(long delayNanos, Timer timer) {
    env.setTimer(delayNanos, timer);
  }

  @Override
  public long localClockNanos() {
    return env.localClockNanos();
  }

  @Override
  public TrueTimeInterval trueTime() {
    return env.trueTime();
  }

  @Override
  public RandomSource random() {
    return env.random();
  }

  @Override
  public Storage storage() {
    return env.storage();
  }

  @Override
  public void log(String text) {
    env.log(text);
  }
}
