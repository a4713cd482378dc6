package dev.txlab.scenarios.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.txlab.checker.CheckResult;
import dev.txlab.checker.UnfitHistoryException;
import dev.txlab.checker.Validity;
import dev.txlab.checker.history.Edn;
import dev.txlab.checker.history.History;
import dev.txlab.checker.history.HistoryException;
import dev.txlab.checker.history.HistoryFormat;
import dev.txlab.checker.linear.LinearSpec;
import dev.txlab.checker.linear.LinearizabilityChecker;
import dev.txlab.checker.linear.NilRead;
import dev.txlab.checker.txn.TxnChecker;
import dev.txlab.checker.txn.TxnSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code txlab check}: reads histories and judges each one with the checker its workload needs —
 * linearizability for single-object workloads, Elle-style dependency analysis for transactional
 * ones. Files are checked one by one in one process; the exit status is the worst over them (bad
 * input, then invalid, then unknown, then valid).
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Check recorded histories (Jepsen EDN, JSON Lines, or the Jepsen text log).",
      "Single-object workloads are checked for linearizability; list-append and rw-register",
      "transactions against a consistency model, as Elle does."
    },
    footer = {
      "",
      "Examples:",
      "  txlab check examples/histories/stale-read.edn",
      "  txlab check history.edn --workload list-append --consistency serializable --out report/",
      "  txlab check etcd_*.log --workload cas-register --json",
      "",
      "Exit status: 0 valid, 1 invalid, 3 unknown (gave up), 2 bad usage or input."
    })
final class CheckCommand implements Callable<Integer> {
  static final List<String> WORKLOADS;

  static {
    List<String> w = new ArrayList<>();
    w.add("auto");
    w.addAll(LinearSpec.WORKLOADS);
    w.addAll(TxnSpec.WORKLOADS);
    WORKLOADS = List.copyOf(w);
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "History files (.gz is fine).")
  List<Path> files;

  @Option(
      names = "--workload",
      paramLabel = "NAME",
      description =
          "What the history records: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}, guessed from the operations.",
      completionCandidates = WorkloadNames.class,
      defaultValue = "auto")
  String workload;

  @Option(
      names = "--initial",
      paramLabel = "EDN",
      description =
          "The model's initial state as EDN, e.g. 0 or {:x 0 :y 0}. Default: the model's own (nil; \"\" for kv).")
  String initial;

  @Option(
      names = "--nil-read",
      paramLabel = "MODE",
      description =
          "What an ok read of nil means: unknown (constrains nothing; Knossos, the cas-register default) or absent.")
  String nilRead;

  @Option(
      names = "--independent",
      description =
          "Values are [key value] tuples (Jepsen's independent keys); check each key alone.")
  boolean independent;

  @Option(
      names = "--consistency",
      paramLabel = "MODEL[,MODEL…]",
      split = ",",
      description =
          "Transactional models to check, as Elle names them. Default: strict-serializable.")
  List<String> consistency;

  @Option(
      names = "--wfr-keys",
      description = "rw-register: assume writes follow reads within a transaction.")
  boolean wfrKeys;

  @Option(
      names = "--sequential-keys",
      description = "rw-register: assume each key is sequentially consistent.")
  boolean sequentialKeys;

  @Option(
      names = "--linearizable-keys",
      description = "rw-register: assume each key is linearizable.")
  boolean linearizableKeys;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "auto",
      description = "auto, edn, jsonl or jepsen-log. Default: ${DEFAULT-VALUE} (by content).")
  String format;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Write the report (HTML) and results.json here (one subdirectory per file when there are several).")
  Path out;

  @Option(
      names = "--json",
      description = "Print one JSON object per file on stdout; human text goes to stderr.")
  boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Give up after this long per file (answer: unknown), e.g. 30s.")
  Duration timeout;

  static final class WorkloadNames extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    WorkloadNames() {
      super(WORKLOADS);
    }
  }

  @Override
  public Integer call() {
    validateOptions();
    HistoryFormat fmt = format.equalsIgnoreCase("auto") ? null : HistoryFormat.parse(format);
    Object initialValue = initial == null ? null : parseInitial();
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter human = json ? spec.commandLine().getErr() : stdout;
    int worst = 0;
    for (Path file : files) {
      int status = checkOne(file, fmt, initialValue, stdout, human);
      worst = worse(worst, status);
    }
    return worst;
  }

  /** Orders exit statuses: bad input (2) over invalid (1) over unknown (3) over valid (0). */
  static int worse(int a, int b) {
    return rank(a) >= rank(b) ? a : b;
  }

  private static int rank(int status) {
    switch (status) {
      case 0:
        return 0;
      case 3:
        return 1;
      case 1:
        return 2;
      default:
        return 3;
    }
  }

  private void validateOptions() {
    CommandLine cl = spec.commandLine();
    if (!WORKLOADS.contains(workload)) {
      throw new CommandLine.ParameterException(
          cl,
          "--workload: unknown workload '"
              + workload
              + "' (expected one of "
              + String.join(", ", WORKLOADS)
              + ")");
    }
    if (!format.equalsIgnoreCase("auto") && HistoryFormat.parse(format) == null) {
      throw new CommandLine.ParameterException(
          cl,
          "--format: unknown format '" + format + "' (expected auto, edn, jsonl or jepsen-log)");
    }
    if (nilRead != null
        && !nilRead.equalsIgnoreCase("unknown")
        && !nilRead.equalsIgnoreCase("absent")) {
      throw new CommandLine.ParameterException(
          cl, "--nil-read: expected unknown or absent, found '" + nilRead + "'");
    }
    if (consistency != null) {
      List<String> known = TxnSpec.knownModels();
      for (String m : consistency) {
        if (!known.contains(m)) {
          throw new CommandLine.ParameterException(
              cl,
              "--consistency: unknown model '" + m + "' (known: " + String.join(", ", known) + ")");
        }
      }
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new CommandLine.ParameterException(cl, "--timeout: must be positive");
    }
    if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
      throw new CommandLine.ParameterException(
          cl, "--out: " + out + " exists and is not a directory");
    }
  }

  private Object parseInitial() {
    try {
      return Edn.parse(initial);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--initial: " + e.getMessage());
    }
  }

  private int checkOne(
      Path file, HistoryFormat fmt, Object initialValue, PrintWriter stdout, PrintWriter human) {
    long t0 = System.nanoTime();
    // A run directory (runs/latest): its history, judged as the run judged it unless told
    // otherwise.
    Path historyFile = file;
    String runWorkload = null;
    List<String> runModels = null;
    if (java.nio.file.Files.isDirectory(file)) {
      historyFile = file.resolve("history.edn");
      if (!java.nio.file.Files.isRegularFile(historyFile)) {
        return badInput(
            file,
            file + ": a directory without history.edn (a run directory holds one)",
            stdout,
            human);
      }
      Path results = file.resolve("results.json");
      if (java.nio.file.Files.isRegularFile(results)) {
        try {
          com.fasterxml.jackson.databind.JsonNode r =
              new com.fasterxml.jackson.databind.ObjectMapper().readTree(results.toFile());
          if (r.hasNonNull("workload")) {
            String w = r.get("workload").asText();
            // As the run's own checks read it: a register run is a cas-register history, a bank or
            // causal-reverse run a list-append one, a tso run the oracle's.
            runWorkload =
                dev.txlab.scenarios.workload.WorkloadDriver.NAMES.contains(w)
                    ? dev.txlab.scenarios.workload.WorkloadDriver.checkerWorkload(w)
                    : w;
          } else if (r.hasNonNull("protocol")) {
            runWorkload = "cas-register"; // a single-key run: compare-and-set registers
          }
          if (r.has("consistency") && r.get("consistency").isArray()) {
            List<String> models = new ArrayList<>();
            r.get("consistency").forEach(m -> models.add(m.asText()));
            runModels = models.isEmpty() ? null : models;
          }
        } catch (IOException e) {
          return badInput(file, results + ": cannot read: " + e.getMessage(), stdout, human);
        }
      }
    }
    History history;
    try {
      history = HistoryFormat.read(historyFile, fmt);
    } catch (HistoryException e) {
      return badInput(file, e.getMessage(), stdout, human);
    } catch (IOException e) {
      return badInput(file, file + ": cannot read: " + e.getMessage(), stdout, human);
    } catch (UncheckedIOException e) {
      return badInput(file, file + ": cannot read: " + e.getCause().getMessage(), stdout, human);
    }
    long parseNanos = System.nanoTime() - t0;

    String w = workload.equals("auto") && runWorkload != null ? runWorkload : workload;
    boolean keyed = independent;
    NilRead runNil = null;
    if (workload.equals("auto") && runWorkload != null && !TxnSpec.WORKLOADS.contains(w)) {
      // A run's single-key history is checked as the run checked it: key by key, a nil read
      // meaning the key is absent.
      keyed = true;
      runNil = NilRead.ABSENT;
    }
    if (w.equals("auto")) {
      w = TxnSpec.guessWorkload(history);
      if (w == null) {
        w = LinearSpec.guessWorkload(history);
      }
      if (w == null && history.operations().isEmpty()) {
        return badInput(
            file,
            file
                + ": the history has no client operations (an event needs an integer :process to be"
                + " one), so its workload cannot be guessed; give --workload to check it anyway",
            stdout,
            human);
      }
      if (w == null) {
        return badInput(
            file,
            file
                + ": cannot tell the workload from the operations; give --workload (one of "
                + String.join(", ", WORKLOADS.subList(1, WORKLOADS.size()))
                + ")",
            stdout,
            human);
      }
      // Jepsen's independent histories carry [key value] tuples: check them key by key.
      keyed |=
          (w.equals("register") || w.equals("cas-register"))
              && LinearSpec.guessIndependent(history);
    }

    long t1 = System.nanoTime();
    CheckResult result;
    try {
      if (TxnSpec.WORKLOADS.contains(w)) {
        List<String> models =
            consistency != null
                ? List.copyOf(new LinkedHashSet<>(consistency))
                : runModels != null ? runModels : List.of("strict-serializable");
        result =
            TxnChecker.check(
                history,
                new TxnSpec(w, models, wfrKeys, sequentialKeys, linearizableKeys, timeout));
      } else {
        NilRead nr = nilRead == null ? runNil : NilRead.valueOf(nilRead.toUpperCase(Locale.ROOT));
        result =
            LinearizabilityChecker.check(
                history, new LinearSpec(w, initialValue, nr, keyed, timeout));
      }
    } catch (UnfitHistoryException e) {
      return badInput(
          file, file + ": does not fit the " + w + " workload: " + e.getMessage(), stdout, human);
    }
    long checkNanos = System.nanoTime() - t1;

    Path reportDir = null;
    Path report = null;
    if (out != null) {
      reportDir = files.size() == 1 ? out : out.resolve(uniqueName(file));
      try {
        Files.createDirectories(reportDir);
        report = result.writeReport(reportDir);
        Files.writeString(
            reportDir.resolve("results.json"),
            jsonObject(file, result, parseNanos, checkNanos, report) + "\n");
      } catch (IOException e) {
        throw new Txlab.UsageError("--out: cannot write to " + reportDir + ": " + e.getMessage());
      }
    }

    Validity v = result.validity();
    human.printf(
        "%s: %s (%s, %d events, parsed in %d ms, checked in %d ms)%n",
        file, verdictWord(v), w, history.size(), parseNanos / 1_000_000, checkNanos / 1_000_000);
    String text = result.toText();
    if (!text.isBlank()) {
      human.println(indent(text.strip()));
    }
    if (report != null) {
      human.println("  report: " + report);
    }
    if (json) {
      stdout.println(jsonObject(file, result, parseNanos, checkNanos, report));
    }
    human.flush();
    stdout.flush();
    return v.exitStatus();
  }

  /** Names a per-file report directory after the file, adding its parent when names repeat. */
  private String uniqueName(Path file) {
    String name = file.getFileName().toString();
    long same = files.stream().filter(f -> f.getFileName().toString().equals(name)).count();
    if (same > 1 && file.getParent() != null && file.getParent().getFileName() != null) {
      return file.getParent().getFileName() + "-" + name;
    }
    return name;
  }

  private static String verdictWord(Validity v) {
    switch (v) {
      case VALID:
        return "valid";
      case INVALID:
        return "INVALID";
      default:
        return "unknown";
    }
  }

  private static String indent(String text) {
    return "  " + text.replace("\n", "\n  ");
  }

  private int badInput(Path file, String message, PrintWriter stdout, PrintWriter human) {
    spec.commandLine().getErr().println("txlab check: " + message);
    if (json) {
      StringWriter sw = new StringWriter();
      try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
        g.writeStartObject();
        g.writeStringField("file", file.toString());
        g.writeStringField("error", message);
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      stdout.println(sw);
      stdout.flush();
    }
    return CommandLine.ExitCode.USAGE;
  }

  private static String jsonObject(
      Path file, CheckResult r, long parseNanos, long checkNanos, Path report) {
    StringWriter sw = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
      g.writeStartObject();
      g.writeStringField("file", file.toString());
      Object valid = r.validity().json();
      if (valid instanceof Boolean) {
        g.writeBooleanField("valid", (Boolean) valid);
      } else {
        g.writeStringField("valid", (String) valid);
      }
      g.writeStringField("workload", r.workload());
      g.writeNumberField("parse_ms", Math.round(parseNanos / 1e4) / 100.0);
      g.writeNumberField("check_ms", Math.round(checkNanos / 1e4) / 100.0);
      if (report != null) {
        g.writeStringField("report", report.toString());
      }
      r.writeJsonFields(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }
}
