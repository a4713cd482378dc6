package dev.txlab.scenarios.run;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thing a scenario asserts about its run, in a small text language shared by scripts and
 * reports:
 *
 * <ul>
 *   <li>{@code valid} / {@code invalid}: the overall verdict of the checks;
 *   <li>{@code CHECK valid} / {@code CHECK invalid}: one check's verdict ({@code linearizable
 *       invalid});
 *   <li>{@code anomalies include NAME}: some check reported that anomaly type;
 *   <li>{@code METRIC OP NUMBER} with {@code OP} one of {@code == != < <= > >=}: a run metric
 *       ({@code raft_safety_violations == 0}, {@code ops_ok > 100}).
 * </ul>
 */
public final class Expectation {
  private static final Pattern METRIC =
      Pattern.compile("([a-z][a-z0-9_]*)\\s*(==|!=|<=|>=|<|>)\\s*(-?\\d+(?:\\.\\d+)?)");
  private static final Pattern CHECK = Pattern.compile("([a-z][a-z0-9-]*)\\s+(valid|invalid)");
  private static final Pattern ANOMALY = Pattern.compile("anomalies\\s+include\\s+(\\S+)");

  private enum Kind {
    VERDICT,
    CHECK,
    ANOMALY,
    METRIC
  }

  private final String text;
  private final Kind kind;
  private final String subject;
  private final String op;
  private final double number;
  private final boolean wantValid;

  private Expectation(
      String text, Kind kind, String subject, String op, double number, boolean wantValid) {
    this.text = text;
    this.kind = kind;
    this.subject = subject;
    this.op = op;
    this.number = number;
    this.wantValid = wantValid;
  }

  /** Parses one expectation, or throws {@link IllegalArgumentException} saying what is expected. */
  public static Expectation parse(String raw) {
    String t = raw.strip().replaceAll("\\s+", " ");
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.equals("valid") || lower.equals("invalid")) {
      return new Expectation(t, Kind.VERDICT, "", "", 0, lower.equals("valid"));
    }
    Matcher m = ANOMALY.matcher(t);
    if (m.matches()) {
      return new Expectation(t, Kind.ANOMALY, m.group(1), "", 0, false);
    }
    m = METRIC.matcher(t);
    if (m.matches()) {
      return new Expectation(
          t, Kind.METRIC, m.group(1), m.group(2), Double.parseDouble(m.group(3)), false);
    }
    m = CHECK.matcher(t);
    if (m.matches()) {
      return new Expectation(t, Kind.CHECK, m.group(1), "", 0, m.group(2).equals("valid"));
    }
    throw new IllegalArgumentException(
        "'"
            + raw
            + "' is not an expectation (expected: valid, invalid, CHECK valid|invalid,"
            + " anomalies include NAME, or METRIC OP NUMBER such as ops_ok > 0)");
  }

  public String text() {
    return text;
  }

  /** The metric this expectation reads, or null. */
  public String metric() {
    return kind == Kind.METRIC ? subject : null;
  }

  /** The check this expectation reads, or null. */
  public String check() {
    return kind == Kind.CHECK ? subject : null;
  }

  /**
   * Whether the expectation holds.
   *
   * @param valid the overall verdict (true, false, or null for unknown)
   * @param checkValid each check's verdict (null for unknown)
   * @param anomalies every anomaly type any check reported
   * @param metrics the run's metrics
   */
  public boolean holds(
      Boolean valid,
      Map<String, Boolean> checkValid,
      List<String> anomalies,
      Map<String, Double> metrics) {
    switch (kind) {
      case VERDICT:
        return valid != null && valid == wantValid;
      case CHECK:
        {
          Boolean v = checkValid.get(subject);
          return v != null && v == wantValid;
        }
      case ANOMALY:
        return anomalies.contains(subject);
      default:
        {
          Double v = metrics.get(subject);
          if (v == null) {
            return false;
          }
          switch (op) {
            case "==":
              return v == number;
            case "!=":
              return v != number;
            case "<":
              return v < number;
            case "<=":
              return v <= number;
            case ">":
              return v > number;
            default:
              return v >= number;
          }
        }
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
