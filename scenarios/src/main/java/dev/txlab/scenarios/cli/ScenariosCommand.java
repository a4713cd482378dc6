package dev.txlab.scenarios.cli;

import dev.txlab.scenarios.run.Scenario;
import dev.txlab.scenarios.run.ScenarioLibrary;
import dev.txlab.scenarios.run.ScenarioReader;
import dev.txlab.scenarios.script.ScriptException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code txlab scenarios list | show NAME}: the bundled scenario library. */
@Command(
    name = "scenarios",
    mixinStandardHelpOptions = true,
    description = "List the bundled scenarios, or show one.",
    subcommands = {ScenariosCommand.ListScenarios.class, ScenariosCommand.ShowScenario.class})
final class ScenariosCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "expected 'list' or 'show NAME'");
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "One line per bundled scenario.")
  static final class ListScenarios implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      for (String name : ScenarioLibrary.names()) {
        try {
          Scenario s = ScenarioReader.read(ScenarioLibrary.bundled(name), List.of());
          out.printf("%-28s %s%n", name, s.description());
        } catch (ScriptException e) {
          throw new IllegalStateException(
              "bundled scenario " + name + " is invalid: " + e.getMessage(), e);
        }
      }
      out.flush();
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print a bundled scenario's script.")
  static final class ShowScenario implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public void run() {
      ScenarioLibrary.Source s = ScenarioLibrary.bundled(name);
      if (s == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "no bundled scenario '"
                + name
                + "' (bundled: "
                + String.join(", ", ScenarioLibrary.names())
                + ")");
      }
      spec.commandLine().getOut().print(s.text());
      spec.commandLine().getOut().flush();
    }
  }
}
