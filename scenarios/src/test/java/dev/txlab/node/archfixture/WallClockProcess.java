package dev.txlab.node.archfixture;

import io.vertx.core.Vertx;

/**
 * A deliberately bad "protocol" class, compiled only for tests: it reads the wall clock, starts a
 * thread, rolls unseeded dice and imports Vert.x. {@code ArchitectureTest} proves its rules reject
 * it, so a rule that silently matches nothing cannot pass for a rule that holds.
 */
public final class WallClockProcess {
  public long now() {
    return System.currentTimeMillis() + System.nanoTime();
  }

  public void spawn() {
    new Thread(() -> {}).start();
  }

  public double roll() {
    return new java.util.Random().nextDouble();
  }

  public Class<?> host() {
    return Vertx.class;
  }
}
