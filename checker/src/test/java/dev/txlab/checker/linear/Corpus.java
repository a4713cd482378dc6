package dev.txlab.checker.linear;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Finds {@code ../shared/corpus} (a sibling of the repository) from wherever tests run. */
final class Corpus {
  private Corpus() {}

  /** The corpus directory, or null when this checkout has no {@code ../shared} beside it. */
  static Path root() {
    Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    for (int i = 0; i < 4 && dir != null; i++) {
      Path candidate = dir.resolveSibling("shared").resolve("corpus");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    return null;
  }
}
