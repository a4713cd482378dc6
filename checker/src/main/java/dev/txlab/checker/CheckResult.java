package dev.txlab.checker;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What any checker returns: a verdict plus checker-specific data, rendered three ways. The result
 * is computed first, as data; rendering is a separate step (text for the terminal, JSON fields for
 * scripts, files for {@code --out}).
 */
public interface CheckResult {

  Validity validity();

  /** The workload (model) that was checked, as the command line spells it. */
  String workload();

  /**
   * Writes this result's own fields into a JSON object the caller has opened. The caller writes
   * {@code file}, {@code valid}, {@code workload}, {@code parse_ms} and {@code check_ms}.
   */
  void writeJsonFields(JsonGenerator json) throws IOException;

  /** A few lines for a person at a terminal: the verdict, and for a violation, why. */
  String toText();

  /**
   * Writes the report files into {@code dir} (which exists), such as {@code linearizability.html}.
   * Returns the main file written.
   */
  Path writeReport(Path dir) throws IOException;
}
