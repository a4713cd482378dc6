package dev.txlab.node.golden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Golden interaction scripts in the style of etcd's datadriven tests, shared by the Raft and the
 * transaction scripts: each file opens with prose ({@code #} lines) saying what it shows, then
 * blocks of
 *
 * <pre>
 * command args
 * ----
 * expected output
 * </pre>
 *
 * separated by blank lines. Each file runs against a fresh {@link World}; every block's output must
 * match. {@code -Dgolden.rewrite=true} writes the actual outputs back instead (then read them).
 */
public final class GoldenScripts {
  private GoldenScripts() {}

  static final boolean REWRITE = Boolean.getBoolean("golden.rewrite");

  /** What a script drives: one command in, its transcript out. */
  public interface World {
    String run(String command);
  }

  /** One test per {@code *.txt} file in {@code dir}, in name order. */
  public static Stream<DynamicTest> tests(Path dir, Supplier<? extends World> worlds)
      throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    assertThat(files).as("scripts in " + dir).isNotEmpty();
    return files.stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f, worlds.get())));
  }

  static void run(Path file, World world) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder rewritten = new StringBuilder();
    int i = 0;
    while (i < lines.size() && (lines.get(i).startsWith("#") || lines.get(i).isBlank())) {
      rewritten.append(lines.get(i)).append('\n');
      i++;
    }
    List<String> mismatches = new ArrayList<>();
    while (i < lines.size()) {
      String command = lines.get(i++);
      if (command.isBlank()) continue;
      if (i >= lines.size() || !lines.get(i).equals("----")) {
        throw new IllegalStateException(file + ":" + i + ": expected ---- after '" + command + "'");
      }
      i++;
      StringBuilder expected = new StringBuilder();
      while (i < lines.size() && !lines.get(i).isEmpty())
        expected.append(lines.get(i++)).append('\n');
      String actual = world.run(command);
      if (!actual.equals(expected.toString())) {
        mismatches.add(
            file.getFileName()
                + ": '"
                + command
                + "'\n--- expected\n"
                + expected
                + "--- actual\n"
                + actual);
      }
      rewritten.append(command).append("\n----\n").append(actual).append('\n');
    }
    if (REWRITE) {
      try {
        Files.writeString(
            file, rewritten.toString().stripTrailing() + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    assertThat(mismatches)
        .as("golden script mismatch (regenerate with -Dgolden.rewrite=true)")
        .isEmpty();
  }
}
