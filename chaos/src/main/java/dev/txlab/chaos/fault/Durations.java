package dev.txlab.chaos.fault;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Reads and prints durations in the one form the fault language, scenario files and reports share:
 * a decimal number followed by a unit, {@code 40ms}, {@code 1.5s}, {@code 250us}, {@code 2m}.
 * Values are nanoseconds in a {@code long}; callers name them with a {@code Nanos} suffix.
 *
 * <p>Units: {@code ns}, {@code us} (also {@code µs} on input), {@code ms}, {@code s}, {@code m}
 * (also {@code min} on input, as the command line's duration options accept it), {@code h}. A
 * fraction is allowed as long as it comes to a whole number of nanoseconds ({@code 1.5ns} is
 * refused rather than rounded: a rounded fault would not print back as what the user wrote).
 *
 * <p>The canonical form, which {@link #text(long)} prints, uses whole hours or minutes when the
 * value is a whole number of them, else the largest of {@code s}, {@code ms}, {@code us} in which
 * the value is at least one and needs no more than three decimals, else {@code ns}; zero is {@code
 * 0s}. So {@code 1500ms} prints as {@code 1.5s} and {@code 90s} stays {@code 90s}. Every value
 * prints to a text that parses back to the same value.
 */
public final class Durations {
  public static final long NANOS_PER_MICRO = 1_000L;
  public static final long NANOS_PER_MILLI = 1_000_000L;
  public static final long NANOS_PER_SECOND = 1_000_000_000L;
  public static final long NANOS_PER_MINUTE = 60 * NANOS_PER_SECOND;
  public static final long NANOS_PER_HOUR = 60 * NANOS_PER_MINUTE;

  private static final String UNITS = "ns, us, ms, s, m or h";

  private Durations() {}

  /**
   * Reads an unsigned, non-negative duration such as {@code 40ms}.
   *
   * @throws FaultSyntaxException whose text is {@code token}, naming what is wrong with it
   */
  public static long parse(String token) throws FaultSyntaxException {
    if (!token.isEmpty() && (token.charAt(0) == '+' || token.charAt(0) == '-')) {
      throw new FaultSyntaxException(
          token, 1, "expected a duration like 40ms without a sign, got '" + token + "'");
    }
    return parseMagnitude(token, 0, "a duration like 40ms");
  }

  /**
   * Reads a duration that must carry its sign, such as {@code +40ms} or {@code -5ms}. The sign is
   * required where the direction matters and a bare number would hide it (clock skew).
   */
  public static long parseSigned(String token) throws FaultSyntaxException {
    if (token.isEmpty() || (token.charAt(0) != '+' && token.charAt(0) != '-')) {
      throw new FaultSyntaxException(
          token, 1, "expected a signed duration like +40ms, got '" + token + "'");
    }
    long magnitude = parseMagnitude(token, 1, "a signed duration like +40ms");
    return token.charAt(0) == '-' ? -magnitude : magnitude;
  }

  /** Reads a duration with an optional sign ({@code 15ms}, {@code +15ms}, {@code -15ms}). */
  public static long parseOptionallySigned(String token) throws FaultSyntaxException {
    if (!token.isEmpty() && (token.charAt(0) == '+' || token.charAt(0) == '-')) {
      return parseSigned(token);
    }
    return parseMagnitude(token, 0, "a duration like 15ms or -15ms");
  }

  /** The canonical text of a duration; negative values get a leading {@code -}. */
  public static String text(long nanos) {
    if (nanos == Long.MIN_VALUE) {
      // Its magnitude does not fit a long; BigDecimal keeps the printing exact anyway.
      return "-" + magnitudeText(BigInteger.valueOf(nanos).negate());
    }
    String magnitude = magnitudeText(BigInteger.valueOf(Math.abs(nanos)));
    return nanos < 0 ? "-" + magnitude : magnitude;
  }

  /** The canonical text with an explicit sign: {@code +40ms}, {@code -5ms}, {@code +0s}. */
  public static String signedText(long nanos) {
    return nanos < 0 ? text(nanos) : "+" + text(nanos);
  }

  private static String magnitudeText(BigInteger nanos) {
    if (nanos.signum() == 0) {
      return "0s";
    }
    BigInteger hour = BigInteger.valueOf(NANOS_PER_HOUR);
    BigInteger minute = BigInteger.valueOf(NANOS_PER_MINUTE);
    if (nanos.mod(hour).signum() == 0) {
      return nanos.divide(hour) + "h";
    }
    if (nanos.mod(minute).signum() == 0) {
      return nanos.divide(minute) + "m";
    }
    long[] perUnit = {NANOS_PER_SECOND, NANOS_PER_MILLI, NANOS_PER_MICRO};
    String[] names = {"s", "ms", "us"};
    for (int i = 0; i < perUnit.length; i++) {
      BigInteger unit = BigInteger.valueOf(perUnit[i]);
      BigInteger thousandth = BigInteger.valueOf(perUnit[i] / 1000);
      if (nanos.compareTo(unit) >= 0 && nanos.mod(thousandth).signum() == 0) {
        BigDecimal value = new BigDecimal(nanos).divide(new BigDecimal(unit));
        return value.stripTrailingZeros().toPlainString() + names[i];
      }
    }
    return nanos + "ns";
  }

  /** Reads digits[.digits]unit starting at {@code start}; the result is never negative. */
  private static long parseMagnitude(String token, int start, String expected)
      throws FaultSyntaxException {
    int i = start;
    while (i < token.length() && (Character.isDigit(token.charAt(i)) || token.charAt(i) == '.')) {
      i++;
    }
    String number = token.substring(start, i);
    String unit = token.substring(i);
    if (number.isEmpty()
        || number.startsWith(".")
        || number.endsWith(".")
        || number.indexOf('.') != number.lastIndexOf('.')) {
      throw new FaultSyntaxException(
          token, start + 1, "expected " + expected + ", got '" + token + "'");
    }
    if (unit.isEmpty()) {
      throw new FaultSyntaxException(
          token,
          i + 1,
          "expected " + expected + ", got '" + token + "' (a unit is missing: " + UNITS + ")");
    }
    long perUnit = nanosPerUnit(unit);
    if (perUnit == 0) {
      throw new FaultSyntaxException(
          token, i + 1, "unknown unit '" + unit + "' in '" + token + "'; expected " + UNITS);
    }
    BigDecimal nanos = new BigDecimal(number).multiply(BigDecimal.valueOf(perUnit));
    BigInteger whole;
    try {
      whole = nanos.toBigIntegerExact();
    } catch (ArithmeticException notWhole) {
      throw new FaultSyntaxException(
          token, start + 1, "'" + token + "' is not a whole number of nanoseconds");
    }
    if (whole.bitLength() >= Long.SIZE) {
      throw new FaultSyntaxException(token, start + 1, "'" + token + "' is too long a duration");
    }
    return whole.longValueExact();
  }

  private static long nanosPerUnit(String unit) {
    switch (unit) {
      case "ns":
        return 1;
      case "us":
      case "µs":
        return NANOS_PER_MICRO;
      case "ms":
        return NANOS_PER_MILLI;
      case "s":
        return NANOS_PER_SECOND;
      case "m":
      case "min":
        return NANOS_PER_MINUTE;
      case "h":
        return NANOS_PER_HOUR;
      default:
        return 0;
    }
  }
}
