package dev.txlab.coordinator.saga;

import dev.txlab.node.api.Address;
import dev.txlab.node.golden.GoldenScripts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden scripts for choreographed sagas ({@code src/test/resources/saga-choreography/*.txt}): the
 * four services' {@link Choreography} over their {@link ServiceState}s, and an event log that keeps
 * every event published to it, duplicates too (at least once), without Raft's messages.
 *
 * <p>Commands: {@code config idempotency=on|off pivot-last=on|off}; {@code take KEY N} (a setup
 * step takes N from a ledger); {@code start F account=A product=P amount=M qty=Q} (the orders
 * service starts saga sF); {@code relay SERVICE} (its outbox published to the log, not
 * acknowledged); {@code ack SERVICE} (the log acknowledges everything it published); {@code consume
 * SERVICE} (it consumes the log from its offset to the end); {@code show}.
 */
class ChoreographyScriptTest {
  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return GoldenScripts.tests(Path.of("src/test/resources/saga-choreography"), World::new);
  }

  private static final class World implements GoldenScripts.World {
    final Map<SagaKeys.Service, ServiceState> data = new EnumMap<>(SagaKeys.Service.class);
    final Map<SagaKeys.Service, Choreography> services = new EnumMap<>(SagaKeys.Service.class);
    final List<Choreography.Event> log = new ArrayList<>();
    boolean pivotLast = true;
    int takes;

    World() {
      configure(true);
    }

    void configure(boolean idempotency) {
      for (SagaKeys.Service s : SagaKeys.Service.values()) {
        ServiceState st = new ServiceState(new ServiceState.Config(idempotency, false, false));
        data.put(s, st);
        services.put(s, new Choreography(s, st, idempotency, false));
      }
    }

    static String opt(String[] w, String name) {
      for (String s : w) if (s.startsWith(name + "=")) return s.substring(name.length() + 1);
      throw new IllegalArgumentException("missing " + name + "=");
    }

    static SagaKeys.Service service(String name) {
      for (SagaKeys.Service s : SagaKeys.Service.values()) if (s.label().equals(name)) return s;
      throw new IllegalArgumentException("no service " + name);
    }

    @Override
    public String run(String command) {
      String[] w = command.trim().split("\\s+");
      switch (w[0]) {
        case "config" -> {
          configure(opt(w, "idempotency").equals("on"));
          pivotLast = opt(w, "pivot-last").equals("on");
          return "idempotency "
              + opt(w, "idempotency")
              + ", pivot-last "
              + opt(w, "pivot-last")
              + "\n";
        }
        case "take" -> {
          ServiceState s = data.get(SagaKeys.serviceOf(w[1]));
          long n = Long.parseLong(w[2]);
          takes++;
          Object out =
              s.apply(new ServiceCommand.Step("setup", "setup/" + takes, w[1], -n, false, 0));
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
        case "start" -> {
          long f = Long.parseLong(w[1]);
          Choreography.Outcome o =
              services
                  .get(SagaKeys.Service.ORDERS)
                  .start(
                      "s" + f,
                      Address.parse("c1/client"),
                      f,
                      SagaLog.plan(
                          SagaKeys.flow(
                              f,
                              Integer.parseInt(opt(w, "account")),
                              Integer.parseInt(opt(w, "product")),
                              Integer.parseInt(opt(w, "amount")),
                              Integer.parseInt(opt(w, "qty"))),
                          pivotLast));
          return "orders starts s" + f + ": " + describe(o) + "\n";
        }
        case "relay" -> {
          Choreography c = services.get(service(w[1]));
          StringBuilder out = new StringBuilder();
          c.outbox()
              .forEach(
                  (id, e) -> {
                    log.add(e);
                    out.append("log[").append(log.size() - 1).append("] = ").append(e.eventId());
                    out.append(" (").append(w[1]).append(" outbox ").append(id).append(")\n");
                  });
          return out.length() == 0 ? "nothing to relay\n" : out.toString();
        }
        case "ack" -> {
          Choreography c = services.get(service(w[1]));
          List<Long> ids = new ArrayList<>(c.outbox().keySet());
          ids.forEach(c::published);
          return w[1] + " outbox acknowledged: " + ids + "\n";
        }
        case "consume" -> {
          Choreography c = services.get(service(w[1]));
          StringBuilder out = new StringBuilder();
          while (c.offset() < log.size()) {
            long at = c.offset();
            Choreography.Outcome o = c.consume(at, log.get((int) at));
            out.append(w[1]).append(" consumes log[").append(at).append("] ");
            out.append(log.get((int) at).eventId()).append(": ").append(describe(o)).append('\n');
          }
          return out.length() == 0 ? "nothing to consume\n" : out.toString();
        }
        case "show" -> {
          StringBuilder out = new StringBuilder();
          services
              .get(SagaKeys.Service.ORDERS)
              .sagas()
              .values()
              .forEach(
                  s ->
                      out.append(s.id())
                          .append(' ')
                          .append(s.status())
                          .append(' ')
                          .append(s.effects())
                          .append('\n'));
          data.forEach(
              (svc, st) -> {
                for (Map.Entry<String, List<Long>> e : st.ledgers().entrySet()) {
                  out.append(svc.label()).append(' ').append(e.getKey()).append(": ");
                  out.append(e.getValue());
                  if (SagaKeys.isLedger(e.getKey()))
                    out.append(" = ").append(st.balance(e.getKey()));
                  out.append('\n');
                }
              });
          services.forEach(
              (svc, c) ->
                  out.append(svc.label()).append(" offset ").append(c.offset()).append('\n'));
          return out.toString();
        }
        default -> throw new IllegalArgumentException("unknown command " + w[0]);
      }
    }

    static String describe(Choreography.Outcome o) {
      if (o == null) return "skipped";
      StringBuilder b = new StringBuilder();
      if (o.stepped() != null) {
        SagaLog.Next n = SagaLog.nextOf(o.stepped()).get(0);
        ServiceCommand.Step s = (ServiceCommand.Step) n.command();
        b.append(SagaMetrics.label(n.service().label(), s.key(), s.compensation()))
            .append(' ')
            .append(s.key())
            .append(' ')
            .append(s.element())
            .append(" → ")
            .append(o.stepOutcome());
      } else {
        b.append("not its step");
      }
      if (o.ended() != null) b.append("; saga ").append(o.ended().status());
      return b.toString();
    }
  }
}
