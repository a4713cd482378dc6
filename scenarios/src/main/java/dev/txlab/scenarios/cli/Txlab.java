package dev.txlab.scenarios.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root of the {@code txlab} command: subcommands, version, and the exit-status contract. */
@Command(
    name = "txlab",
    mixinStandardHelpOptions = true,
    versionProvider = Txlab.Version.class,
    description =
        "A laboratory for distributed transactions: run protocols under faults, record what"
            + " clients saw, and check the history for linearizability and serializability, with"
            + " anomalies explained.",
    subcommands = {
      CheckCommand.class,
      RunCommand.class,
      CompareCommand.class,
      TraceCommand.class,
      RunsCommand.class,
      ServeCommand.class,
      ScenariosCommand.class,
      ProtocolsCommand.class,
      SoakCommand.class,
      ClusterCommand.class,
      ChaosCommand.class,
      WorkloadCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit status: 0 valid (or every expectation held), 1 invalid (or an expectation did not"
          + " hold), 2 bad usage or input, 3 unknown (a check gave up), 70 internal error (a txlab"
          + " bug)."
    })
public final class Txlab implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit status (for tests too). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(out, err);
    return cl.execute(args);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Txlab());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setUsageHelpAutoWidth(true);
    // A fault's words may start with '-' (clock-skew n3 -40ms): they are values, not options.
    cl.getSubcommands().get("chaos").setUnmatchedOptionsArePositionalParams(true);
    // Our own failures are bugs: say so plainly and exit non-zero, never with a usage status.
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof UsageError) {
            commandLine.getErr().println("txlab: " + ex.getMessage());
            return CommandLine.ExitCode.USAGE;
          }
          commandLine.getErr().println("txlab: internal error (a bug; please report it):");
          ex.printStackTrace(commandLine.getErr());
          return 70;
        });
    return cl;
  }

  /** Bad input found while a command runs (rather than while its arguments are parsed): exit 2. */
  static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  /** Reads the version Maven wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in =
          Txlab.class.getResourceAsStream("/dev/txlab/scenarios/version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "txlab " + p.getProperty("version", "unknown"),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")"
      };
    }
  }
}
