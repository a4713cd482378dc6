package dev.txlab.scenarios.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations as people type them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code
 * 1.5s}, {@code 250us}, {@code 10ns}, or ISO-8601 ({@code PT30S}). A bare number is refused:
 * the unit is never guessed.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|min|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** Parses {@code text}, or throws a {@link CommandLine.TypeConversionException} saying why. */
  public static Duration parse(String text) {
    String t = text.strip();
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      double amount = Double.parseDouble(m.group(1));
      double nanosPerUnit;
      switch (m.group(2)) {
        case "ns":
          nanosPerUnit = 1;
          break;
        case "us":
        case "µs":
          nanosPerUnit = 1e3;
          break;
        case "ms":
          nanosPerUnit = 1e6;
          break;
        case "s":
          nanosPerUnit = 1e9;
          break;
        case "m":
        case "min":
          nanosPerUnit = 60e9;
          break;
        default:
          nanosPerUnit = 3600e9;
      }
      double nanos = amount * nanosPerUnit;
      if (nanos > Long.MAX_VALUE) {
        throw new CommandLine.TypeConversionException("'" + text + "' is too long a duration");
      }
      return Duration.ofNanos(Math.round(nanos));
    }
    if (t.startsWith("PT") || t.startsWith("P")) {
      try {
        return Duration.parse(t);
      } catch (java.time.format.DateTimeParseException e) {
        // fall through to the message below
      }
    }
    throw new CommandLine.TypeConversionException(
        "'" + text + "' is not a duration (expected a number and a unit: 500ms, 30s, 2m, 1h)");
  }
}
