package io.blinkstore.server.command;

import java.util.Locale;

/** C's {@code strtod} for the scripting libraries: how far a number reaches in a byte string, and its value. */
final class LuaStrtod {
  private LuaStrtod() {}

  /** The end of the longest prefix at {@code start} that strtod reads as a number, or {@code start} if none. */
  static int scan(byte[] data, int start) {
    int p = start;
    if (at(data, p) == '+' || at(data, p) == '-') {
      p++;
    }
    if (word(data, p, "infinity")) {
      return p + 8;
    }
    if (word(data, p, "inf")) {
      return p + 3;
    }
    if (word(data, p, "nan")) {
      return nanEnd(data, p + 3);
    }
    if (at(data, p) == '0' && (at(data, p + 1) | 0x20) == 'x') {
      int end = digits(data, p + 2, 16);
      if (end > p + 2 || at(data, p + 2) == '.' && Character.digit(at(data, p + 3), 16) >= 0) {
        return exponent(data, end, 'p');
      }
      return p + 1;
    }
    int end = digits(data, p, 10);
    if (end == p && !(at(data, p) == '.' && Character.digit(at(data, p + 1), 10) >= 0)) {
      return start;
    }
    return exponent(data, end, 'e');
  }

  /** The value of a prefix {@link #scan} accepted. */
  static double parse(String number) {
    String text = number.toLowerCase(Locale.ROOT);
    boolean negative = text.startsWith("-");
    String unsigned = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
    double magnitude;
    if (unsigned.startsWith("inf")) {
      magnitude = Double.POSITIVE_INFINITY;
    } else if (unsigned.startsWith("nan")) {
      magnitude = Double.NaN;
    } else if (unsigned.startsWith("0x")) {
      magnitude = Double.parseDouble(unsigned.contains("p") ? unsigned : unsigned + "p0");
    } else {
      magnitude = Double.parseDouble(unsigned);
    }
    return negative ? -magnitude : magnitude;
  }

  private static int at(byte[] data, int i) {
    return i < data.length ? data[i] & 0xff : 0;
  }

  private static boolean word(byte[] data, int p, String word) {
    for (int i = 0; i < word.length(); i++) {
      if ((at(data, p + i) | 0x20) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int nanEnd(byte[] data, int p) {
    if (at(data, p) != '(') {
      return p;
    }
    int q = p + 1;
    while (Character.isLetterOrDigit(at(data, q)) && at(data, q) < 128 || at(data, q) == '_') {
      q++;
    }
    return at(data, q) == ')' ? q + 1 : p;
  }

  /** Digits, then a point and more digits, in {@code radix}; the index after them. */
  private static int digits(byte[] data, int p, int radix) {
    int q = p;
    while (Character.digit(at(data, q), radix) >= 0) {
      q++;
    }
    if (at(data, q) == '.') {
      int r = q + 1;
      while (Character.digit(at(data, r), radix) >= 0) {
        r++;
      }
      return r > q + 1 || q > p ? r : q;
    }
    return q;
  }

  private static int exponent(byte[] data, int p, char marker) {
    if ((at(data, p) | 0x20) != marker) {
      return p;
    }
    int q = p + 1;
    if (at(data, q) == '+' || at(data, q) == '-') {
      q++;
    }
    int end = q;
    while (at(data, end) >= '0' && at(data, end) <= '9') {
      end++;
    }
    return end > q ? end : p;
  }
}
