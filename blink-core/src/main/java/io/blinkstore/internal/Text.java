package io.blinkstore.internal;

/** The text rules the store, the server's text protocol and the client share: whitespace and UTF-8 length. */
public final class Text {
  private Text() {}

  /**
   * Unicode White_Space: exactly what the original's Rust {@code char::is_whitespace} and {@code str::trim} use,
   * the set a key may not hold and a text request line is split on. It differs from {@link String#trim()} (all
   * controls up to U+0020, so U+001C..U+001F too) and from {@link Character#isWhitespace} (which has
   * U+001C..U+001F but not U+0085, U+00A0, U+2007, U+202F). Every White_Space character is in the BMP, so
   * testing a {@code char} is exact.
   */
  public static boolean isWhitespace(char c) {
    return c == ' '
        || (c >= '\t' && c <= '\r')
        || c == 0x85
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }

  /**
   * Returns the number of bytes {@code text} takes in UTF-8, without encoding it. An unpaired surrogate (never
   * in a valid key) counts 3 bytes, the most one char of the Basic Multilingual Plane takes, so that no text
   * measures shorter than it could be stored.
   */
  public static long utf8Length(CharSequence text) {
    int length = text.length();
    long bytes = length;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
          bytes += 2; // the pair's two chars take four bytes
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }
}
