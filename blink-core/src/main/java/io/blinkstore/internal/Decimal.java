package io.blinkstore.internal;

import java.nio.charset.StandardCharsets;

/** The counters' value format: the canonical decimal ASCII text of a 64-bit integer, as Redis stores it. */
public final class Decimal {
  /** The longest text of a {@code long}: {@code -9223372036854775808}. */
  public static final int MAX_LENGTH = 20;

  private Decimal() {}

  /**
   * Returns the integer {@code text} spells, or throws if it is not canonical: an optional {@code -}, then
   * {@code 0} alone or digits without a leading zero, and no {@code -0} (Redis's {@code string2ll} rules).
   *
   * @throws NumberFormatException if the text is not canonical or does not fit a {@code long}
   */
  public static long parse(byte[] text) {
    return parse(text, 0);
  }

  /** As {@link #parse(byte[])}, of the bytes of {@code text} from {@code from} to its end. */
  public static long parse(byte[] text, int from) {
    int length = text.length - from;
    if (length <= 0 || length > MAX_LENGTH) {
      throw new NumberFormatException();
    }
    boolean negative = text[from] == '-';
    int first = from + (negative ? 1 : 0);
    if (first == text.length || (text[first] == '0' && (length > 1))) {
      throw new NumberFormatException(); // "-", "-0", "007"
    }
    long value = 0; // accumulated negatively, so that Long.MIN_VALUE fits
    for (int i = first; i < text.length; i++) {
      int digit = text[i] - '0';
      if (digit < 0 || digit > 9 || value < (Long.MIN_VALUE + digit) / 10) {
        throw new NumberFormatException();
      }
      value = value * 10 - digit;
    }
    if (!negative) {
      if (value == Long.MIN_VALUE) {
        throw new NumberFormatException();
      }
      value = -value;
    }
    return value;
  }

  /** Returns the canonical text of {@code value}. */
  public static byte[] format(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }
}
