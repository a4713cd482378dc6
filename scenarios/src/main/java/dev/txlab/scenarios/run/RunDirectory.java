package dev.txlab.scenarios.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where a run writes its files: {@code runs/<scenario>/<timestamp>/} by default (with {@code
 * runs/latest} pointing at the newest), or the directory given with {@code --out}. The directory's
 * name is the only thing in a run that depends on the wall clock; nothing inside the history or the
 * trace does.
 */
public final class RunDirectory {
  public static final String HISTORY = "history.edn";
  public static final String RESULTS = "results.json";

  /** The simulator's trace, gzip-compressed JSON Lines ({@code TraceWriter}). */
  public static final String TRACE = "trace.jsonl.gz";

  /** The trace's name before it was compressed: run directories written then still hold it. */
  static final String TRACE_UNCOMPRESSED = "trace.jsonl";

  public static final String SCENARIO = "scenario.yaml";
  public static final String REPORT = "report.html";

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

  private final Path dir;

  /** Where {@code latest} lives, or null for a run given {@code --out}. */
  private final Path runsRoot;

  private RunDirectory(Path dir, Path runsRoot) {
    this.runsRoot = runsRoot;
    this.dir = dir;
  }

  /**
   * Creates the directory for a run of {@code scenario}: {@code out} itself when given (it must be
   * empty or absent, so an old run is never half overwritten), else a fresh timestamped one under
   * {@code runsRoot} ({@link #markLatest} points {@code runsRoot/latest} at it once it is done).
   */
  public static RunDirectory create(Path runsRoot, String scenario, Path out) throws IOException {
    if (out != null) {
      if (Files.exists(out)) {
        if (!Files.isDirectory(out)) {
          throw new IOException(out + " exists and is not a directory");
        }
        try (var entries = Files.list(out)) {
          if (entries.findAny().isPresent()) {
            throw new IOException(out + " is not empty (a run writes into a fresh directory)");
          }
        }
      }
      Files.createDirectories(out);
      return new RunDirectory(out, null);
    }
    Path parent = runsRoot.resolve(safeName(scenario));
    Files.createDirectories(parent);
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
    Path dir = parent.resolve(stamp);
    for (int i = 1; Files.exists(dir); i++) {
      dir = parent.resolve(stamp + "-" + i);
    }
    Files.createDirectories(dir);
    return new RunDirectory(dir, runsRoot);
  }

  /**
   * The run has finished and its files are written: points {@code runs/latest} at it ({@link
   * #markLatest}) and appends its line to {@code runs/index.jsonl} ({@link RunIndex}). A run given
   * {@code --out} does neither.
   */
  public void finish(java.util.Map<String, Object> results) {
    markLatest();
    if (runsRoot == null) {
      return;
    }
    try {
      RunIndex.append(runsRoot, dir, results);
    } catch (IOException e) {
      // The run is whole without its line: listing falls back to scanning for run directories.
    }
  }

  /**
   * Points {@code runs/latest} at this run — called once the run has finished and its files are
   * written, so {@code latest} never names a run that crashed half-way. A run given {@code --out}
   * leaves {@code latest} alone.
   */
  public void markLatest() {
    if (runsRoot == null) {
      return;
    }
    Path latest = runsRoot.resolve("latest");
    try {
      if (Files.isSymbolicLink(latest) || Files.exists(latest, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(latest);
      }
      Files.createSymbolicLink(latest, runsRoot.relativize(dir));
    } catch (IOException | UnsupportedOperationException e) {
      // A file system without symbolic links still gets the run; only the shortcut is missing.
    }
  }

  /**
   * The trace file in the run directory {@code dir}: {@link #TRACE}, or the uncompressed {@code
   * trace.jsonl} of a run written before traces were compressed; null when it holds neither.
   */
  public static Path traceFile(Path dir) {
    for (String name : new String[] {TRACE, TRACE_UNCOMPRESSED}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  /** A scenario name as a directory name: letters, digits, '-', '_' and '.' only. */
  static String safeName(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
  }

  public Path path() {
    return dir;
  }

  public Path resolve(String file) {
    return dir.resolve(file);
  }
}
