package dev.txlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} prints its usage and nothing else — no picocli format warnings (an
 * unescaped {@code %} in a description) — and the root's names every exit status.
 */
class HelpTest {
  private static void collect(String prefix, CommandLine cl, List<String[]> out) {
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      String path = (prefix + " " + e.getKey()).trim();
      List<String> args = new ArrayList<>(List.of(path.split(" ")));
      args.add("--help");
      out.add(args.toArray(new String[0]));
      collect(path, e.getValue(), out);
    }
  }

  @Test
  void everyCommandsHelpIsCleanAndTheRootNamesTheExitStatuses() {
    List<String[]> commands = new ArrayList<>();
    commands.add(new String[] {"--help"});
    collect(
        "",
        Txlab.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())),
        commands);
    assertThat(commands.size()).isGreaterThan(10);
    for (String[] args : commands) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      java.io.PrintStream stderr = System.err;
      java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
      System.setErr(new java.io.PrintStream(captured, true));
      int status;
      try {
        status = Txlab.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
      } finally {
        System.setErr(stderr);
      }
      String name = String.join(" ", args);
      assertThat(status).as(name).isZero();
      assertThat(out.toString()).as(name).contains("Usage:");
      assertThat(err.toString() + captured)
          .as(name + ": warnings")
          .doesNotContainIgnoringCase("warn")
          .doesNotContain("Format");
    }
    StringWriter root = new StringWriter();
    Txlab.execute(
        new String[] {"--help"},
        new PrintWriter(root, true),
        new PrintWriter(new StringWriter(), true));
    assertThat(root.toString().replaceAll("\\s+", " "))
        .contains("0 valid")
        .contains("1 invalid")
        .contains("2 bad usage")
        .contains("3 unknown")
        .contains("70 internal error");
  }

  @Test
  void aNegativeValueInAFaultIsAValueNotAnOption(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    CheckCommandTest.Run r =
        CheckCommandTest.txlab("chaos", "clock-skew", "n3", "-40ms", "--dir", dir.toString());
    assertThat(r.err()).doesNotContain("Unknown option").doesNotContain("bad fault");
    assertThat(r.status())
        .isEqualTo(2); // no cluster in that directory: the fault itself was understood
  }
}
