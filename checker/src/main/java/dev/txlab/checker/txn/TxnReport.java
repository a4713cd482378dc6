package dev.txlab.checker.txn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the HTML report of a transactional check. */
final class TxnReport {
  private TxnReport() {}

  static Path write(TxnResult r, Path dir) throws IOException {
    Path p = dir.resolve("txn-report.html");
    Files.writeString(p, "<pre>" + r.toText() + "</pre>");
    return p;
  }
}
