package dev.txlab.scenarios.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenarios bundled in the jar ({@code dev/txlab/scenarios/library/NAME.yaml}, listed in order
 * in {@code index.txt}), and how a {@code SCENARIO} argument is resolved: a bundled name, or else a
 * path to a YAML file.
 */
public final class ScenarioLibrary {
  private static final String ROOT = "/dev/txlab/scenarios/library/";

  private ScenarioLibrary() {}

  /** A script's text and where it came from. */
  public record Source(String name, String origin, String text) {}

  /** The bundled scenario names, in the library's order. */
  public static List<String> names() {
    String index = resource("index.txt");
    List<String> out = new ArrayList<>();
    if (index != null) {
      for (String line : index.split("\n")) {
        String n = line.strip();
        if (!n.isEmpty() && !n.startsWith("#")) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /** The bundled scenario {@code name}, or null. */
  public static Source bundled(String name) {
    if (!names().contains(name)) {
      return null;
    }
    String text = resource(name + ".yaml");
    if (text == null) {
      throw new IllegalStateException(
          "library index lists " + name + " but its YAML is missing from the jar");
    }
    return new Source(name, "bundled:" + name, text);
  }

  /**
   * Resolves a {@code SCENARIO} argument: a bundled name first, else a file.
   *
   * @throws IOException with a message for the user when neither exists
   */
  public static Source resolve(String argument) throws IOException {
    Source s = bundled(argument);
    if (s != null) {
      return s;
    }
    Path p = Path.of(argument);
    if (Files.isRegularFile(p)) {
      String file = p.getFileName().toString();
      String name = file.replaceFirst("\\.ya?ml$", "");
      return new Source(name, p.toString(), Files.readString(p, StandardCharsets.UTF_8));
    }
    throw new IOException(
        "no scenario named '"
            + argument
            + "' and no such file (bundled: "
            + String.join(", ", names())
            + ")");
  }

  private static String resource(String file) {
    try (InputStream in = ScenarioLibrary.class.getResourceAsStream(ROOT + file)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read bundled " + file, e);
    }
  }
}
