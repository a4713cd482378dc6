package dev.txlab.coordinator.crdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random histories of local events, messages, clock changes and restarts over four nodes, checked
 * against the properties the clock exists for: every node's readings increase (restarts included),
 * a reading taken after receiving a message is above the message's, a reading more than the maximum
 * offset ahead is refused, and no wall time comes from nowhere: none exceeds the fastest physical
 * clock or a persisted bound.
 */
class HybridLogicalClockPropertyTest {
  static final long MS = 1_000_000L;
  static final long MAX_OFFSET = 500 * MS;
  static final long AHEAD = 200 * MS;

  static final class Node {
    long offset;
    long persisted;
    HybridLogicalClock clock;
    HlcTimestamp last = HlcTimestamp.ZERO;
  }

  long trueNanos = 1_000 * MS;

  HybridLogicalClock clockOf(Node n) {
    return new HybridLogicalClock(
        () -> trueNanos + n.offset,
        MAX_OFFSET,
        AHEAD,
        new HybridLogicalClock.Bound() {
          @Override
          public long read() {
            return n.persisted;
          }

          @Override
          public void persist(long wallNanos) {
            n.persisted = wallNanos;
          }
        });
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void readingsIncreaseRespectCausalityAndStayNearPhysicalTime(long seed) {
    Random random = new Random(seed);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Node n = new Node();
      n.clock = clockOf(n);
      nodes.add(n);
    }
    for (int step = 0; step < 5_000; step++) {
      Node a = nodes.get(random.nextInt(nodes.size()));
      switch (random.nextInt(6)) {
        case 0 -> trueNanos += random.nextInt(50) * MS;
        case 1 -> a.offset = (random.nextInt(1_200) - 600) * MS; // sometimes beyond the bound
        case 2 -> {
          a.clock = clockOf(a); // a restart: only the persisted bound survives
          HlcTimestamp first = a.clock.now();
          assertThat(first)
              .as("seed %d: first reading after a restart", seed)
              .isGreaterThan(a.last);
          a.last = first;
        }
        case 3 -> {
          Node b = nodes.get(random.nextInt(nodes.size()));
          HlcTimestamp sent = read(seed, a);
          HybridLogicalClock.Update u = b.clock.update(sent);
          HlcTimestamp after = read(seed, b);
          if (u != HybridLogicalClock.Update.TOO_FAR_AHEAD)
            assertThat(after).as("seed %d: received then read", seed).isGreaterThan(sent);
          else assertThat(sent.wallNanos() - b.clock.physicalNanos()).isGreaterThan(MAX_OFFSET);
        }
        default -> read(seed, a);
      }
      long fastest = Long.MIN_VALUE;
      for (Node n : nodes) fastest = Math.max(fastest, trueNanos + n.offset);
      for (Node n : nodes) {
        long highestBound = 0;
        for (Node m : nodes) highestBound = Math.max(highestBound, m.persisted);
        assertThat(n.clock.current().wallNanos())
            .as("seed %d: no wall time from nowhere", seed)
            .isLessThanOrEqualTo(Math.max(fastest, highestBound));
      }
    }
  }

  private static HlcTimestamp read(long seed, Node n) {
    HlcTimestamp t = n.clock.now();
    assertThat(t).as("seed %d: readings increase", seed).isGreaterThan(n.last);
    assertThat(n.persisted)
        .as("seed %d: the bound stays above every reading", seed)
        .isGreaterThan(t.wallNanos());
    n.last = t;
    return t;
  }
}
