package dev.txlab.scenarios.cli;

import dev.txlab.chaos.fault.Durations;
import dev.txlab.chaos.fault.FaultSyntaxException;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Durations on the command line, in the one form faults, scenario files and reports share ({@link
 * Durations}: {@code 500ms}, {@code 30s}, {@code 1.5s}, {@code 2m}, {@code 1h}), or ISO-8601
 * ({@code PT30S}). A bare number is refused: the unit is never guessed.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** Parses {@code text}, or throws a {@link CommandLine.TypeConversionException} saying why. */
  public static Duration parse(String text) {
    String t = text.strip();
    if (t.startsWith("P")) {
      try {
        return Duration.parse(t);
      } catch (java.time.format.DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + text + "' is not an ISO-8601 duration");
      }
    }
    try {
      return Duration.ofNanos(Durations.parse(t));
    } catch (FaultSyntaxException e) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a duration (expected a number and a unit: 500ms, 30s, 2m, 1h)");
    }
  }
}
