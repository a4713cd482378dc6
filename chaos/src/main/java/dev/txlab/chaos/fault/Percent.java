package dev.txlab.chaos.fault;

import java.math.BigDecimal;

/**
 * A probability written as a percentage with at most two decimals ({@code 20%}, {@code 0.5%},
 * {@code 100%}), held exactly in basis points (hundredths of a percent) so that it prints back as
 * written and compares exactly.
 *
 * @param basisPoints 0 to 10,000
 */
public record Percent(int basisPoints) {
  public static final int BASIS_POINTS_MAX = 10_000;
  public static final Percent ZERO = new Percent(0);

  public Percent {
    if (basisPoints < 0 || basisPoints > BASIS_POINTS_MAX) {
      throw new IllegalArgumentException("basis points out of range: " + basisPoints);
    }
  }

  /** The probability as a fraction in [0, 1], for samplers. */
  public double probability() {
    return basisPoints / (double) BASIS_POINTS_MAX;
  }

  /** The canonical text, {@code 20%} or {@code 0.5%}. */
  public String text() {
    return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + "%";
  }

  @Override
  public String toString() {
    return text();
  }

  /**
   * Reads {@code 20%}, {@code 0.5%}, {@code 100%}.
   *
   * @throws FaultSyntaxException whose text is {@code token}
   */
  public static Percent parse(String token) throws FaultSyntaxException {
    String expected = "expected a percentage like 20%, got '" + token + "'";
    if (!token.endsWith("%")) {
      throw new FaultSyntaxException(token, 1, expected);
    }
    String number = token.substring(0, token.length() - 1);
    if (!number.matches("[0-9]+(\\.[0-9]+)?")) {
      throw new FaultSyntaxException(token, 1, expected);
    }
    BigDecimal value = new BigDecimal(number);
    if (value.stripTrailingZeros().scale() > 2) {
      throw new FaultSyntaxException(
          token, 1, "'" + token + "' has more than two decimals; write at least 0.01%");
    }
    if (value.compareTo(BigDecimal.valueOf(100)) > 0) {
      throw new FaultSyntaxException(token, 1, "'" + token + "' is more than 100%");
    }
    return new Percent(value.movePointRight(2).intValueExact());
  }
}
