package dev.txlab.coordinator.crdb;

import dev.txlab.node.golden.GoldenScripts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden scripts for the hybrid logical clock ({@code src/test/resources/hlc/*.txt}): nodes with
 * their own physical clocks (true time plus an offset), a maximum offset of 500 ms, and an upper
 * bound persisted 200 ms ahead.
 *
 * <p>Commands: {@code nodes N} (n1…nN, clocks exact, time 1000 ms), {@code elapse MS} (true time
 * passes), {@code skew nX MS} (nX's physical clock reads true time plus MS, which may be negative),
 * {@code now nX} (a local event), {@code send nX nY} (nX reads its clock and nY receives the
 * reading), {@code crash nX} / {@code restart nX} (a new clock from what nX persisted), {@code
 * show} (every clock's physical time, last reading and persisted bound).
 */
class HlcScriptTest {
  static final long MS = 1_000_000L;

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return GoldenScripts.tests(Path.of("src/test/resources/hlc"), World::new);
  }

  private static final class Node {
    long offsetNanos;
    long persisted;
    HybridLogicalClock clock;
  }

  private static final class World implements GoldenScripts.World {
    long trueNanos = 1_000 * MS;
    final TreeMap<String, Node> nodes = new TreeMap<>();

    HybridLogicalClock clockOf(Node n) {
      return new HybridLogicalClock(
          () -> trueNanos + n.offsetNanos,
          500 * MS,
          200 * MS,
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

    Node node(String name) {
      Node n = nodes.get(name);
      if (n == null) throw new IllegalArgumentException("no node " + name);
      if (n.clock == null) throw new IllegalArgumentException(name + " is down");
      return n;
    }

    @Override
    public String run(String command) {
      String[] w = command.trim().split("\\s+");
      StringBuilder out = new StringBuilder();
      switch (w[0]) {
        case "nodes" -> {
          for (int i = 1; i <= Integer.parseInt(w[1]); i++) {
            Node n = new Node();
            n.clock = clockOf(n);
            nodes.put("n" + i, n);
          }
          show(out);
        }
        case "elapse" -> {
          trueNanos += Long.parseLong(w[1]) * MS;
          out.append("true time ").append(trueNanos / MS).append("ms\n");
        }
        case "skew" -> {
          Node n = nodes.get(w[1]);
          n.offsetNanos = Long.parseLong(w[2]) * MS;
          out.append(w[1]).append(" physical ").append(ms(trueNanos + n.offsetNanos)).append('\n');
        }
        case "now" -> out.append(w[1]).append(" now ").append(node(w[1]).clock.now()).append('\n');
        case "send" -> {
          HlcTimestamp sent = node(w[1]).clock.now();
          HybridLogicalClock to = node(w[2]).clock;
          HybridLogicalClock.Update u = to.update(sent);
          out.append(w[1])
              .append(" sends ")
              .append(sent)
              .append("; ")
              .append(w[2])
              .append(
                  switch (u) {
                    case BEHIND -> " is already past it";
                    case FORWARDED -> " moves up to it";
                    case TOO_FAR_AHEAD -> " refuses it (beyond the maximum offset)";
                  })
              .append(", then reads ")
              .append(to.now())
              .append('\n');
        }
        case "crash" -> {
          nodes.get(w[1]).clock = null;
          out.append(w[1]).append(" crashed\n");
        }
        case "restart" -> {
          Node n = nodes.get(w[1]);
          n.clock = clockOf(n);
          out.append(w[1]).append(" restarted at ").append(n.clock.current()).append('\n');
        }
        case "show" -> show(out);
        default -> throw new IllegalArgumentException("unknown command " + command);
      }
      return out.toString();
    }

    void show(StringBuilder out) {
      for (var e : nodes.entrySet()) {
        Node n = e.getValue();
        out.append(e.getKey());
        if (n.clock == null) {
          out.append(" down\n");
          continue;
        }
        out.append(" physical ")
            .append(ms(n.clock.physicalNanos()))
            .append(" last ")
            .append(n.clock.current())
            .append(" bound ")
            .append(ms(n.persisted))
            .append('\n');
      }
    }

    static String ms(long nanos) {
      return String.format(java.util.Locale.ROOT, "%.3fms", nanos / 1e6);
    }
  }
}
