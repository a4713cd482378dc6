package dev.txlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/architecture.md} true where a machine can tell: every class it names in
 * backticks ({@code RunOutcome}, {@code Effect.Granted}) has a source file, and every package path
 * ({@code coordinator.protocol}, {@code node.sim.Simulator}) exists under {@code dev.txlab}.
 */
class ArchitectureDocTest {
  private static final Path ROOT = Path.of("..");
  private static final List<String> MODULES =
      List.of("checker", "node", "coordinator", "chaos", "scenarios");

  @Test
  void everyTypeAndPackageTheDocNamesExists() throws IOException {
    // Fenced blocks (diagrams) hold no backticked names; drop them so backticks pair up.
    String doc =
        Files.readString(ROOT.resolve("docs/architecture.md")).replaceAll("(?s)```.*?```", "");
    Matcher m = Pattern.compile("`([^`]+)`").matcher(doc);
    List<String> missing = new ArrayList<>();
    int checked = 0;
    while (m.find()) {
      String token = m.group(1).replaceAll("\\(.*$", "");
      if (token.matches("[A-Z][A-Za-z0-9]*(\\.[A-Z][A-Za-z0-9]*)*")) {
        checked++;
        if (!typeExists(token.split("\\.")[0])) {
          missing.add(token);
        }
      } else if (token.matches(
          "(dev\\.txlab\\.)?(checker|node|coordinator|chaos|scenarios)(\\.[A-Za-z][A-Za-z0-9]*)+")) {
        checked++;
        if (!pathExists(
            token.startsWith("dev.txlab.") ? token.substring("dev.txlab.".length()) : token)) {
          missing.add(token);
        }
      }
    }
    assertThat(checked).as("names the doc was checked for").isGreaterThan(40);
    assertThat(missing).as("named in docs/architecture.md but not in the code").isEmpty();
  }

  private static boolean typeExists(String simpleName) throws IOException {
    for (String module : MODULES) {
      for (String tree : List.of("src/main/java", "src/test/java")) {
        Path base = ROOT.resolve(module).resolve(tree);
        if (!Files.isDirectory(base)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(base)) {
          if (files.anyMatch(f -> f.getFileName().toString().equals(simpleName + ".java"))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * {@code node.sim.Simulator}: a package directory, a class in one, or a type nested in one, in
   * any module's main or test tree (a test-tree package such as the toy protocol's counts).
   */
  private static boolean pathExists(String dotted) {
    String[] parts = dotted.split("\\.");
    for (String module : MODULES) {
      for (String tree : List.of("src/main/java", "src/test/java")) {
        Path base = ROOT.resolve(module).resolve(tree).resolve("dev/txlab");
        if (Files.isDirectory(base.resolve(String.join("/", parts)))) {
          return true;
        }
        // The longest prefix that is a source file: a class, or the class a nested type lives in.
        for (int i = parts.length; i >= 2; i--) {
          Path file =
              base.resolve(String.join("/", java.util.Arrays.copyOf(parts, i - 1)))
                  .resolve(parts[i - 1] + ".java");
          if (Files.isRegularFile(file)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
