package dev.txlab.checker.txn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Finds the shared corpus: the {@code shared/corpus} folder next to the repository checkout. */
final class CorpusLocation {
  private CorpusLocation() {}

  /** {@code shared/corpus/transactional}, or null when no enclosing directory holds it. */
  static Path transactional() {
    for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        p != null;
        p = p.getParent()) {
      Path c = p.resolve("shared").resolve("corpus").resolve("transactional");
      if (Files.isDirectory(c)) {
        return c;
      }
    }
    return null;
  }
}
