package dev.txlab.scenarios.cli;

import dev.txlab.chaos.fault.Fault;
import dev.txlab.chaos.fault.FaultSyntaxException;
import dev.txlab.scenarios.live.ClusterFile;
import dev.txlab.scenarios.live.LiveCluster;
import dev.txlab.scenarios.live.LiveException;
import dev.txlab.scenarios.live.LiveNemesis;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code txlab chaos FAULT}: one fault, in the text form scenarios use, applied to the live cluster
 * now. Prints what changed and appends the fault to the cluster's {@code faults.jsonl}.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description =
        "Apply a fault to the live cluster now (the same text forms as scenario fault lines).",
    footer = {
      "",
      "Faults:",
      "  partition n1,n2|n3,n4,n5   partition halves   partition majority-ring   isolate leader:shard-1",
      "  kill n3   restart n3   pause n2   resume n2   kill coordinator   (real SIGKILL / SIGSTOP / SIGCONT)",
      "  clock-skew n3 +40ms   clock-drift n2 200ppm   clock-reset all",
      "  delay 50ms±10ms   loss 20%%   duplicate 10%%   net-reset   heal",
      "",
      "Quote the fault when it contains '|' or spaces are awkward: txlab chaos 'partition n1,n2|n3,n4,n5'",
      "Exit status: 0 applied, 1 the cluster could not take it now (e.g. no leader), 2 bad fault text or no cluster."
    })
final class ChaosCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin ClusterCommand.DirOption dir = new ClusterCommand.DirOption();

  @Parameters(
      arity = "1..*",
      paramLabel = "FAULT",
      description = "The fault; its words may be given as separate arguments.")
  List<String> words = new ArrayList<>();

  @Override
  public Integer call() {
    String text = String.join(" ", words);
    Fault fault;
    try {
      fault = Fault.parse(text);
    } catch (FaultSyntaxException e) {
      throw new Txlab.UsageError("bad fault '" + text + "': " + e.getMessage());
    }
    LiveCluster c = dir.load();
    LiveNemesis nemesis = new LiveNemesis(c, new SplittableRandom());
    String problem = nemesis.problemWith(fault);
    if (problem != null) {
      throw new Txlab.UsageError("'" + fault.text() + "': " + problem);
    }
    if (c.running().isEmpty()) {
      throw new Txlab.UsageError(
          "no node of the cluster in "
              + c.dir()
              + " is running; start it with: txlab cluster start"
              + dir.flag());
    }
    LiveNemesis.Applied a;
    try {
      a = nemesis.apply(fault);
    } catch (LiveException e) {
      throw new Txlab.UsageError(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (a.applied()) {
      out.println("applied: " + a.summary());
      for (String change : a.changes()) {
        out.println("  " + change);
      }
    } else {
      out.println("NOT applied: " + fault.text() + ": " + String.join("; ", a.changes()));
    }
    out.println("  recorded in " + c.dir().resolve(ClusterFile.FAULTS));
    out.flush();
    return a.applied() ? 0 : 1;
  }
}
