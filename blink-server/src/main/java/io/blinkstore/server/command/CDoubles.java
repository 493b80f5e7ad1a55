package io.blinkstore.server.command;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Doubles as Redis's C handles them on x86-64, where Java differs: {@code printf("%.17g")}, which Redis 7.0 writes
 * every double reply with, and the {@code (long long)} cast it truncates a script's numbers with.
 */
final class CDoubles {
  private static final MathContext SEVENTEEN_DIGITS = new MathContext(17, RoundingMode.HALF_EVEN);
  /** 2^63, the first double past {@code long}'s range. */
  private static final double TWO_TO_63 = 0x1p63;

  private CDoubles() {}

  /** {@code value} as C's {@code printf("%.17g")} writes it. */
  static String g17(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return 1 / value < 0 ? "-0" : "0";
    }
    BigDecimal rounded = new BigDecimal(value).round(SEVENTEEN_DIGITS);
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent >= -4 && exponent < 17) {
      return rounded.stripTrailingZeros().toPlainString();
    }
    BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
    String sign = exponent < 0 ? "-" : "+";
    int magnitude = Math.abs(exponent);
    return mantissa.toPlainString() + 'e' + sign + (magnitude < 10 ? "0" : "") + magnitude;
  }

  /**
   * C's {@code (long long) value} on x86-64 ({@code cvttsd2si}): truncated toward zero, and NaN or a value out of
   * {@code long}'s range is {@code LLONG_MIN} (Java's cast gives 0 and the nearest bound).
   */
  static long toLongLong(double value) {
    if (Double.isNaN(value) || value >= TWO_TO_63 || value < -TWO_TO_63) {
      return Long.MIN_VALUE;
    }
    return (long) value;
  }
}
