package dev.txlab.scenarios.cli;

import dev.txlab.coordinator.protocol.Knob;
import dev.txlab.coordinator.protocol.Protocol;
import dev.txlab.coordinator.protocol.ProtocolRegistry;
import dev.txlab.coordinator.protocol.Weakening;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code txlab protocols list | show NAME}: the registered protocols, their knobs and promises. */
@Command(
    name = "protocols",
    mixinStandardHelpOptions = true,
    description =
        "List the protocols a scenario can run, or show one's knobs, promises, metrics and monitors.",
    subcommands = {ProtocolsCommand.ListProtocols.class, ProtocolsCommand.ShowProtocol.class})
final class ProtocolsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "expected 'list' or 'show NAME'");
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "One line per protocol: what it serves and promises.")
  static final class ListProtocols implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      for (Protocol p : ProtocolRegistry.all()) {
        String name =
            p.name() + (p.aliases().isEmpty() ? "" : " (" + String.join(", ", p.aliases()) + ")");
        out.printf(
            "%-18s %-12s promises %-22s knobs: %s%n",
            name, serves(p), String.join(", ", p.promises()), p.knobNames());
        out.printf("%-18s %s%n", "", p.summary());
      }
      out.flush();
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "A protocol's knobs (default, values, what each does), promises, metrics and monitors.")
  static final class ShowProtocol implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public void run() {
      Optional<Protocol> found = ProtocolRegistry.find(name);
      if (found.isEmpty()) {
        throw new Txlab.UsageError(ProtocolRegistry.unknown(name));
      }
      Protocol p = found.get();
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          p.name()
              + (p.aliases().isEmpty() ? "" : " (also: " + String.join(", ", p.aliases()) + ")")
              + (p.isDefault() ? " — the default for " + serves(p) : ""));
      out.println("  " + p.summary());
      out.println(
          "serves: "
              + serves(p)
              + (p.servesTimestamps() ? ", and its oracle's timestamps (the tso workload)" : "")
              + (p.workloads().isEmpty()
                  ? ""
                  : " (the " + String.join(", ", p.workloads()) + " workload only)"));
      out.println(
          "runs on: "
              + (!p.runsOnSimulator()
                  ? "the live host only (a real server, not the simulator)"
                  : p.runsLive() ? "the simulator and live nodes" : "the simulator"));
      out.println(
          "promises: "
              + (p.promises().isEmpty()
                  ? "no consistency model"
                  : String.join(", ", p.promises()) + " (with every knob at its default)"));
      p.disclaims()
          .forEach((model, why) -> out.println("does not promise: " + model + " — " + why));
      if (!p.checks().isEmpty()) {
        out.println(
            "checks of its own, after a run: "
                + String.join(", ", p.checks())
                + (p.runsLive() && p.liveAudit(java.util.Map.of()).isPresent()
                    ? " (on live nodes too: on the state their processes tell when the run ends)"
                    : ""));
      }
      if (p.runsLive() && p.liveCoordinator() == Protocol.LiveCoordinator.GROUP_LEADER) {
        out.println(
            "fault target 'coordinator' on live nodes: the leader of its own Raft group, as the"
                + " nodes report it");
      }
      for (Weakening w : p.weakenings()) {
        if (!w.knob().isEmpty()) {
          out.println(
              "gives up "
                  + w.weakens()
                  + " with "
                  + w.knob()
                  + "="
                  + String.join("|", w.values())
                  + " — "
                  + w.why());
        }
      }
      out.println("knobs:");
      for (Knob k : p.knobs()) {
        out.printf("  %-26s default %-12s %s%n", k.name(), k.defaultValue(), k.values());
        out.printf("  %-26s %s%n", "", k.doc());
      }
      if (p.knobs().isEmpty()) {
        out.println("  (none)");
      }
      out.println(
          "metrics: "
              + (p.metrics().isEmpty()
                  ? "(only the workload's and the simulator's)"
                  : String.join(", ", p.metrics())));
      if (p.monitors().isEmpty()) {
        out.println(
            "monitors: none"
                + (p.runsOnSimulator()
                    ? ""
                    : " (monitors watch simulated events; it is not simulated)"));
        out.flush();
        return;
      }
      out.println("monitors (checked after every simulated event):");
      int width = 14;
      for (Protocol.Monitor m : p.monitors()) width = Math.max(width, m.name().length());
      for (Protocol.Monitor m : p.monitors()) {
        out.printf("  %-" + width + "s %s%n", m.name(), m.doc());
      }
      out.flush();
    }
  }

  static String serves(Protocol p) {
    return p.serves() == Protocol.Serves.TRANSACTIONS ? "transactions" : "single keys";
  }
}
