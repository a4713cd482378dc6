package dev.txlab.coordinator.percolator;

import dev.txlab.node.golden.GoldenScripts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden scripts for the timestamp oracle ({@code src/test/resources/tso/*.txt}): three replicas of
 * {@link Tso}, each with its own clock, and a log that applies proposals to all of them in order
 * when told to (what Raft does, without its messages). Timestamps print as {@code
 * physical.logical}.
 *
 * <p>Commands: {@code oracle persist=on|off window=MS} (three replicas a, b, c), {@code clock R MS}
 * (R's clock reads MS), {@code lead R term=T} (R leads in T: what it proposes), {@code commit}
 * (every proposal so far applied on every replica, in order), {@code get R COUNT} (a batch from R),
 * {@code tick R} (R's periodic duty: an extension, if due), {@code restart R} (R loses what is not
 * replicated), {@code show}.
 */
class TsoScriptTest {
  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return GoldenScripts.tests(Path.of("src/test/resources/tso"), World::new);
  }

  private static final class World implements GoldenScripts.World {
    final TreeMap<String, Tso> replicas = new TreeMap<>();
    final TreeMap<String, Long> clocks = new TreeMap<>();
    final List<TsoCommand> log = new ArrayList<>();
    int applied;
    boolean persist;
    long windowMs;

    static String opt(String[] w, String name) {
      for (String s : w) if (s.startsWith(name + "=")) return s.substring(name.length() + 1);
      throw new IllegalArgumentException("missing " + name + "=");
    }

    Tso replica(String name) {
      Tso t = replicas.get(name);
      if (t == null) throw new IllegalArgumentException("no replica " + name);
      return t;
    }

    @Override
    public String run(String command) {
      String[] w = command.trim().split("\\s+");
      switch (w[0]) {
        case "oracle" -> {
          persist = opt(w, "persist").equals("on");
          windowMs = Long.parseLong(opt(w, "window"));
          for (String r : List.of("a", "b", "c")) {
            replicas.put(r, new Tso(persist, windowMs));
            clocks.put(r, 0L);
          }
          return "replicas a, b, c; persist "
              + (persist ? "on" : "off")
              + ", window "
              + windowMs
              + " ms\n";
        }
        case "clock" -> {
          replica(w[1]);
          clocks.put(w[1], Long.parseLong(w[2]));
          return w[1] + " reads " + w[2] + "\n";
        }
        case "lead" -> {
          TsoCommand c = replica(w[1]).lead(Long.parseLong(opt(w, "term")), clocks.get(w[1]));
          if (c == null) return w[1] + " serves at once: " + replica(w[1]).describe() + "\n";
          log.add(c);
          return w[1] + " proposes " + c + "\n";
        }
        case "commit" -> {
          StringBuilder out = new StringBuilder();
          for (; applied < log.size(); applied++) {
            TsoCommand c = log.get(applied);
            String outcome = null;
            for (Tso t : replicas.values()) outcome = t.apply(c).toString();
            out.append("applied ").append(c).append(": ").append(outcome).append('\n');
          }
          return out.length() == 0 ? "nothing to apply\n" : out.toString();
        }
        case "get" -> {
          int n = Integer.parseInt(w[2]);
          long last = replica(w[1]).allocate(n, clocks.get(w[1]));
          if (last < 0) return w[1] + " cannot serve yet: " + replica(w[1]).describe() + "\n";
          return w[1]
              + " serves "
              + TsoTimestamp.text(last - n + 1)
              + (n > 1 ? " … " + TsoTimestamp.text(last) : "")
              + "\n";
        }
        case "tick" -> {
          TsoCommand c = replica(w[1]).tick(clocks.get(w[1]));
          if (c == null) return "no extension due\n";
          log.add(c);
          return w[1] + " proposes " + c + "\n";
        }
        case "restart" -> {
          Tso fresh = new Tso(persist, windowMs);
          fresh.restore(replica(w[1]).savedLimitMs());
          replicas.put(w[1], fresh);
          return w[1] + " restarted: " + fresh.describe() + "\n";
        }
        case "show" -> {
          StringBuilder out = new StringBuilder();
          replicas.forEach((r, t) -> out.append(r).append(": ").append(t.describe()).append('\n'));
          return out.toString();
        }
        default -> throw new IllegalArgumentException("unknown command " + w[0]);
      }
    }
  }
}
