package dev.txlab.scenarios.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The list of every run under a runs directory: {@code runs/index.jsonl}, one JSON line appended by
 * each run when it has finished (its directory relative to the runs directory, scenario, protocol,
 * seed, host, date, verdicts, anomaly types and key metrics), so listing the runs needs no scan.
 * Runs without a line — written before the index existed, or by hand — are still found by a scan of
 * {@code runs/<scenario>/<run>/results.json}; a line whose directory is gone is skipped. {@code
 * txlab runs list}, {@code txlab runs gc} and {@code txlab serve} read it.
 */
public final class RunIndex {
  public static final String FILE = "index.jsonl";

  /** The metrics an index line keeps, where a run has them. */
  static final List<String> KEY_METRICS =
      List.of(
          "ops",
          "ops_ok",
          "ops_fail",
          "ops_info",
          "txns",
          "txns_ok",
          "txns_fail",
          "txns_info",
          "aborts",
          "retries",
          "blocked_txns",
          "in_doubt_ms_max",
          "lock_hold_ms_max",
          "commit_wait_ms_p99",
          "truetime_lies");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

  private RunIndex() {}

  /**
   * One run as the index lists it.
   *
   * @param dir the run's directory relative to the runs directory ({@code quickstart/20261204-…})
   * @param line the index line's fields
   */
  public record Entry(String dir, Map<String, Object> line) {
    public String scenario() {
      return String.valueOf(line.getOrDefault("scenario", "?"));
    }

    /** When the run finished, ISO-8601 UTC. */
    public String date() {
      return String.valueOf(line.getOrDefault("date", ""));
    }
  }

  /** The line for a run: the index's fields from its result object. */
  public static Map<String, Object> line(String dir, Map<String, Object> results, Instant date) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dir", dir);
    m.put("scenario", results.get("scenario"));
    m.put("protocol", results.get("protocol"));
    m.put("seed", results.get("seed"));
    m.put("host", results.get("host"));
    m.put("date", date.toString());
    m.put("valid", results.get("valid"));
    m.put("expectations_met", results.get("expectations_met"));
    Map<String, Object> checks = new LinkedHashMap<>();
    List<Object> anomalies = new ArrayList<>();
    if (results.get("checks") instanceof Map<?, ?> cs) {
      for (Map.Entry<?, ?> c : cs.entrySet()) {
        if (c.getValue() instanceof Map<?, ?> cm) {
          checks.put(String.valueOf(c.getKey()), cm.get("valid"));
          if (cm.get("anomaly_types") instanceof List<?> types) {
            for (Object t : types) {
              if (!anomalies.contains(t)) {
                anomalies.add(t);
              }
            }
          }
        }
      }
    }
    m.put("checks", checks);
    m.put("anomaly_types", anomalies);
    Map<String, Object> metrics = new LinkedHashMap<>();
    if (results.get("metrics") instanceof Map<?, ?> ms) {
      for (String k : KEY_METRICS) {
        if (ms.containsKey(k)) {
          metrics.put(k, ms.get(k));
        }
      }
    }
    m.put("metrics", metrics);
    if (results.containsKey("error")) {
      m.put("error", results.get("error"));
    }
    return m;
  }

  /**
   * Appends the line of the run in {@code runDir} (under {@code runsRoot}) to the index. One write
   * of one line in append mode, so runs finishing together do not interleave their lines.
   */
  public static void append(Path runsRoot, Path runDir, Map<String, Object> results)
      throws IOException {
    String dir = relative(runsRoot, runDir);
    String text = JSON.writeValueAsString(line(dir, results, Instant.now())) + "\n";
    Files.write(
        runsRoot.resolve(FILE),
        text.getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }

  private static String relative(Path root, Path dir) {
    return root.toAbsolutePath()
        .normalize()
        .relativize(dir.toAbsolutePath().normalize())
        .toString()
        .replace('\\', '/');
  }

  /**
   * Every run under {@code runsRoot}, newest first: the index's lines whose directories still hold
   * a run, then any run directory the index does not list (found by a scan). A damaged line is
   * skipped — the scan still finds its run.
   */
  public static List<Entry> read(Path runsRoot) throws IOException {
    Map<String, Entry> byDir = new LinkedHashMap<>();
    Path index = runsRoot.resolve(FILE);
    if (Files.isRegularFile(index)) {
      for (String text : Files.readAllLines(index, StandardCharsets.UTF_8)) {
        if (text.isBlank()) {
          continue;
        }
        Map<String, Object> line;
        try {
          line = asMap(JSON.readValue(text, Map.class));
        } catch (IOException e) {
          continue;
        }
        Object dir = line.get("dir");
        if (dir instanceof String d && isRun(runsRoot, d)) {
          byDir.put(d, new Entry(d, line));
        }
      }
    }
    for (Path scenarioDir : children(runsRoot)) {
      for (Path run : children(scenarioDir)) {
        String dir = relative(runsRoot, run);
        if (byDir.containsKey(dir) || !Files.isRegularFile(run.resolve(RunDirectory.RESULTS))) {
          continue;
        }
        Map<String, Object> results;
        try {
          results = asMap(JSON.readValue(run.resolve(RunDirectory.RESULTS).toFile(), Map.class));
        } catch (IOException e) {
          results = new LinkedHashMap<>();
          results.put("scenario", scenarioDir.getFileName().toString());
          results.put("error", "results.json unreadable: " + e.getMessage());
        }
        byDir.put(dir, new Entry(dir, line(dir, results, dateOf(run))));
      }
    }
    List<Entry> out = new ArrayList<>(byDir.values());
    out.sort(Comparator.comparing(Entry::date).thenComparing(Entry::dir).reversed());
    return out;
  }

  /** Whether {@code dir} (relative) names a run directory inside {@code runsRoot}. */
  static boolean isRun(Path runsRoot, String dir) {
    Path root = runsRoot.toAbsolutePath().normalize();
    Path p = root.resolve(dir).normalize();
    return p.startsWith(root)
        && !p.equals(root)
        && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
        && Files.isRegularFile(p.resolve(RunDirectory.RESULTS));
  }

  /** A run's date: its directory's timestamp, else when its results were written. */
  static Instant dateOf(Path run) {
    String name = run.getFileName().toString();
    if (name.length() >= 19) {
      try {
        return LocalDateTime.parse(name.substring(0, 19), STAMP).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        // Not a timestamped name (a run given --out): fall back to the file's time.
      }
    }
    try {
      return Files.getLastModifiedTime(run.resolve(RunDirectory.RESULTS)).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }

  /** The directories directly in {@code dir} (not symbolic links: {@code latest} is not a run). */
  private static List<Path> children(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(p);
        }
      }
    }
    out.sort(null);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    if (!(o instanceof Map)) {
      throw new UncheckedIOException(new IOException("not a JSON object"));
    }
    return new LinkedHashMap<>((Map<String, Object>) o);
  }

  /**
   * What {@code gc} would delete: with {@code perScenario}, all but the {@code keep} newest runs of
   * each scenario; otherwise all but the {@code keep} newest runs overall.
   */
  public static List<Entry> toDelete(List<Entry> newestFirst, int keep, boolean perScenario) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, not " + keep);
    }
    Map<String, Integer> seen = new TreeMap<>();
    List<Entry> out = new ArrayList<>();
    for (Entry e : newestFirst) {
      String group = perScenario ? e.scenario() : "";
      int n = seen.merge(group, 1, Integer::sum);
      if (n > keep) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Deletes the runs {@code doomed} from {@code runsRoot}: each one's directory (only a run
   * directory inside {@code runsRoot}, never a link out of it), then rewrites the index without
   * their lines and points {@code latest} at the newest run left (or removes it when none is).
   *
   * @return the bytes freed
   */
  public static long delete(Path runsRoot, List<Entry> doomed) throws IOException {
    Path root = runsRoot.toRealPath();
    long freed = 0;
    for (Entry e : doomed) {
      if (!isRun(runsRoot, e.dir())) {
        continue;
      }
      Path dir = root.resolve(e.dir()).normalize();
      if (!dir.toRealPath().startsWith(root) || dir.equals(root)) {
        throw new IOException("refusing to delete " + dir + ": not inside " + root);
      }
      freed += deleteTree(dir, root);
      Path parent = dir.getParent();
      try (DirectoryStream<Path> s = Files.newDirectoryStream(parent)) {
        if (!s.iterator().hasNext() && !parent.equals(root)) {
          Files.delete(parent);
        }
      }
    }
    rewriteIndex(runsRoot);
    relinkLatest(runsRoot);
    return freed;
  }

  private static long deleteTree(Path dir, Path root) throws IOException {
    long size = 0;
    List<Path> all = new ArrayList<>();
    try (var walk = Files.walk(dir)) {
      walk.forEach(all::add);
    }
    all.sort(Comparator.reverseOrder());
    for (Path p : all) {
      if (!p.toAbsolutePath().normalize().startsWith(root)) {
        throw new IOException("refusing to delete " + p + ": not inside " + root);
      }
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        size += Files.size(p);
      }
      Files.delete(p);
    }
    return size;
  }

  /** Keeps the index's lines whose runs are still there (atomically replaced). */
  private static void rewriteIndex(Path runsRoot) throws IOException {
    Path index = runsRoot.resolve(FILE);
    if (!Files.isRegularFile(index)) {
      return;
    }
    StringBuilder kept = new StringBuilder();
    for (String text : Files.readAllLines(index, StandardCharsets.UTF_8)) {
      try {
        Object dir = asMap(JSON.readValue(text, Map.class)).get("dir");
        if (dir instanceof String d && isRun(runsRoot, d)) {
          kept.append(text).append('\n');
        }
      } catch (IOException | UncheckedIOException e) {
        // A damaged line names no run to keep.
      }
    }
    Path tmp = runsRoot.resolve(FILE + ".tmp");
    Files.writeString(tmp, kept, StandardCharsets.UTF_8);
    Files.move(tmp, index, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Points {@code latest} at the newest run left, unless it already names a run. */
  private static void relinkLatest(Path runsRoot) throws IOException {
    Path latest = runsRoot.resolve("latest");
    if (Files.isDirectory(latest)) {
      return;
    }
    if (Files.isSymbolicLink(latest)) {
      Files.delete(latest);
    }
    List<Entry> left = read(runsRoot);
    if (!left.isEmpty()) {
      Files.createSymbolicLink(latest, Path.of(left.get(0).dir()));
    }
  }
}
