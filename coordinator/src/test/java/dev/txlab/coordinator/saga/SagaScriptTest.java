package dev.txlab.coordinator.saga;

import dev.txlab.coordinator.txn.MicroOp;
import dev.txlab.node.api.Address;
import dev.txlab.node.golden.GoldenScripts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden scripts for the orchestrator's saga log and the services' local transactions ({@code
 * src/test/resources/saga/*.txt}): three replicas a, b, c of {@link SagaLog}, a log that applies
 * the leader's proposals to all of them in order when told to (what Raft does, without its
 * messages), and one {@link ServiceState} per service. A leader that changes loses its uncommitted
 * proposals, and finds every saga in flight in its replica of the log.
 *
 * <p>Commands: {@code config idempotency=on|off countermeasure=none|semantic-lock|reread
 * pivot-last=on|off}; {@code take KEY N} (a setup step, released at once, takes N from a ledger);
 * {@code flow F account=A product=P amount=M qty=Q} (the leader logs saga sF); {@code commit};
 * {@code lead R} (R leads: what it would send for each saga in flight); {@code send sF} (the
 * leader's next request for the saga, run by its service); {@code reply sF} (the leader logs the
 * outcome the last send heard); {@code read KEY…}; {@code show}.
 */
class SagaScriptTest {
  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return GoldenScripts.tests(Path.of("src/test/resources/saga"), World::new);
  }

  private static final class World implements GoldenScripts.World {
    final TreeMap<String, SagaLog> replicas = new TreeMap<>();
    final List<SagaLogCommand> log = new ArrayList<>();
    final Map<SagaKeys.Service, ServiceState> services = new EnumMap<>(SagaKeys.Service.class);
    final TreeMap<String, List<String>> heard = new TreeMap<>();
    String leader = "a";
    int applied;
    int takes;
    boolean pivotLast = true;
    ServiceState.Config config = new ServiceState.Config(true, false, false);

    World() {
      reset();
    }

    void reset() {
      for (String r : List.of("a", "b", "c")) replicas.put(r, new SagaLog(config.semanticLock()));
      for (SagaKeys.Service s : SagaKeys.Service.values())
        services.put(s, new ServiceState(config));
    }

    static String opt(String[] w, String name) {
      for (String s : w) if (s.startsWith(name + "=")) return s.substring(name.length() + 1);
      throw new IllegalArgumentException("missing " + name + "=");
    }

    SagaLog lead() {
      return replicas.get(leader);
    }

    @Override
    public String run(String command) {
      String[] w = command.trim().split("\\s+");
      switch (w[0]) {
        case "config" -> {
          String cm = opt(w, "countermeasure");
          config =
              new ServiceState.Config(
                  opt(w, "idempotency").equals("on"),
                  cm.equals("semantic-lock"),
                  cm.equals("reread"));
          pivotLast = opt(w, "pivot-last").equals("on");
          reset();
          return "idempotency "
              + opt(w, "idempotency")
              + ", countermeasure "
              + cm
              + ", pivot-last "
              + opt(w, "pivot-last")
              + "\n";
        }
        case "take" -> {
          long n = Long.parseLong(w[2]);
          ServiceState s = services.get(SagaKeys.serviceOf(w[1]));
          takes++;
          Object out =
              s.apply(new ServiceCommand.Step("setup", "setup/" + takes, w[1], -n, false, 0));
          s.apply(new ServiceCommand.Release("setup", List.of(w[1])));
          return "setup takes "
              + n
              + " from "
              + w[1]
              + ": "
              + out
              + ", "
              + s.balance(w[1])
              + " left\n";
        }
        case "flow" -> {
          long f = Long.parseLong(w[1]);
          List<MicroOp> flow =
              SagaKeys.flow(
                  f,
                  Integer.parseInt(opt(w, "account")),
                  Integer.parseInt(opt(w, "product")),
                  Integer.parseInt(opt(w, "amount")),
                  Integer.parseInt(opt(w, "qty")));
          SagaLogCommand.Begin b =
              new SagaLogCommand.Begin(
                  "s" + f, Address.parse("c1/client"), f, SagaLog.plan(flow, pivotLast));
          log.add(b);
          return leader + " proposes Begin s" + f + ": " + b.steps() + "\n";
        }
        case "commit" -> {
          StringBuilder out = new StringBuilder();
          for (; applied < log.size(); applied++) {
            SagaLogCommand c = log.get(applied);
            SagaLog.Saga changed = null;
            for (SagaLog l : replicas.values()) changed = l.apply(c);
            out.append("applied ").append(c).append(": ");
            out.append(changed == null ? "no change" : describe(changed)).append('\n');
          }
          return out.length() == 0 ? "nothing to apply\n" : out.toString();
        }
        case "lead" -> {
          leader = w[1];
          int dropped = log.size() - applied;
          while (log.size() > applied) log.remove(log.size() - 1);
          heard.clear();
          StringBuilder out = new StringBuilder();
          out.append(leader).append(" leads");
          if (dropped > 0) out.append("; ").append(dropped).append(" uncommitted proposal(s) lost");
          out.append('\n');
          for (SagaLog.Saga s : lead().active()) {
            for (SagaLog.Next n : lead().next(s.id())) {
              out.append("resume ").append(s.id()).append(": ").append(request(n)).append('\n');
            }
          }
          return out.toString();
        }
        case "send" -> {
          List<SagaLog.Next> next = lead().next(w[1]);
          if (next.isEmpty()) return "nothing to send for " + w[1] + "\n";
          StringBuilder out = new StringBuilder();
          List<String> outcomes = new ArrayList<>();
          for (SagaLog.Next n : next) {
            Object o = services.get(n.service()).apply(n.command());
            outcomes.add(o.toString());
            out.append(request(n)).append(" → ").append(o).append('\n');
          }
          heard.put(w[1], outcomes);
          return out.toString();
        }
        case "reply" -> {
          List<SagaLog.Next> next = lead().next(w[1]);
          List<String> outcomes = heard.remove(w[1]);
          if (next.isEmpty() || outcomes == null) return "nothing heard for " + w[1] + "\n";
          SagaLog.Next n = next.get(0);
          SagaLogCommand c =
              n.step() < 0
                  ? new SagaLogCommand.Released(w[1])
                  : new SagaLogCommand.Result(w[1], n.step(), n.compensation(), outcomes.get(0));
          log.add(c);
          return leader + " proposes " + c + "\n";
        }
        case "read" -> {
          List<String> keys = List.of(w).subList(1, w.length);
          ServiceState.ReadResult r =
              (ServiceState.ReadResult)
                  services
                      .get(SagaKeys.serviceOf(keys.get(0)))
                      .apply(new ServiceCommand.Read(keys));
          return r.lockedKey() != null
              ? "refused: " + r.lockedKey() + " is pending\n"
              : "read " + keys + " = " + r.values() + "\n";
        }
        case "show" -> {
          StringBuilder out = new StringBuilder();
          for (SagaLog.Saga s : lead().all()) out.append(describe(s)).append('\n');
          services.forEach(
              (svc, st) -> {
                for (Map.Entry<String, List<Long>> e : st.ledgers().entrySet()) {
                  out.append(svc.label()).append(' ').append(e.getKey()).append(": ");
                  out.append(e.getValue());
                  if (SagaKeys.isLedger(e.getKey()))
                    out.append(" = ").append(st.balance(e.getKey()));
                  out.append('\n');
                }
                if (!st.pendingFlags().isEmpty())
                  out.append(svc.label())
                      .append(" pending ")
                      .append(st.pendingFlags())
                      .append('\n');
              });
          return out.toString();
        }
        default -> throw new IllegalArgumentException("unknown command " + w[0]);
      }
    }

    static String request(SagaLog.Next n) {
      String what =
          n.command() instanceof ServiceCommand.Step s
              ? SagaMetrics.label(n.service().label(), s.key(), s.compensation())
                  + " "
                  + s.key()
                  + " "
                  + s.element()
              : "release " + ((ServiceCommand.Release) n.command()).keys();
      return n.service().label() + " " + n.requestKey() + " " + what;
    }

    static String describe(SagaLog.Saga s) {
      return s.id()
          + " "
          + s.status()
          + (s.status().terminal() ? "" : " at step " + s.at())
          + (s.status().terminal() && !s.released() ? " (flags held)" : "")
          + " effects "
          + s.effects();
    }
  }
}
