package io.blinkstore.server.command;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The C {@code long double} of Redis's {@code INCRBYFLOAT} on x86-64 Linux (the x87 80-bit extended format: a
 * 64-bit significand, binary exponents down to -16445 for subnormals, up to 2^16384), computed exactly with
 * {@link BigInteger}s so that every reply is byte for byte redis-server's: parsing as glibc's {@code strtold}
 * under Redis's {@code string2ld}, the sum rounded to the nearest (ties to even), and the text of
 * {@code ld2string}'s human mode: {@code "%.17Lf"}, trailing zeros and a trailing point removed, {@code -0} as
 * {@code 0}. A value is {@code significand × 2^exponent}, or infinite.
 */
final class LongDouble {
  /** Redis's {@code MAX_LONG_DOUBLE_CHARS}: a longer text is not a float. */
  static final int MAX_CHARS = 5 * 1024;

  private static final int SIGNIFICAND_BITS = 64;
  /** The exponent of the last bit of the smallest subnormal. */
  private static final int MIN_EXPONENT = -16445;
  /** Values from 2^16384 on are infinite. */
  private static final int MAX_BINARY_MAGNITUDE = 16384;
  /** Decimal exponents well past the format's range either way: 10^5000 overflows, 10^-5000 underflows. */
  private static final int DECIMAL_RANGE = 5000;
  private static final BigInteger TOP = BigInteger.ONE.shiftLeft(SIGNIFICAND_BITS);

  private final BigInteger significand;
  private final int exponent;
  private final boolean infinite;

  private LongDouble(BigInteger significand, int exponent, boolean infinite) {
    this.significand = significand;
    this.exponent = exponent;
    this.infinite = infinite;
  }

  /** Zero: what {@code INCRBYFLOAT} adds to where the key has no value. */
  static final LongDouble ZERO = new LongDouble(BigInteger.ZERO, 0, false);

  /** Whether this is an infinity (a sum with one is Redis's {@code increment would produce NaN or Infinity}). */
  boolean infinite() {
    return infinite;
  }

  /**
   * The value of {@code text} as {@code string2ld} reads it, or {@code null} where it answers "not a float":
   * empty or {@value #MAX_CHARS} bytes or more, leading whitespace, anything {@code strtold} leaves unread, a NaN,
   * or a value that overflows to infinity or underflows to zero (an infinity written as {@code inf} is a value).
   */
  static @Nullable LongDouble parse(byte[] text) {
    if (text.length == 0 || text.length >= MAX_CHARS) {
      return null;
    }
    String s = new String(text, StandardCharsets.ISO_8859_1);
    int i = 0;
    boolean negative = s.charAt(0) == '-';
    if (negative || s.charAt(0) == '+') {
      i++;
    }
    String rest = s.substring(i).toLowerCase(Locale.ROOT);
    if (rest.equals("inf") || rest.equals("infinity")) {
      return new LongDouble(negative ? BigInteger.ONE.negate() : BigInteger.ONE, 0, true);
    }
    LongDouble magnitude = rest.startsWith("0x") ? hex(rest.substring(2)) : decimal(rest);
    if (magnitude == null) {
      return null;
    }
    return negative ? magnitude.negate() : magnitude;
  }

  /** {@code digits[.digits][e[+-]digits]}, at least one digit, all of it. */
  private static @Nullable LongDouble decimal(String s) {
    Mantissa m = Mantissa.of(s, 10, 'e');
    if (m == null) {
      return null;
    }
    if (m.digits.signum() == 0) {
      return ZERO;
    }
    long magnitude = m.exponent + m.digits.toString().length();
    if (magnitude > DECIMAL_RANGE || magnitude < -DECIMAL_RANGE) {
      return null; // overflows to infinity, or underflows to zero: ERANGE, refused
    }
    int e = (int) m.exponent;
    return e >= 0 ? rounded(m.digits.multiply(BigInteger.TEN.pow(e)), BigInteger.ONE, 0)
        : rounded(m.digits, BigInteger.TEN.pow(-e), 0);
  }

  /** glibc's hexadecimal float after {@code 0x}: {@code hexdigits[.hexdigits][p[+-]digits]}, all of it. */
  private static @Nullable LongDouble hex(String s) {
    Mantissa m = Mantissa.of(s, 16, 'p');
    if (m == null) {
      return null;
    }
    if (m.digits.signum() == 0) {
      return ZERO;
    }
    long binary = m.exponent + m.digits.bitLength();
    if (binary > MAX_BINARY_MAGNITUDE + 1 || binary < MIN_EXPONENT - 1) {
      return null;
    }
    return rounded(m.digits, BigInteger.ONE, (int) m.exponent);
  }

  /**
   * The digits of a mantissa in {@code radix} with its point removed, and the exponent that goes with them:
   * decimal, a power of ten; hexadecimal, a power of two (the {@code p} exponent less 4 per fraction digit).
   */
  private record Mantissa(BigInteger digits, long exponent) {
    static @Nullable Mantissa of(String s, int radix, char marker) {
      int point = -1;
      int end = 0;
      StringBuilder digits = new StringBuilder();
      for (; end < s.length(); end++) {
        char c = s.charAt(end);
        if (c == '.' && point < 0) {
          point = digits.length();
        } else if (Character.digit(c, radix) >= 0 && c < 128) {
          digits.append(c);
        } else {
          break;
        }
      }
      if (digits.length() == 0) {
        return null;
      }
      long exponent = 0;
      if (end < s.length()) {
        if (s.charAt(end) != marker) {
          return null;
        }
        exponent = exponent(s.substring(end + 1));
        if (exponent == Long.MIN_VALUE) {
          return null;
        }
      }
      int fraction = point < 0 ? 0 : digits.length() - point;
      long scaled = exponent - (long) fraction * (radix == 16 ? 4 : 1);
      return new Mantissa(new BigInteger(digits.toString(), radix), scaled);
    }

    /** {@code [+-]digits}, saturated far past any range; {@link Long#MIN_VALUE} if not that. */
    private static long exponent(String s) {
      int i = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
      if (i == s.length()) {
        return Long.MIN_VALUE;
      }
      long value = 0;
      for (int j = i; j < s.length(); j++) {
        char c = s.charAt(j);
        if (c < '0' || c > '9') {
          return Long.MIN_VALUE;
        }
        value = Math.min(value * 10 + (c - '0'), 1_000_000_000L);
      }
      return s.startsWith("-") ? -value : value;
    }
  }

  /**
   * {@code num / den × 2^shift} (both positive) rounded to the format, ties to even; {@code null} if that is
   * infinite or zero (what {@code strtold} reports as {@code ERANGE}).
   */
  private static @Nullable LongDouble rounded(BigInteger num, BigInteger den, int shift) {
    LongDouble value = round(num, den, shift);
    return value.infinite || value.significand.signum() == 0 ? null : value;
  }

  /** {@code num / den × 2^shift} (both positive) rounded to the format, ties to even; infinite past its range. */
  private static LongDouble round(BigInteger num, BigInteger den, int shift) {
    int log2 = num.bitLength() - den.bitLength() + shift; // floor(log2(value)) is this or one less
    int exp = Math.max(log2 - SIGNIFICAND_BITS, MIN_EXPONENT);
    BigInteger significand = divideRounded(num, den, exp - shift);
    if (significand.bitLength() > SIGNIFICAND_BITS) {
      exp++;
      significand = divideRounded(num, den, exp - shift);
    }
    if (significand.bitLength() > SIGNIFICAND_BITS) { // rounding carried up to 2^64
      significand = significand.shiftRight(1);
      exp++;
    }
    if (exp + significand.bitLength() > MAX_BINARY_MAGNITUDE) {
      return new LongDouble(BigInteger.ONE, 0, true);
    }
    return new LongDouble(significand, exp, false);
  }

  /** {@code num / (den × 2^scale)} rounded to an integer, ties to even. */
  private static BigInteger divideRounded(BigInteger num, BigInteger den, int scale) {
    BigInteger n = scale < 0 ? num.shiftLeft(-scale) : num;
    BigInteger d = scale > 0 ? den.shiftLeft(scale) : den;
    BigInteger[] qr = n.divideAndRemainder(d);
    int half = qr[1].shiftLeft(1).compareTo(d);
    return half > 0 || half == 0 && qr[0].testBit(0) ? qr[0].add(BigInteger.ONE) : qr[0];
  }

  private LongDouble negate() {
    return new LongDouble(significand.negate(), exponent, infinite);
  }

  /** {@code this + other}, rounded to the format (a sum with an infinity is infinite, or NaN: call it infinite). */
  LongDouble plus(LongDouble other) {
    if (infinite || other.infinite) {
      return new LongDouble(BigInteger.ONE, 0, true);
    }
    int exp = Math.min(exponent, other.exponent);
    BigInteger sum = significand.shiftLeft(exponent - exp).add(other.significand.shiftLeft(other.exponent - exp));
    if (sum.signum() == 0) {
      return ZERO;
    }
    LongDouble magnitude = round(sum.abs(), BigInteger.ONE, exp);
    return sum.signum() < 0 ? magnitude.negate() : magnitude;
  }

  /** {@code ld2string(..., LD_STR_HUMAN)}: {@code "%.17Lf"}, trailing zeros and point removed, never {@code -0}. */
  String text() {
    String fixed;
    if (exponent >= 0) {
      fixed = significand.shiftLeft(exponent).toString();
    } else {
      BigDecimal exact = new BigDecimal(significand.multiply(BigInteger.valueOf(5).pow(-exponent)), -exponent);
      fixed = exact.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
      fixed = fixed.replaceFirst("0+$", "");
      if (fixed.endsWith(".")) {
        fixed = fixed.substring(0, fixed.length() - 1);
      }
    }
    return fixed.equals("-0") ? "0" : fixed;
  }
}
