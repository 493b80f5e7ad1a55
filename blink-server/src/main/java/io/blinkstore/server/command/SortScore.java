package io.blinkstore.server.command;

import java.util.Arrays;

/**
 * The number {@code SORT} sorts a value by, read as Redis 7.0 reads it: C's {@code strtod} over the value's C
 * string (up to a NUL byte), which must reach that string's end; leading white space, {@code +}, {@code inf},
 * hexadecimal ({@code 0x1p3}) are taken, and an empty string is 0. A value strtod reads past the range of a double
 * ({@code ERANGE}: {@code 1e400}, and {@code 1e-310}, whose result would be subnormal or 0) or as NaN is refused.
 */
final class SortScore {
  /** What {@link #of} answers for a value {@code SORT} refuses: no value sorts as NaN, which strtod's is refused. */
  static final double REFUSED = Double.NaN;

  private SortScore() {}

  /** The value's number, or {@link #REFUSED}. */
  static double of(byte[] value) {
    int end = 0;
    while (end < value.length && value[end] != 0) {
      end++;
    }
    int start = 0;
    while (start < end && space(value[start])) {
      start++;
    }
    int reached = LuaStrtod.scan(value, start);
    if (reached == start) {
      return end == 0 ? 0 : REFUSED; // no number: strtod points back at the string's first byte
    }
    if (reached != end) {
      return REFUSED;
    }
    double number = LuaStrtod.parse(Arguments.text(Arrays.copyOfRange(value, start, reached)));
    return outOfRange(value, start, reached, number) ? REFUSED : number;
  }

  /** Whether strtod sets {@code ERANGE} for the text it read: overflow, or underflow to a subnormal or 0. */
  private static boolean outOfRange(byte[] value, int start, int end, double number) {
    if (Double.isInfinite(number)) {
      int p = value[start] == '+' || value[start] == '-' ? start + 1 : start;
      return (value[p] | 0x20) != 'i'; // "inf" itself is no overflow
    }
    if (Math.abs(number) >= Double.MIN_NORMAL || Double.isNaN(number)) {
      return false;
    }
    return number != 0 || nonZeroMantissa(value, start, end);
  }

  private static boolean nonZeroMantissa(byte[] value, int start, int end) {
    boolean hex = false;
    for (int i = start; i < end; i++) {
      int c = value[i] | 0x20;
      if (c == 'x') {
        hex = true;
      } else if (hex ? c == 'p' : c == 'e') {
        return false;
      } else if (c >= '1' && c <= '9' || hex && c >= 'a' && c <= 'f') {
        return true;
      }
    }
    return false;
  }

  /** C's {@code isspace} in the C locale. */
  private static boolean space(byte b) {
    return b == ' ' || b >= '\t' && b <= '\r';
  }
}
