package dev.txlab.coordinator.protocol;

import java.util.List;
import java.util.Optional;

/**
 * One setting of a protocol, declared once — by the protocol — and read from there by everything
 * that takes or shows settings: scenario YAML and {@code --set}, {@code results.json}, the report,
 * {@code txlab protocols show} and the live node's flags. Values are texts in the scenario's own
 * words ({@code on}, {@code wound-wait}, {@code 250ms}).
 *
 * @param name the scenario field, e.g. {@code commit-wait}
 * @param defaultValue the value when a scenario says nothing
 * @param kind how values are read and checked
 * @param allowed for {@link Kind#CHOICE}, every allowed value (the default among them)
 * @param doc one line for people: what the knob does and what switching it off costs
 */
public record Knob(String name, String defaultValue, Kind kind, List<String> allowed, String doc) {
  /** How a knob's values are read. */
  public enum Kind {
    /** One of {@link Knob#allowed}. */
    CHOICE,
    /** A non-negative duration ({@code 0s}, {@code 250ms}, {@code 2s}), kept in milliseconds. */
    DURATION,
    /** A fraction strictly between -1 and 1 ({@code 0.05}). */
    FRACTION
  }

  public Knob {
    allowed = List.copyOf(allowed);
    if (name == null || name.isEmpty() || defaultValue == null || kind == null || doc == null) {
      throw new IllegalArgumentException("a knob needs a name, a default, a kind and a doc");
    }
    if ((kind == Kind.CHOICE) != !allowed.isEmpty()) {
      throw new IllegalArgumentException(name + ": a choice, and only a choice, lists its values");
    }
    if (kind == Kind.CHOICE && !allowed.contains(defaultValue)) {
      throw new IllegalArgumentException(
          name + ": default '" + defaultValue + "' is not among " + allowed);
    }
  }

  /** A knob with a fixed set of values. */
  public static Knob choice(String name, String defaultValue, List<String> allowed, String doc) {
    return new Knob(name, defaultValue, Kind.CHOICE, allowed, doc);
  }

  public static Knob duration(String name, String defaultValue, String doc) {
    return new Knob(name, defaultValue, Kind.DURATION, List.of(), doc);
  }

  public static Knob fraction(String name, String defaultValue, String doc) {
    return new Knob(name, defaultValue, Kind.FRACTION, List.of(), doc);
  }

  /** This knob with another default (a protocol that shares a knob but not its default). */
  public Knob withDefault(String value) {
    return new Knob(name, value, kind, allowed, doc);
  }

  /**
   * What is wrong with {@code value} for this knob, in words that name the allowed values; empty if
   * nothing.
   */
  public Optional<String> problem(String value) {
    switch (kind) {
      case CHOICE:
        return allowed.contains(value)
            ? Optional.empty()
            : Optional.of(name + " must be " + String.join("|", allowed) + ", not '" + value + "'");
      case DURATION:
        return Optional.ofNullable(
            value.matches("[0-9]+(ms|s)")
                ? null
                : name + " must be a duration like 250ms or 2s, not '" + value + "'");
      case FRACTION:
        try {
          double d = Double.parseDouble(value);
          return d > -1 && d < 1
              ? Optional.empty()
              : Optional.of(name + " must be a fraction between -1 and 1, not '" + value + "'");
        } catch (NumberFormatException e) {
          return Optional.of(name + " must be a fraction such as 0.05, not '" + value + "'");
        }
      default:
        throw new IllegalStateException("unknown knob kind " + kind);
    }
  }

  /** The values for people: {@code on|off}, {@code a duration}, {@code a fraction}. */
  public String values() {
    switch (kind) {
      case CHOICE:
        return String.join("|", allowed);
      case DURATION:
        return "a duration (250ms, 2s)";
      default:
        return "a fraction in (-1, 1)";
    }
  }
}
