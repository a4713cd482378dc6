package dev.txlab.scenarios.cli;

import dev.txlab.scenarios.serve.RunsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txlab serve}: serves the runs directory on a local port — an index of every run, sortable
 * and filterable, opening each run's report — until interrupted.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Serve the runs directory on a local web server: an index of every run (scenario,"
            + " protocol, seed, host, date, verdicts, anomaly types, key metrics), sortable and"
            + " filterable, opening each run's report. Read-only; stops on Ctrl-C.",
    footer = {"", "Exit status: 0 stopped, 2 bad usage (no runs directory, port taken)."})
final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--runs",
      paramLabel = "DIR",
      description = "The runs directory (default: ${DEFAULT-VALUE}).")
  Path runs = Path.of("runs");

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "The port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = 8080;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description =
          "The address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 exposes"
              + " every run's files to the network).")
  String bind = "127.0.0.1";

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new Txlab.UsageError("--port must be between 0 and 65535, not " + port);
    }
    RunsServer server;
    try {
      server = RunsServer.start(runs, bind, port);
    } catch (IOException e) {
      throw new Txlab.UsageError("--runs " + runs + " / --port " + port + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "txlab serve: %s on http://%s:%d/ (Ctrl-C stops)%n",
        server.root(), bind.contains(":") ? "[" + bind + "]" : bind, server.port());
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
