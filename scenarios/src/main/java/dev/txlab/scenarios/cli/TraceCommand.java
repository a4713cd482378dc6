package dev.txlab.scenarios.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.txlab.scenarios.run.RunDirectory;
import dev.txlab.scenarios.trace.TraceException;
import dev.txlab.scenarios.trace.TraceLine;
import dev.txlab.scenarios.trace.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code txlab trace}: prints a run's trace as JSON Lines — all of it, or the messages of some
 * transactions, or what happened on some nodes. Traces are stored compressed; this reads them (and
 * the uncompressed {@code trace.jsonl} of older runs) so nobody has to. Exit status 0, or 2 when
 * the trace is missing or damaged (the message names the file, line and field).
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Print a run's trace (trace.jsonl.gz) as JSON Lines, all of it or a selection.",
    footer = {
      "",
      "Examples:",
      "  txlab trace runs/latest --txn c3/client:17",
      "  txlab trace runs/latest --node n2 | grep crash",
      "",
      "Exit status: 0 printed, 2 bad usage, or a missing or damaged trace."
    })
final class TraceCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "RUN_DIR|FILE",
      description = "A run directory (its trace.jsonl.gz) or a trace file.")
  Path path;

  @Option(
      names = "--txn",
      paramLabel = "ID",
      split = ",",
      description =
          "Only the messages of this transaction: c3/client:17 (every attempt of client c3's 17th"
              + " operation) or c3/client:17.0 (one attempt). Repeatable.")
  List<String> txns = new ArrayList<>();

  @Option(
      names = "--node",
      paramLabel = "NODE",
      split = ",",
      description =
          "Only what happened at this node or process (n2, n2/shard-1): what it received and lost,"
              + " its timers, starts and crashes. Repeatable.")
  List<String> nodes = new ArrayList<>();

  @Override
  public Integer call() {
    Path file = path;
    if (Files.isDirectory(path)) {
      file = RunDirectory.traceFile(path);
      if (file == null) {
        throw new Txlab.UsageError(
            path
                + ": no trace file ("
                + RunDirectory.TRACE
                + "); a run made with --trace off writes none");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    JsonFactory json = new JsonFactory();
    try {
      TraceReader.read(
          file,
          l -> {
            if (selected(l)) {
              out.println(json(json, l));
            }
          });
    } catch (TraceException e) {
      out.flush();
      throw new Txlab.UsageError(e.getMessage());
    }
    out.flush();
    return 0;
  }

  private boolean selected(TraceLine l) {
    if (!txns.isEmpty() && txns.stream().noneMatch(id -> TraceLine.inTransaction(l.txn(), id))) {
      return false;
    }
    return nodes.isEmpty()
        || nodes.stream().anyMatch(n -> l.at().equals(n) || l.at().startsWith(n + "/"));
  }

  private static String json(JsonFactory json, TraceLine l) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = json.createGenerator(w)) {
      g.writeStartObject();
      g.writeNumberField("t", l.t());
      g.writeStringField("at", l.at());
      g.writeStringField("what", l.what());
      if (l.sent() >= 0) {
        g.writeNumberField("sent", l.sent());
      }
      if (l.txn() != null) {
        g.writeStringField("txn", l.txn());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
